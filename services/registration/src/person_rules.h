// The rules a person's data must satisfy (the liaison file contract's column rules), and the
// normalisation applied before storing. Shared by single registrations and batch intake.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "registration/src/person.h"
#include "registration/src/reference_data.h"

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
// apostrophes, dots. Returns the trimmed name in Unicode NFC (an accent typed as a separate
// combining mark is composed first).
absl::StatusOr<std::string> NormalizeLatinName(absl::string_view field, absl::string_view name);

// An Arabic-script name (the *_ar columns), optional: empty stays empty; otherwise up to 100
// characters in NFC, Arabic letters and marks, spaces, hyphens, apostrophes, dots, at least one
// Arabic letter (Latin text, or invisible marks alone, are refused: NAME_SCRIPT).
absl::StatusOr<std::string> NormalizeArabicName(absl::string_view field, absl::string_view name);

// Bounds of free text (LIAISON-FILE.md "Limits"), in characters.
inline constexpr size_t kMaxIdentifierChars = 64;  // record_id, household_id, professional_id
inline constexpr size_t kMaxNameChars = 100;
inline constexpr size_t kMaxCityChars = 80;
inline constexpr size_t kMaxAddressChars = 200;
inline constexpr size_t kMaxEmailChars = 254;

// At most `max_chars` characters of valid UTF-8 (empty is fine). INVALID_ARGUMENT ("field: is
// longer than N characters", reason TOO_LONG) otherwise.
absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max_chars);
// Free text (an address, a city, an email): at most `max_chars` characters, line breaks allowed
// (an address may span lines) but no NUL, which no text column of either database can hold.
// INVALID_ARGUMENT (reasons TOO_LONG, NOT_PRINTABLE) otherwise.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars);
// An identifier: empty, or 1 to 64 printable characters (no control characters).
// INVALID_ARGUMENT (reasons TOO_LONG, NOT_PRINTABLE) otherwise.
absl::Status CheckIdentifier(absl::string_view field, absl::string_view value);
// A required identifier of a request (a batch id, a review id, a registration number):
// INVALID_ARGUMENT naming `field` when empty ("is required"), longer than 64 characters or not
// printable; the value itself is not quoted.
absl::Status CheckRequiredIdentifier(absl::string_view field, absl::string_view value);
// True when `value` holds no control character (C0, DEL, C1).
bool IsPrintable(absl::string_view value);
// `value` as an error message may quote it: at most 64 bytes (cut on a character boundary,
// then "..."), control characters and bytes that are not UTF-8 replaced by '?'.
std::string ShortForError(absl::string_view value);

// The violation a rule's status describes.
FieldViolation ViolationOf(const absl::Status& status);

// Checks every rule, with the programs and categories of `reference`, and returns the
// normalised person (no number yet) or every violation.
struct Validated {
  Person person;
  std::vector<FieldViolation> violations;
};
Validated Validate(const PersonApplication& application, absl::CivilDay today, const ReferenceData& reference);

// "field: message; field: message" for an error to show a caller.
std::string DescribeViolations(const std::vector<FieldViolation>& violations);

}  // namespace himaya::registration
