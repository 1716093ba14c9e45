// What persons and agents ask of the notification service: the messages sent to a person, to
// stop or start receiving messages, and to have a message sent again.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "core/random.h"
#include "notification/src/message.h"
#include "notification/src/templates.h"
#include "storage/database.h"

namespace himaya::notification {

class MessageRequests {
 public:
  MessageRequests(
      storage::Database& db, const Templates& templates, const core::Clock& clock, core::RandomSource& random,
      std::function<void(const std::string&, const std::string&, int64_t)> on_queued =
          [](const std::string&, const std::string&, int64_t) {})
      : db_(db), templates_(templates), clock_(clock), random_(random), on_queued_(std::move(on_queued)) {}

  // The person's messages, oldest first. INVALID_ARGUMENT for a malformed number.
  absl::StatusOr<std::vector<Message>> List(const std::string& registration_number);
  // INVALID_ARGUMENT for a malformed number or an unknown channel.
  absl::Status SetOptOut(const std::string& registration_number, const std::string& channel, bool opted_out);
  // Queues `template_key` again for the person, in the language and program of their last
  // message. NOT_FOUND for an unknown template; FAILED_PRECONDITION when the person has no
  // message yet, or for a template sent on its event only (a claim's decision).
  absl::StatusOr<Message> Resend(const std::string& registration_number, const std::string& template_key);

 private:
  storage::Database& db_;
  const Templates& templates_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  // (program, template, messages) after messages were queued.
  std::function<void(const std::string&, const std::string&, int64_t)> on_queued_;
};

}  // namespace himaya::notification
