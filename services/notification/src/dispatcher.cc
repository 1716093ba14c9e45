#include "notification/src/dispatcher.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/notification/v1/events.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace himaya::notification {

absl::StatusOr<std::pair<absl::Duration, absl::Duration>> ParseQuietHours(absl::string_view text) {
  if (text.empty()) return std::make_pair(absl::ZeroDuration(), absl::ZeroDuration());
  const absl::Status bad = absl::InvalidArgumentError("quiet_hours: HH:MM-HH:MM, e.g. 21:00-08:00");
  std::vector<std::string> ends = absl::StrSplit(text, '-');
  if (ends.size() != 2) return bad;
  std::pair<absl::Duration, absl::Duration> out;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> hm = absl::StrSplit(ends[i], ':');
    int h = 0, m = 0;
    if (hm.size() != 2 || hm[1].size() != 2 || !absl::SimpleAtoi(hm[0], &h) || !absl::SimpleAtoi(hm[1], &m) || h < 0 ||
        h > 23 || m < 0 || m > 59) {
      return bad;
    }
    (i == 0 ? out.first : out.second) = absl::Hours(h) + absl::Minutes(m);
  }
  return out;
}

struct Dispatcher::Claimed {
  std::string message_id, registration_number, program, channel, template_key, language;
  int attempts;
};

// A message the provider took, to be recorded SUBMITTED.
struct Dispatcher::Submission {
  std::string message_id, provider_message_id;
  int parts;
  SmsEncoding encoding;
};

struct Dispatcher::Metrics {
  explicit Metrics(prometheus::Registry& r)
      : messages(prometheus::BuildCounter()
                     .Name("himaya_notification_messages_total")
                     .Help("Messages by program, channel, template and what happened (queued, sent, "
                           "retried, delivered, failed)")
                     .Register(r)),
        parts(prometheus::BuildCounter()
                  .Name("himaya_notification_parts_total")
                  .Help("SMS parts handed to the provider, by program, channel and template")
                  .Register(r)),
        resent_after_crash(prometheus::BuildCounter()
                               .Name("himaya_notification_resent_after_crash_total")
                               .Help("Messages found SENDING at start and sent again (possible duplicates)")
                               .Register(r)
                               .Add({})) {}
  prometheus::Family<prometheus::Counter>& messages;
  prometheus::Family<prometheus::Counter>& parts;
  prometheus::Counter& resent_after_crash;
};

Dispatcher::Dispatcher(storage::Database& db, SmsProvider& provider, PersonDirectory& directory,
                       const Templates& templates, events::EventSource source, DispatchOptions options,
                       prometheus::Registry* registry, std::function<void()> on_commit)
    : db_(db),
      provider_(provider),
      directory_(directory),
      templates_(templates),
      source_(std::move(source)),
      options_(std::move(options)),
      on_commit_(std::move(on_commit)),
      metrics_(registry ? std::make_unique<Metrics>(*registry) : nullptr),
      senders_(std::make_unique<core::ThreadPool>(std::max(1, options_.senders))) {}

Dispatcher::~Dispatcher() { Stop(); }

bool Dispatcher::IsQuiet(absl::Time t) const {
  const absl::CivilSecond local = absl::ToCivilSecond(t, options_.time_zone);
  const absl::Duration since_midnight =
      absl::Hours(local.hour()) + absl::Minutes(local.minute()) + absl::Seconds(local.second());
  if (options_.quiet_start == options_.quiet_end) return false;
  if (options_.quiet_start < options_.quiet_end) {
    return since_midnight >= options_.quiet_start && since_midnight < options_.quiet_end;
  }
  return since_midnight >= options_.quiet_start || since_midnight < options_.quiet_end;
}

absl::Duration Dispatcher::Backoff(int attempt) const {
  absl::Duration wait = options_.first_backoff;
  for (int i = 1; i < attempt && wait < options_.max_backoff; ++i) wait *= 2;
  return std::min(wait, options_.max_backoff);
}

