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
#include "notification/src/message_store.h"
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

namespace {

// The event that says a message closed: NotificationDelivered with its parts, or
// NotificationFailed with `reason` and its attempts.
events::Envelope ClosedEvent(const events::EventSource& source, const Message& m, bool delivered,
                             const std::string& reason, absl::Time at) {
  const auto when = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(at));
  // The fields both events share.
  auto message = [&](auto& e) {
    e.set_message_id(m.message_id);
    e.set_registration_number(m.registration_number);
    e.set_program(m.program);
    e.set_channel(m.channel);
    e.set_template_(m.template_key);
  };
  if (delivered) {
    v1::NotificationDelivered e;
    message(e);
    e.set_parts(m.parts);
    *e.mutable_delivered_at() = when;
    return events::NewEnvelope(source, e, m.program, m.registration_number);
  }
  v1::NotificationFailed e;
  message(e);
  e.set_reason(reason);
  e.set_attempts(m.attempts);
  *e.mutable_failed_at() = when;
  return events::NewEnvelope(source, e, m.program, m.registration_number);
}

}  // namespace

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
  absl::MutexLock lock(&bucket_mu_);
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
    // A message with a report reached the provider: it is closed with its report, not sent again.
    ASSIGN_OR_RETURN(n, MessageStore::PutBackInterrupted(tx, options_.instance_id));
    return absl::OkStatus();
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
  std::vector<Message> claimed;
  std::vector<Labels> reported;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    claimed.clear();
    reported.clear();
    // Due messages, and claims another dispatcher left to expire.
    ASSIGN_OR_RETURN(std::vector<DueMessage> due, MessageStore::Due(tx, now, options_.claim_size));
    int64_t expired = 0;
    for (DueMessage& d : due) {
      const Message& m = d.message;
      if (d.early_report) {
        // A report came for it, so the provider took it, but its sender stopped before recording
        // the submission: it is closed with its report, never sent a second time.
        ASSIGN_OR_RETURN(bool taken, MessageStore::TakeReported(tx, m.message_id, m.status, options_.instance_id, now));
        if (!taken) continue;
        ASSIGN_OR_RETURN(std::optional<Labels> closed,
                         CloseIn(tx, m.message_id, d.early_report->delivered, d.early_report->reason, false));
        if (closed) reported.push_back(*closed);
        continue;
      }
      // A report that came since the read is not lost: the message is left for the next pass.
      ASSIGN_OR_RETURN(bool taken, MessageStore::Claim(tx, m.message_id, m.status, options_.instance_id, now,
                                                       now + options_.claim_timeout));
      if (!taken) continue;
      if (m.status == MessageStatus::kSending) ++expired;
      claimed.push_back(std::move(d.message));
      ++claimed.back().attempts;
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
    RETURN_IF_ERROR(GiveBack(std::vector<Message>(claimed.begin() + allowed, claimed.end())));
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
  struct Gathered {
    explicit Gathered(size_t total) : total(total) {}
    bool AllDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return finished == total; }
    const size_t total;
    absl::Mutex mu;
    size_t finished ABSL_GUARDED_BY(mu) = 0;
    DispatchCounts counts ABSL_GUARDED_BY(mu);
    absl::Status first_error ABSL_GUARDED_BY(mu);
    std::vector<Submission> submissions ABSL_GUARDED_BY(mu);
  } gathered(claimed.size());
  const PreparedRecipient none;
  for (size_t i = 0, next = 0; i < claimed.size(); ++i) {
    const PreparedRecipient* recipient = opted_out[i] ? &none : &prepared[next++];
    senders_->Schedule([&, i, recipient] {
      DispatchCounts mine;
      absl::StatusOr<std::optional<Submission>> sent = SendOne(claimed[i], opted_out[i], *recipient, mine);
      absl::MutexLock lock(&gathered.mu);
      gathered.counts.submitted += mine.submitted;
      gathered.counts.retried += mine.retried;
      gathered.counts.failed += mine.failed;
      if (!sent.ok() && gathered.first_error.ok()) gathered.first_error = sent.status();
      if (sent.ok() && sent->has_value()) gathered.submissions.push_back(**sent);
      ++gathered.finished;
    });
  }
  std::vector<Submission> submissions;
  absl::Status first_error;
  {
    absl::MutexLock lock(&gathered.mu);
    gathered.mu.Await(absl::Condition(&gathered, &Gathered::AllDone));
    counts = gathered.counts;
    first_error = gathered.first_error;
    submissions = std::move(gathered.submissions);
  }
  // Recorded together: a crash before this commit sends these again (at most a claim's worth).
  RETURN_IF_ERROR(RecordSubmitted(submissions, now));
  if (!first_error.ok()) return first_error;
  return counts;
}

