// Days on the command line (--date, --from, --effective_from, ...): YYYY-MM-DD, checked before
// any service is asked, so that a typo is one clear line naming the flag; and today as the
// services count days.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace himaya::cli {

// A day flag: OK when empty and not `required`; INVALID_ARGUMENT naming the flag when it is
// missing but required, or not a day of the calendar written YYYY-MM-DD.
inline absl::Status CheckDay(const std::string& flag, const std::string& value, bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat("--", flag, "=YYYY-MM-DD is required"))
                    : absl::OkStatus();
  }
  absl::CivilDay day;
  if (value.size() != 10 || !absl::ParseCivilTime(value, &day) || absl::FormatCivilTime(day) != value) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": a day written YYYY-MM-DD"));
  }
  return absl::OkStatus();
}

// Today in the services' time zone (their default --time_zone, Africa/Casablanca).
inline absl::CivilDay ServiceToday() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Africa/Casablanca", &zone)) zone = absl::UTCTimeZone();
  return absl::ToCivilDay(absl::Now(), zone);
}

}  // namespace himaya::cli