bool Dispatcher::TakeToken() {
  std::lock_guard<std::mutex> lock(bucket_mu_);
  const absl::Time now = source_.clock->Now();
  const double burst = std::max(1.0, options_.rate_per_second);
  if (refilled_ == absl::InfinitePast()) {
    tokens_ = burst;
  } else {
    tokens_ = std::min(burst, tokens_ + absl::ToDoubleSeconds(now - refilled_) * options_.rate_per_second);
  }
  refilled_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

absl::StatusOr<int> Dispatcher::RecoverInterrupted() {
  int64_t n = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(n, tx.Execute("UPDATE messages SET status = 'PENDING', claimed_by = NULL, "
                                   "next_attempt_at_us = 0 WHERE status = 'SENDING' AND claimed_by = $1 "
                                   "AND early_report IS NULL",
                                   {options_.instance_id}));
    // A message reported on reached the provider: due now, to be closed with its report (not sent).
    return tx
        .Execute(
            "UPDATE messages SET next_attempt_at_us = 0 WHERE status = 'SENDING' AND claimed_by = $1 "
            "AND early_report IS NOT NULL",
            {options_.instance_id})
        .status();
  }));
  if (n > 0) {
    log::Warn("messages interrupted mid-send will be sent again", {{"messages", n}});
    if (metrics_) metrics_->resent_after_crash.Increment(static_cast<double>(n));
  }
  return static_cast<int>(n);
}

absl::StatusOr<DispatchCounts> Dispatcher::DispatchOnce() {
  DispatchCounts counts;
  const absl::Time now = source_.clock->Now();
  if (IsQuiet(now)) return counts;
  std::vector<Claimed> claimed;
  std::vector<Labels> reported;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    claimed.clear();
    reported.clear();
    // Due messages, and claims another dispatcher left to expire.
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT message_id, registration_number, program, channel, template, "
                                         "language, attempts, status, early_report, early_report_reason "
                                         "FROM messages WHERE status IN ('PENDING', "
                                         "'SENDING') AND next_attempt_at_us <= $1 "
                                         "ORDER BY next_attempt_at_us, created_at_us LIMIT $2",
                                         {absl::ToUnixMicros(now), static_cast<int64_t>(options_.claim_size)}));
    int64_t expired = 0;
    for (const auto& r : rows) {
      // The row is checked again as it is updated: another replica may have claimed it since it
      // was read (PostgreSQL re-reads a row another transaction changed; SQLite has one writer).
      if (!r.IsNull(8)) {
        // A report came for it, so the provider took it, but its sender stopped before recording
        // the submission: it is closed with its report, never sent a second time.
        ASSIGN_OR_RETURN(int64_t taken,
                         tx.Execute("UPDATE messages SET claimed_by = $2 WHERE message_id = $1 "
                                    "AND status = $3 AND next_attempt_at_us <= $4",
                                    {r.Text(0), options_.instance_id, r.Text(7), absl::ToUnixMicros(now)}));
        if (taken != 1) continue;
        ASSIGN_OR_RETURN(std::optional<Labels> closed,
                         CloseIn(tx, r.Text(0), r.Text(8) == "DELIVERED", r.Text(9), false));
        if (closed) reported.push_back(*closed);
        continue;
      }
      // A report that came since the read is not lost: the message is left for the next pass.
      ASSIGN_OR_RETURN(int64_t taken,
                       tx.Execute("UPDATE messages SET status = 'SENDING', claimed_by = $2, attempts = attempts + 1, "
                                  "next_attempt_at_us = $3 "
                                  "WHERE message_id = $1 AND status = $4 AND "
                                  "next_attempt_at_us <= $5 AND early_report IS NULL",
                                  {r.Text(0), options_.instance_id, absl::ToUnixMicros(now + options_.claim_timeout),
                                   r.Text(7), absl::ToUnixMicros(now)}));
      if (taken != 1) continue;
      if (r.Text(7) == "SENDING") ++expired;
      claimed.push_back(
          {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), static_cast<int>(r.Int(6)) + 1});
    }
    if (expired > 0) {
      log::Warn("expired claims taken over; they may reach the provider twice", {{"messages", expired}});
      if (metrics_) metrics_->resent_after_crash.Increment(static_cast<double>(expired));
    }
    return absl::OkStatus();
  }));
  Closed(reported);
  // Over the rate: give the rest back untouched (their attempt is not spent).
  size_t allowed = 0;
  while (allowed < claimed.size() && TakeToken()) ++allowed;
  if (allowed < claimed.size()) {
    RETURN_IF_ERROR(GiveBack(std::vector<Claimed>(claimed.begin() + allowed, claimed.end())));
    claimed.resize(allowed);
  }
  if (claimed.empty()) return counts;

  // What the messages need, asked once for all: opt-outs here, phones and codes of registration.
  ASSIGN_OR_RETURN(std::vector<bool> opted_out, OptedOut(claimed));
  std::vector<RecipientQuery> queries;
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (!opted_out[i]) {
      queries.push_back({claimed[i].registration_number, templates_.NeedsActivationCode(claimed[i].template_key)});
    }
  }
  std::vector<PreparedRecipient> prepared = directory_.Prepare(queries);
  if (prepared.size() != queries.size()) return absl::InternalError("the directory answered for other recipients");

  // Submit concurrently; counts, submissions and the first error are gathered under a lock.
  std::mutex mu;
  std::condition_variable done;
  size_t finished = 0;
  absl::Status first_error;
  std::vector<Submission> submissions;
  const PreparedRecipient none;
  for (size_t i = 0, next = 0; i < claimed.size(); ++i) {
    const PreparedRecipient* recipient = opted_out[i] ? &none : &prepared[next++];
    senders_->Schedule([&, i, recipient] {
      DispatchCounts mine;
      absl::StatusOr<std::optional<Submission>> sent = SendOne(claimed[i], opted_out[i], *recipient, mine);
      std::lock_guard<std::mutex> lock(mu);
      counts.submitted += mine.submitted;
      counts.retried += mine.retried;
      counts.failed += mine.failed;
      if (!sent.ok() && first_error.ok()) first_error = sent.status();
      if (sent.ok() && sent->has_value()) submissions.push_back(**sent);
      ++finished;
      done.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    done.wait(lock, [&] { return finished == claimed.size(); });
  }
  // Recorded together: a crash before this commit sends these again (at most a claim's worth).
  RETURN_IF_ERROR(RecordSubmitted(submissions, now));
  if (!first_error.ok()) return first_error;
  return counts;
}

absl::Status Dispatcher::GiveBack(const std::vector<Claimed>& messages) {
  return db_.Write([&](storage::Transaction& tx) -> absl::Status {
    for (const Claimed& m : messages) {
      RETURN_IF_ERROR(tx.Execute("UPDATE messages SET status = 'PENDING', claimed_by = NULL, "
                                 "next_attempt_at_us = 0, attempts = attempts - 1 "
                                 "WHERE message_id = $1 AND status = 'SENDING'",
                                 {m.message_id})
                          .status());
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<bool>> Dispatcher::OptedOut(const std::vector<Claimed>& messages) {
  std::vector<bool> out;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    out.clear();
    for (const Claimed& m : messages) {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM opt_outs WHERE registration_number = $1 AND channel = $2",
                                           {m.registration_number, m.channel}));
      out.push_back(!rows.empty());
    }
    return absl::OkStatus();
  }));
  return out;
}