absl::Status Dispatcher::GiveBack(const std::vector<Message>& messages) {
  return db_.Write([&](storage::Transaction& tx) -> absl::Status {
    for (const Message& m : messages) RETURN_IF_ERROR(MessageStore::GiveBack(tx, m.message_id));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<bool>> Dispatcher::OptedOut(const std::vector<Message>& messages) {
  std::vector<bool> out;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    out.clear();
    for (const Message& m : messages) {
      ASSIGN_OR_RETURN(bool opted_out, MessageStore::OptedOut(tx, m.registration_number, m.channel));
      out.push_back(opted_out);
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
      ASSIGN_OR_RETURN(std::optional<MessageStore::Submitted> recorded,
                       MessageStore::RecordSubmitted(
                           tx, {s.message_id, provider_.name(), s.provider_message_id, s.parts,
                                s.encoding == SmsEncoding::kGsm7 ? "gsm7" : "ucs2", templates_.version(), now}));
      if (!recorded || recorded->status != MessageStatus::kSubmitted || !recorded->early_report) continue;
      ASSIGN_OR_RETURN(std::optional<Labels> closed, CloseIn(tx, s.message_id, recorded->early_report->delivered,
                                                             recorded->early_report->reason, true));
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
absl::StatusOr<std::optional<Dispatcher::Submission>> Dispatcher::SendOne(const Message& m, bool opted_out,
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
    RETURN_IF_ERROR(db_.Write(
        [&](storage::Transaction& tx) { return MessageStore::RetryAt(tx, m.message_id, next, error.message()); }));
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

  // What the message's event gave (a claim's id, outcome, amount), and what is asked now.
  std::map<std::string, std::string> values = m.template_values;
  values["registration_number"] = m.registration_number;
  if (templates_.NeedsActivationCode(m.template_key)) values["activation_code"] = recipient.activation_code;
  // A message recorded without a language (its person was not in the audience) is written in the
  // one registration knows.
  const std::string language =
      !m.language.empty() ? m.language : (recipient.recipient.preferred_language == "ar" ? "ar" : "fr");
  absl::StatusOr<std::string> text = templates_.Render(m.template_key, language, values);
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
  ASSIGN_OR_RETURN(std::optional<Message> m, MessageStore::Find(tx, message_id));
  if (!m) return absl::NotFoundError(absl::StrCat("message ", message_id, " is unknown"));
  if (m->status == MessageStatus::kDelivered || m->status == MessageStatus::kFailed) return std::nullopt;
  if (only_if_open && m->status == MessageStatus::kPending) return std::nullopt;  // a report of an attempt given back
  if (only_if_open && m->status == MessageStatus::kSending) {
    // The report overtook the record of its submission, which alone knows the parts (what the
    // operator bills): kept for RecordSubmitted to apply. The first report wins, as when closing.
    ASSIGN_OR_RETURN(bool kept, MessageStore::KeepEarlyReport(tx, message_id, {delivered, reason}));
    // Recorded meanwhile (PostgreSQL re-read the row): Database::Write runs this again.
    if (!kept) return absl::AbortedError(absl::StrCat("message ", message_id, " changed under its report"));
    return std::nullopt;
  }
  RETURN_IF_ERROR(MessageStore::Close(tx, message_id, delivered, now, reason));
  RETURN_IF_ERROR(events::AppendToOutbox(tx, events::Topic(events::kNotificationDomain, m->program),
                                         ClosedEvent(source_, *m, delivered, reason, now), *source_.clock));
  return Labels{{"program", m->program},
                {"channel", m->channel},
                {"template", m->template_key},
                {"what", delivered ? "delivered" : "failed"}};
}

void Dispatcher::Queued(const std::string& program, const std::string& channel, const std::string& template_key,
                        int64_t count) {
  if (metrics_ && count > 0) {
    metrics_->messages.Add({{"program", program}, {"channel", channel}, {"template", template_key}, {"what", "queued"}})
        .Increment(static_cast<double>(count));
  }
  Wake();
}

void Dispatcher::Start() { loop_.Start(); }

void Dispatcher::Wake() { loop_.Wake(); }

void Dispatcher::Stop() { loop_.Stop(); }

absl::Duration Dispatcher::Pass() {
  if (!recovered_) {
    recovered_ = true;
    if (absl::StatusOr<int> recovered = RecoverInterrupted(); !recovered.ok()) {
      log::Warn("dispatch recovery failed", {{"error", recovered.status()}});
    }
  }
  absl::StatusOr<DispatchCounts> counts = DispatchOnce();
  if (!counts.ok()) log::Warn("dispatch pass failed", {{"error", counts.status()}});
  const bool busy = counts.ok() && counts->submitted + counts->retried + counts->failed > 0;
  return busy ? absl::ZeroDuration() : absl::Milliseconds(500);
}

}  // namespace himaya::notification
