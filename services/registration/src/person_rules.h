// The rules a person's data must satisfy (the liaison file contract's column rules), and the
// normalisation applied before storing. Shared by single registrations and batch intake.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "registration/src/person.h"

namespace himaya::registration {

// Trims and upper-cases; then 1-2 Latin letters followed by 1-6 digits ("A1" ... "ZZ999999").
// INVALID_ARGUMENT ("cin: ...") otherwise, inner spaces included.
absl::StatusOr<std::string> NormalizeCin(absl::string_view cin);

// A Moroccan mobile number (06/07XXXXXXXX, +2126/7XXXXXXXX, 002126/7XXXXXXXX) in E.164.
// Empty stays empty. INVALID_ARGUMENT ("phone: ...") otherwise.
absl::StatusOr<std::string> NormalizePhone(absl::string_view phone);

// "M" or "F", case-insensitive. INVALID_ARGUMENT ("sex: ...") otherwise.
absl::StatusOr<std::string> NormalizeSex(absl::string_view sex);

// "fr" (also when empty) or "ar", case-insensitive.
absl::StatusOr<std::string> NormalizeLanguage(absl::string_view language);

// A real YYYY-MM-DD date, not after `today`, not before 1900-01-01.
absl::StatusOr<absl::CivilDay> ParseBirthDate(absl::string_view date, absl::CivilDay today);

// A Latin-script name of 1 to 100 characters: letters (accents allowed), spaces, hyphens,
// apostrophes, dots. Returns the trimmed name.
absl::StatusOr<std::string> NormalizeLatinName(absl::string_view field, absl::string_view name);

// The categories of `program` (empty for programs that have none).
const std::vector<std::string>& CategoriesOf(absl::string_view program);

// Checks every rule and returns the normalised person (no number yet) or every violation.
struct Validated {
  Person person;
  std::vector<FieldViolation> violations;
};
Validated Validate(const PersonApplication& application, absl::CivilDay today);

// "field: message; field: message" for an error to show a caller.
std::string DescribeViolations(const std::vector<FieldViolation>& violations);

}  // namespace himaya::registration