// Another replica may have taken over and closed an expired claim: only an open message becomes
// SUBMITTED. A report that came while the message was SENDING closes it here, in the same
// transaction, now that its parts are known.
absl::Status Dispatcher::RecordSubmitted(const std::vector<Submission>& submissions, absl::Time now) {
  if (submissions.empty()) return absl::OkStatus();
  std::vector<Labels> reported;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    reported.clear();
    for (const Submission& s : submissions) {
      ASSIGN_OR_RETURN(
          auto rows,
          tx.Query(
              "UPDATE messages SET status = CASE WHEN status = 'SENDING' THEN 'SUBMITTED' ELSE status END, "
              "provider = $2, provider_message_id = $3, parts = $4, encoding = $5, template_version = $6, "
              "submitted_at_us = $7, claimed_by = NULL, "
              "last_error = CASE WHEN status = 'SENDING' THEN NULL ELSE last_error END WHERE message_id = $1 "
              "RETURNING status, early_report, early_report_reason",
              {s.message_id, provider_.name(), s.provider_message_id, s.parts,
               s.encoding == SmsEncoding::kGsm7 ? "gsm7" : "ucs2", templates_.version(), absl::ToUnixMicros(now)}));
      if (rows.empty() || rows[0].Text(0) != "SUBMITTED" || rows[0].IsNull(1)) continue;
      ASSIGN_OR_RETURN(std::optional<Labels> closed,
                       CloseIn(tx, s.message_id, rows[0].Text(1) == "DELIVERED", rows[0].Text(2), true));
      if (closed) reported.push_back(*closed);
    }
    return absl::OkStatus();
  }));
  Closed(reported);
  return absl::OkStatus();
}

