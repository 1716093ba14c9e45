#include "registration/src/ivr_lookup.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "registration/src/ivr_attempt_store.h"
#include "registration/src/limit_subject.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"

namespace himaya::registration {

absl::Status CheckIvrLimits(const IvrLimits& limits) {
  if (limits.failures_per_cin < 1) return absl::InvalidArgumentError("ivr_failures_per_cin: must be at least 1");
  if (limits.failures_per_caller < 1) {
    return absl::InvalidArgumentError("ivr_failures_per_caller: must be at least 1");
  }
  if (limits.window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("ivr_failure_window: must be a positive duration, e.g. 1h");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> IvrLookup::Lookup(absl::string_view cin, absl::string_view birth_date,
                                              absl::string_view caller) {
  ASSIGN_OR_RETURN(const std::string normalized, NormalizeCin(cin));
  absl::CivilDay day;
  if (birth_date.size() != 10 || !absl::ParseCivilTime(birth_date, &day) || absl::FormatCivilTime(day) != birth_date) {
    return absl::InvalidArgumentError("birth_date: expected a real date written YYYY-MM-DD");
  }
  // In a fixed order, so that two lookups never wait on each other's rows crosswise.
  std::vector<std::pair<std::string, int>> subjects = {{LimitSubject("cin", normalized), limits_.failures_per_cin},
                                                       {LimitSubject("caller", caller), limits_.failures_per_caller}};
  std::sort(subjects.begin(), subjects.end());
  std::string number;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    number.clear();
    const int64_t now = absl::ToUnixMicros(clock_.Now());
    const int64_t window_start = absl::ToUnixMicros(clock_.Now() - limits_.window);
    // Each lookup counts as a failure first, in one statement that holds the row until commit:
    // concurrent lookups queue and cannot pass the limit. A match takes its count back.
    for (const auto& [subject, limit] : subjects) {
      ASSIGN_OR_RETURN(std::optional<int64_t> failures, IvrAttemptStore::CountFailure(tx, subject, now, window_start));
      if (!failures || *failures > limit) {
        return absl::ResourceExhaustedError("too many failed lookups; try again later");
      }
    }
    ASSIGN_OR_RETURN(std::optional<Person> person, PersonStore::FindByCin(tx, normalized));
    if (!person || person->birth_date != birth_date) return absl::OkStatus();  // the failures stay counted
    for (const auto& [subject, limit] : subjects) {
      RETURN_IF_ERROR(IvrAttemptStore::TakeBackFailure(tx, subject));
    }
    number = person->registration_number;
    // Counts whose window ended are of no more use.
    return IvrAttemptStore::ForgetEnded(tx, window_start);
  }));
  if (number.empty()) return absl::NotFoundError("no registered person has this CIN and birth date");
  return number;
}

}  // namespace himaya::registration
