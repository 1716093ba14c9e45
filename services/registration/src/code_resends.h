// "Send me a new code": a person asks the portal for another activation SMS. The request is
// recorded with its time and, when there is someone to send to (a known number, an account not
// yet open, a phone), ActivationCodeRequested is published in the same transaction; notification
// sends the SMS with a fresh code. The answer is the same whether the number exists or not, and
// whether the account is open; past the limits per number and per phone within a window the
// request is refused (RESOURCE_EXHAUSTED, with the wait), so that the portal cannot be used to
// flood a phone.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::registration {

struct ResendLimits {
  int per_number = 3;  // requests for one registration number within `window`
  int per_phone = 5;   // codes sent to one phone within `window`
  absl::Duration window = absl::Hours(24);
};

// INVALID_ARGUMENT naming the flag when a limit is not positive.
absl::Status CheckResendLimits(const ResendLimits& limits);

inline constexpr char kTooManyCodeRequests[] = "too many code requests; try again later";

class CodeResends {
 public:
  CodeResends(
      storage::Database& db, events::EventSource source, ResendLimits limits, std::function<void()> on_commit = [] {})
      : db_(db), source_(std::move(source)), limits_(limits), on_commit_(std::move(on_commit)) {}

  // OK when the request is recorded, whatever it causes. INVALID_ARGUMENT for a malformed
  // number; RESOURCE_EXHAUSTED kTooManyCodeRequests with the wait (rpc::RetryAfterOf) past a
  // limit.
  absl::Status Request(const std::string& registration_number);

 private:
  storage::Database& db_;
  events::EventSource source_;
  const ResendLimits limits_;
  std::function<void()> on_commit_;
};

}  // namespace himaya::registration