void Dispatcher::Closed(const std::vector<Labels>& reported) {
  if (reported.empty()) return;
  if (metrics_) {
    for (const Labels& labels : reported) metrics_->messages.Add(labels).Increment();
  }
  on_commit_();
}

// Hands one claimed message to the provider. Returns the submission to record, or nothing when
// the message did not reach the provider (its retry or failure is then recorded here).
absl::StatusOr<std::optional<Dispatcher::Submission>> Dispatcher::SendOne(const Claimed& m, bool opted_out,
                                                                          const PreparedRecipient& recipient,
                                                                          DispatchCounts& counts) {
  using Result = std::optional<Submission>;
  const absl::Time now = source_.clock->Now();
  auto count = [&](const char* what, double n = 1) {
    if (metrics_) {
      metrics_->messages
          .Add({{"program", m.program}, {"channel", m.channel}, {"template", m.template_key}, {"what", what}})
          .Increment(n);
    }
  };
  auto retry_or_fail = [&](const absl::Status& error) -> absl::StatusOr<Result> {
    if (m.attempts >= options_.max_attempts) {
      ++counts.failed;
      count("failed");
      RETURN_IF_ERROR(Finish(m.message_id, false,
                             absl::StrCat("gave up after ", m.attempts, " attempts: ", error.message()), false));
      return Result();
    }
    ++counts.retried;
    count("retried");
    const absl::Time next = now + Backoff(m.attempts);
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
      return tx
          .Execute(
              "UPDATE messages SET status = 'PENDING', claimed_by = NULL, next_attempt_at_us = $2, "
              "last_error = $3 WHERE message_id = $1 AND status = 'SENDING'",
              {m.message_id, absl::ToUnixMicros(next), std::string(error.message())})
          .status();
    }));
    return Result();
  };
  auto fail_now = [&](const std::string& reason) -> absl::StatusOr<Result> {
    ++counts.failed;
    count("failed");
    RETURN_IF_ERROR(Finish(m.message_id, false, reason, false));
    return Result();
  };

  if (opted_out) return fail_now("opted out");
  if (absl::IsNotFound(recipient.status)) return fail_now("unknown registration number");
  if (!recipient.status.ok() && !absl::IsFailedPrecondition(recipient.status)) return retry_or_fail(recipient.status);
  if (recipient.recipient.phone.empty()) return fail_now("no phone known");
  if (absl::IsFailedPrecondition(recipient.status)) return fail_now("account already active");

  std::map<std::string, std::string> values = {{"registration_number", m.registration_number}};
  if (templates_.NeedsActivationCode(m.template_key)) values["activation_code"] = recipient.activation_code;
  absl::StatusOr<std::string> text = templates_.Render(m.template_key, m.language, values);
  if (!text.ok()) return fail_now(std::string(text.status().message()));
  const SmsLength length = MeasureSms(*text);

  absl::StatusOr<std::string> submitted =
      provider_.Submit({m.message_id, recipient.recipient.phone, *text, length.encoding});
  if (!submitted.ok()) {
    if (absl::IsInvalidArgument(submitted.status()) || absl::IsFailedPrecondition(submitted.status())) {
      return fail_now(absl::StrCat("rejected by the provider: ", submitted.status().message()));
    }
    return retry_or_fail(submitted.status());
  }
  ++counts.submitted;
  count("sent");
  if (metrics_) {
    metrics_->parts.Add({{"program", m.program}, {"channel", m.channel}, {"template", m.template_key}})
        .Increment(length.parts);
  }
  return Submission{m.message_id, *submitted, length.parts, length.encoding};
}

absl::Status Dispatcher::OnDeliveryReport(const std::string& message_id, bool delivered, const std::string& reason) {
  return Finish(message_id, delivered, reason, true);
}

