#include "registration/src/code_resends.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/log.h"
#include "core/random.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "registration/src/activation_code_store.h"
#include "registration/src/code_request_store.h"
#include "registration/src/limit_subject.h"
#include "registration/src/person_store.h"
#include "rpc/status.h"

namespace himaya::registration {

absl::Status CheckResendLimits(const ResendLimits& limits) {
  if (limits.per_number < 1) return absl::InvalidArgumentError("code_requests_per_number: must be at least 1");
  if (limits.per_phone < 1) return absl::InvalidArgumentError("code_requests_per_phone: must be at least 1");
  if (limits.window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("code_request_window: must be a positive duration, e.g. 24h");
  }
  return absl::OkStatus();
}

absl::Status CodeResends::Request(const std::string& registration_number) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  const std::string request_id = core::NewUuid(*source_.random);
  bool sent = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    sent = false;
    const absl::Time now = source_.clock->Now();
    const int64_t now_us = absl::ToUnixMicros(now);
    const int64_t window_start = absl::ToUnixMicros(now - limits_.window);
    auto refused = [&](const RequestsInWindow& held) {
      const absl::Duration wait = absl::FromUnixMicros(held.oldest_us) + limits_.window - now;
      return rpc::WithRetryAfter(absl::ResourceExhaustedError(kTooManyCodeRequests), std::max(wait, absl::Seconds(1)));
    };
    ASSIGN_OR_RETURN(std::optional<Person> person, PersonStore::FindByNumber(tx, registration_number));
    bool active = false;
    if (person) {
      ASSIGN_OR_RETURN(active, ActivationCodeStore::IsActive(tx, registration_number));
    }
    const bool send = person && !active && !person->phone.empty();
    const std::string phone = send ? LimitSubject("phone", person->phone) : "";

    // Held in a fixed order, so that two requests never wait on each other's rows crosswise.
    std::vector<std::string> subjects = {LimitSubject("number", registration_number)};
    if (send) subjects.push_back(phone);
    std::sort(subjects.begin(), subjects.end());
    for (const std::string& subject : subjects) RETURN_IF_ERROR(CodeRequestStore::Hold(tx, subject, now_us));
    ASSIGN_OR_RETURN(RequestsInWindow for_number, CodeRequestStore::ForNumber(tx, registration_number, window_start));
    if (for_number.count >= limits_.per_number) return refused(for_number);
    if (send) {
      ASSIGN_OR_RETURN(RequestsInWindow for_phone, CodeRequestStore::ForPhone(tx, phone, window_start));
      if (for_phone.count >= limits_.per_phone) return refused(for_phone);
    }
    RETURN_IF_ERROR(CodeRequestStore::Insert(tx, {request_id, registration_number, phone, now_us}));
    RETURN_IF_ERROR(CodeRequestStore::ForgetEnded(tx, window_start));
    if (!send) return absl::OkStatus();
    v1::ActivationCodeRequested event;
    event.set_registration_number(registration_number);
    event.set_program(person->program);
    event.set_request_id(request_id);
    *event.mutable_requested_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(now_us);
    RETURN_IF_ERROR(events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, event.program()),
                                           events::NewEnvelope(source_, event, event.program(), registration_number),
                                           *source_.clock));
    sent = true;
    return absl::OkStatus();
  }));
  // Whether a code goes out is not for the caller to know; the log says it by request.
  log::Info("activation code requested", {{"request_id", request_id}, {"sent", sent}});
  if (sent) on_commit_();
  return absl::OkStatus();
}

}  // namespace himaya::registration
