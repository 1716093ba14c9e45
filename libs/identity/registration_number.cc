#include "identity/registration_number.h"

#include "absl/strings/str_cat.h"

namespace himaya::identity {

int LuhnCheckDigit(absl::string_view digits) {
  int sum = 0;
  bool double_it = true;  // the rightmost payload digit is doubled
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return (10 - sum % 10) % 10;
}

std::string FormatRegistrationNumber(int64_t sequence) {
  std::string payload = absl::StrCat(sequence);
  return absl::StrCat(payload, LuhnCheckDigit(payload));
}

bool IsValidRegistrationNumber(absl::string_view number) {
  if (number.size() != 9) return false;
  for (char c : number) {
    if (c < '0' || c > '9') return false;
  }
  return LuhnCheckDigit(number.substr(0, 8)) == number[8] - '0';
}

absl::Status CheckRegistrationNumber(absl::string_view number) {
  if (IsValidRegistrationNumber(number)) return absl::OkStatus();
  return absl::InvalidArgumentError("registration_number: must be 9 digits with a valid check digit");
}

}  // namespace himaya::identity