// Closes a message DELIVERED or FAILED and publishes it, once: a message already closed is left
// as it is (reports may come twice).
absl::Status Dispatcher::Finish(const std::string& message_id, bool delivered, const std::string& reason,
                                bool only_if_open) {
  std::optional<Labels> closed;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(closed, CloseIn(tx, message_id, delivered, reason, only_if_open));
    return absl::OkStatus();
  }));
  if (closed) {
    // Failures decided while sending were counted there; reports are counted here.
    if (metrics_ && only_if_open) metrics_->messages.Add(*closed).Increment();
    on_commit_();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Dispatcher::Labels>> Dispatcher::CloseIn(storage::Transaction& tx,
                                                                      const std::string& message_id, bool delivered,
                                                                      const std::string& reason, bool only_if_open) {
  const absl::Time now = source_.clock->Now();
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, program, channel, template, attempts, "
                                       "parts, status FROM messages WHERE message_id = $1",
                                       {message_id}));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("message ", message_id, " is unknown"));
  const std::string status = rows[0].Text(6);
  if (status == "DELIVERED" || status == "FAILED") return std::nullopt;
  if (only_if_open && status == "PENDING") return std::nullopt;  // a report of an attempt given back
  if (only_if_open && status == "SENDING") {
    // The report overtook the record of its submission, which alone knows the parts (what the
    // operator bills): kept for RecordSubmitted to apply. The first report wins, as when closing.
    ASSIGN_OR_RETURN(int64_t kept,
                     tx.Execute("UPDATE messages SET early_report = COALESCE(early_report, $2), "
                                "early_report_reason = CASE WHEN early_report IS NULL THEN $3 "
                                "ELSE early_report_reason END WHERE message_id = $1 AND status = 'SENDING'",
                                {message_id, delivered ? "DELIVERED" : "FAILED", reason}));
    // Recorded meanwhile (PostgreSQL re-read the row): Database::Write runs this again.
    if (kept != 1) return absl::AbortedError(absl::StrCat("message ", message_id, " changed under its report"));
    return std::nullopt;
  }
  RETURN_IF_ERROR(tx.Execute("UPDATE messages SET status = $2, finished_at_us = $3, last_error = $4, "
                             "claimed_by = NULL WHERE message_id = $1",
                             {message_id, delivered ? "DELIVERED" : "FAILED", absl::ToUnixMicros(now),
                              delivered ? storage::Value() : storage::Value(reason)})
                      .status());
  const std::string number = rows[0].Text(0);
  const std::string program = rows[0].Text(1);
  Labels labels = {{"program", program},
                   {"channel", rows[0].Text(2)},
                   {"template", rows[0].Text(3)},
                   {"what", delivered ? "delivered" : "failed"}};
  const auto at = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  events::Envelope envelope;
  if (delivered) {
    v1::NotificationDelivered e;
    e.set_message_id(message_id);
    e.set_registration_number(number);
    e.set_program(program);
    e.set_channel(rows[0].Text(2));
    e.set_template_(rows[0].Text(3));
    e.set_parts(static_cast<int>(rows[0].Int(5)));
    *e.mutable_delivered_at() = at;
    envelope = events::NewEnvelope(source_, e, program, number);
  } else {
    v1::NotificationFailed e;
    e.set_message_id(message_id);
    e.set_registration_number(number);
    e.set_program(program);
    e.set_channel(rows[0].Text(2));
    e.set_template_(rows[0].Text(3));
    e.set_reason(reason);
    e.set_attempts(static_cast<int>(rows[0].Int(4)));
    *e.mutable_failed_at() = at;
    envelope = events::NewEnvelope(source_, e, program, number);
  }
  RETURN_IF_ERROR(
      events::AppendToOutbox(tx, events::Topic(events::kNotificationDomain, program), envelope, *source_.clock));
  return labels;
}

void Dispatcher::Queued(const std::string& program, const std::string& channel, const std::string& template_key,
                        int64_t count) {
  if (metrics_ && count > 0) {
    metrics_->messages.Add({{"program", program}, {"channel", channel}, {"template", template_key}, {"what", "queued"}})
        .Increment(static_cast<double>(count));
  }
  Wake();
}

void Dispatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Dispatcher::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Dispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::Run() {
  if (absl::StatusOr<int> recovered = RecoverInterrupted(); !recovered.ok()) {
    log::Warn("dispatch recovery failed", {{"error", recovered.status()}});
  }
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      woken_ = false;
    }
    absl::StatusOr<DispatchCounts> counts = DispatchOnce();
    if (!counts.ok()) log::Warn("dispatch pass failed", {{"error", counts.status()}});
    const bool busy = counts.ok() && counts->submitted + counts->retried + counts->failed > 0;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, busy ? std::chrono::milliseconds(0) : std::chrono::milliseconds(500),
                 [&] { return stop_ || woken_; });
  }
}

}  // namespace himaya::notification
