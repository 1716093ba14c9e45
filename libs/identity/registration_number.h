// Registration numbers (numéros d'immatriculation): 9 digits, 8 from a sequence that never goes
// back (so a number is never reused) and a Luhn check digit (ISO/IEC 7812-1) that catches any
// single mistyped digit and most swaps of neighbours, as read over the phone or at an IVR.
// Registration hands them out; every service that is given one checks it here.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace himaya::identity {

// The first sequence value handed out; numbers therefore never start with 0.
inline constexpr int64_t kFirstSequence = 10000001;
inline constexpr int64_t kLastSequence = 99999999;

// Returns the Luhn check digit of `digits` (all decimal).
int LuhnCheckDigit(absl::string_view digits);

// Returns the 9-digit number of sequence value `sequence` (kFirstSequence..kLastSequence).
std::string FormatRegistrationNumber(int64_t sequence);

// True when `number` is 9 digits whose last is the Luhn digit of the first 8.
bool IsValidRegistrationNumber(absl::string_view number);

// OK for a valid number; otherwise INVALID_ARGUMENT "registration_number: must be 9 digits with
// a valid check digit" (the number is not echoed).
absl::Status CheckRegistrationNumber(absl::string_view number);

}  // namespace himaya::identity
