// Sends the recorded messages, at the provider's pace: due messages are claimed in small
// batches, outside quiet hours, within a per-provider rate limit; registration is asked once
// per claim for the recipients' phones and, for activation messages, fresh codes; each text is
// rendered, measured, submitted, and never stored, and the claim's submissions are recorded
// together. Transient failures are retried with
// exponential back-off up to a final FAILED with the reason; opted-out persons and persons
// without a phone end FAILED at once with that reason. Delivery reports close messages as
// DELIVERED or FAILED, and each final state is published (NotificationDelivered or
// NotificationFailed) through the outbox.
//
// Exactly once: a message is marked SENDING (claimed) before it is handed to the provider and
// SUBMITTED after (with the rest of its claim). A process that dies between the two leaves
// SENDING messages behind; they are sent again at start, or by any dispatcher once the claim
// expires (the provider may then see them twice), and counted. The window is the claim size: at
// most that many duplicates per crash. Replicas share the table: a claim takes only rows still
// due and in the state it read. A delivery report that overtakes the record of its submission is
// kept on the message and applied with that record, so the parts are never lost. If that record
// never comes (its sender died), the kept report proves the provider took the message: it is
// closed with the report when its claim is taken over, never sent again (its parts unknown).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "core/thread_pool.h"
#include "events/envelope.h"
#include "notification/src/message.h"
#include "notification/src/person_directory.h"
#include "notification/src/sms_provider.h"
#include "notification/src/templates.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::notification {

struct DispatchOptions {
  // Messages per second handed to the provider.
  double rate_per_second = 50;
  // No SMS between these local times (start may be after end: the night).
  absl::Duration quiet_start = absl::Hours(21);
  absl::Duration quiet_end = absl::Hours(8);
  absl::TimeZone time_zone = absl::UTCTimeZone();
  int max_attempts = 6;
  absl::Duration first_backoff = absl::Seconds(30);
  absl::Duration max_backoff = absl::Hours(2);
  int claim_size = 200;
  // A claim not settled by then (its process died) may be taken by any dispatcher.
  absl::Duration claim_timeout = absl::Minutes(5);
  // Messages handed to the provider at once (lookups, code issues and submissions overlap).
  int senders = 16;
  // Identifies this process's claims.
  std::string instance_id = "dispatcher";
};

// Parses "HH:MM-HH:MM" (local start and end of the quiet hours; empty: none, both zero).
// INVALID_ARGUMENT naming the flag otherwise.
absl::StatusOr<std::pair<absl::Duration, absl::Duration>> ParseQuietHours(absl::string_view text);

// Counts of one Dispatch pass.
struct DispatchCounts {
  int submitted = 0;
  int retried = 0;
  int failed = 0;
};

class Dispatcher final : public DeliveryReportSink {
 public:
  Dispatcher(
      storage::Database& db, SmsProvider& provider, PersonDirectory& directory, const Templates& templates,
      events::EventSource source, DispatchOptions options, prometheus::Registry* registry = nullptr,
      std::function<void()> on_commit = [] {});
  ~Dispatcher() override;

  // True during quiet hours at `t`.
  bool IsQuiet(absl::Time t) const;
  // The wait before attempt number `attempt` + 1 (attempt >= 1): first_backoff doubling, capped.
  absl::Duration Backoff(int attempt) const;

  // Sends what is due now (outside quiet hours, within the rate limit). Returns what it did.
  absl::StatusOr<DispatchCounts> DispatchOnce();
  // Puts back messages this process left SENDING when it stopped without warning; returns how
  // many (each may reach the provider twice).
  absl::StatusOr<int> RecoverInterrupted();

  // Closes the message DELIVERED or FAILED, once. A report for a message whose submission is not
  // recorded yet (still SENDING) is kept and applied when the submission is recorded, with its
  // parts; if the submission's answer was a refusal, that answer's reason wins.
  absl::Status OnDeliveryReport(const std::string& message_id, bool delivered, const std::string& reason) override;

  // Counts messages recorded to send (by whoever records them), and wakes the dispatcher.
  void Queued(const std::string& program, const std::string& channel, const std::string& template_key,
              int64_t count = 1);

  // Sends on a background loop (after putting back what this process left SENDING) until Stop().
  void Start();
  // Runs a pass at once (messages were recorded).
  void Wake();
  void Stop();

 private:
  struct Submission;
  // Metric labels of a message closed.
  using Labels = std::map<std::string, std::string>;
  // Closes the message in `tx` and appends its event; returns its labels, or nothing when it was
  // already closed or (a report) is not open for closing.
  absl::StatusOr<std::optional<Labels>> CloseIn(storage::Transaction& tx, const std::string& message_id, bool delivered,
                                                const std::string& reason, bool only_if_open);
  absl::Status Finish(const std::string& message_id, bool delivered, const std::string& reason, bool only_if_open);
  // After the commit that closed messages by their reports: counts them, wakes the relay.
  void Closed(const std::vector<Labels>& reported);
  absl::StatusOr<std::optional<Submission>> SendOne(const Message& message, bool opted_out,
                                                    const PreparedRecipient& recipient, DispatchCounts& counts);
  absl::Status GiveBack(const std::vector<Message>& messages);
  absl::StatusOr<std::vector<bool>> OptedOut(const std::vector<Message>& messages);
  absl::Status RecordSubmitted(const std::vector<Submission>& submissions, absl::Time now);
  bool TakeToken();
  // One pass of the background loop; returns how long to idle.
  absl::Duration Pass();

  storage::Database& db_;
  SmsProvider& provider_;
  PersonDirectory& directory_;
  const Templates& templates_;
  events::EventSource source_;
  DispatchOptions options_;
  std::function<void()> on_commit_;
  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<core::ThreadPool> senders_;
  // Token bucket (the sending threads take from it).
  absl::Mutex bucket_mu_;
  double tokens_ ABSL_GUARDED_BY(bucket_mu_) = 0;
  absl::Time refilled_ ABSL_GUARDED_BY(bucket_mu_) = absl::InfinitePast();
  // Touched by the loop's passes only.
  bool recovered_ = false;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::notification
