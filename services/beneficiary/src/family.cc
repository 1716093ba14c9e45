#include "beneficiary/src/family.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace himaya::beneficiary {

absl::string_view StateName(DependentState state) {
  switch (state) {
    case DependentState::kActive:
      return "ACTIVE";
    case DependentState::kDetailsPending:
      return "DETAILS_PENDING";
    case DependentState::kRefused:
      return "REFUSED";
  }
  return "DETAILS_PENDING";
}

DependentState ParseState(absl::string_view name) {
  for (DependentState s : {DependentState::kActive, DependentState::kRefused}) {
    if (name == StateName(s)) return s;
  }
  return DependentState::kDetailsPending;
}

std::string DependentId(absl::string_view registration_number, int rank) {
  return absl::StrFormat("%s-%02d", registration_number, rank);
}

std::string InsuredNumberOf(absl::string_view beneficiary_id) {
  size_t dash = beneficiary_id.find('-');
  return std::string(beneficiary_id.substr(0, dash));
}

namespace {

std::string NormalisedName(absl::string_view name) {
  std::string out;
  bool separator = false;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '\'' || c == '.' || c == '\t') {
      separator = !out.empty();
      continue;
    }
    if (separator) out.push_back(' ');
    separator = false;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string IdentityKey(absl::string_view last_name, absl::string_view first_name, absl::CivilDay birth_date) {
  return absl::StrCat("NAME:", NormalisedName(last_name), "|", NormalisedName(first_name), "|", FormatDay(birth_date));
}

std::vector<std::string> IdentityKeys(const Dependent& d) {
  std::vector<std::string> keys = {d.identity_key};
  if (!d.cin.empty()) keys.push_back(absl::StrCat("CIN:", d.cin));
  return keys;
}

bool SamePerson(const Dependent& a, const Dependent& b) {
  return (!a.identity_key.empty() && a.identity_key == b.identity_key) || (!a.cin.empty() && a.cin == b.cin);
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime normalises 2021-02-30 to March: a real date prints back identically.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    return std::nullopt;
  }
  return day;
}

}  // namespace himaya::beneficiary
