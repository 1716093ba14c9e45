#include "gateway/src/fhir_json.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/strict_json.h"
#include "identity/registration_number.h"

namespace himaya::gateway::fhir {
namespace {

constexpr int64_t kMaxCentimes = 1'000'000'000;  // 10,000,000 MAD

std::string Child(absl::string_view path, absl::string_view name) { return absl::StrCat(path, ".", name); }

// How deeply the JSON text nests, counted outside strings; stops counting past `limit`.
bool NestsWithin(absl::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    }
    if (c == '}' || c == ']') --depth;
  }
  return true;
}

bool IsResourcePath(absl::string_view path) {
  if (path == "resourceType") return true;
  if (path.empty() || !absl::ascii_isupper(static_cast<unsigned char>(path[0]))) return false;
  for (char c : path) {
    const bool ok =
        absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '[' || c == ']' || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

bool IsDay(absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime accepts a sign and more digits; a FHIR date is exactly YYYY-MM-DD.
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && absl::ParseCivilTime(text, &day) &&
         day.year() >= 1900 && day.year() <= 9999;
}

}  // namespace

absl::Status ErrorAt(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

ApiError FhirError(const absl::Status& status) {
  ApiError error = ErrorFromStatus(status);
  absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (colon != absl::string_view::npos && colon <= 96 && IsResourcePath(message.substr(0, colon))) {
    error.field = std::string(message.substr(0, colon));
  }
  return error;
}

absl::StatusOr<nlohmann::json> ReadResource(absl::string_view body, absl::string_view type) {
  if (body.size() > kMaxResourceBytes) {
    return ErrorAt(type, absl::StrCat("the resource exceeds ", kMaxResourceBytes, " bytes"));
  }
  if (!NestsWithin(body, kMaxJsonDepth)) {
    return ErrorAt(type, absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"));
  }
  core::StrictJson parsed = core::ParseStrictJson(body);
  if (parsed.json.is_discarded()) return ErrorAt(type, "the body is not JSON");
  if (parsed.repeated) {
    return ErrorAt(type, absl::StrCat("the key \"", core::QuotableKey(*parsed.repeated), "\" is repeated"));
  }
  if (!parsed.json.is_object()) return ErrorAt(type, "the body must be a JSON object");
  const nlohmann::json* resource_type = Find(parsed.json, "resourceType");
  if (resource_type == nullptr) return ErrorAt("resourceType", absl::StrCat("required (", type, ")"));
  if (!resource_type->is_string() || resource_type->get<std::string>() != type) {
    return ErrorAt("resourceType", absl::StrCat("must be ", type));
  }
  return std::move(parsed.json);
}

const nlohmann::json* Find(const nlohmann::json& object, absl::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(name));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::StatusOr<const nlohmann::json*> Required(const nlohmann::json& object, absl::string_view path,
                                               absl::string_view name) {
  const nlohmann::json* found = Find(object, name);
  if (found == nullptr) return ErrorAt(Child(path, name), "required");
  return found;
}

absl::StatusOr<std::optional<std::string>> StringOf(const nlohmann::json& object, absl::string_view path,
                                                    absl::string_view name, bool required) {
  const nlohmann::json* found = Find(object, name);
  if (found == nullptr) {
    if (required) return ErrorAt(Child(path, name), "required");
    return std::optional<std::string>();
  }
  if (!found->is_string()) return ErrorAt(Child(path, name), "must be a string");
  const std::string& value = found->get_ref<const std::string&>();
  if (value.empty() || value.size() > kMaxStringLength) {
    return ErrorAt(Child(path, name), absl::StrCat("must hold 1 to ", kMaxStringLength, " characters"));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20) return ErrorAt(Child(path, name), "must hold no control character");
  }
  return std::optional<std::string>(value);
}

absl::StatusOr<std::vector<const nlohmann::json*>> ArrayOf(const nlohmann::json& object, absl::string_view path,
                                                           absl::string_view name, size_t min, size_t max) {
  std::vector<const nlohmann::json*> entries;
  const nlohmann::json* found = Find(object, name);
  if (found != nullptr && !found->is_array()) return ErrorAt(Child(path, name), "must be an array");
  if (found != nullptr) {
    for (const nlohmann::json& entry : *found) entries.push_back(&entry);
  }
  if (entries.size() < min || entries.size() > max) {
    if (entries.empty()) return ErrorAt(Child(path, name), "required");
    return ErrorAt(Child(path, name), absl::StrCat(min, " to ", max, " entries"));
  }
  return entries;
}

absl::StatusOr<const nlohmann::json*> ObjectOf(const nlohmann::json& object, absl::string_view path,
                                               absl::string_view name, bool required) {
  const nlohmann::json* found = Find(object, name);
  if (found == nullptr) {
    if (required) return ErrorAt(Child(path, name), "required");
    return nullptr;
  }
  if (!found->is_object()) return ErrorAt(Child(path, name), "must be an object");
  return found;
}

absl::StatusOr<std::string> DateOf(const nlohmann::json& object, absl::string_view path, absl::string_view name) {
  absl::StatusOr<std::optional<std::string>> text = StringOf(object, path, name, true);
  if (!text.ok()) return text.status();
  if (!IsDay(**text)) return ErrorAt(Child(path, name), "must be a date, YYYY-MM-DD");
  return **text;
}

absl::StatusOr<std::string> DayOfDateTime(const nlohmann::json& object, absl::string_view path,
                                          absl::string_view name) {
  absl::StatusOr<std::optional<std::string>> text = StringOf(object, path, name, true);
  if (!text.ok()) return text.status();
  const std::string& value = **text;
  const std::string day = value.substr(0, 10);
  bool ok = IsDay(day);
  if (ok && value.size() > 10) {
    absl::Time time;
    std::string error;
    ok = absl::ParseTime(absl::RFC3339_full, value, &time, &error);
  }
  if (!ok) return ErrorAt(Child(path, name), "must be a dateTime, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz");
  return day;
}

absl::StatusOr<int64_t> CentimesOf(const nlohmann::json& money, absl::string_view path) {
  if (!money.is_object()) return ErrorAt(path, "must be Money, an object");
  absl::StatusOr<std::optional<std::string>> currency = StringOf(money, path, "currency", false);
  if (!currency.ok()) return currency.status();
  if (currency->has_value() && **currency != "MAD") return ErrorAt(Child(path, "currency"), "must be MAD");
  const nlohmann::json* value = Find(money, "value");
  if (value == nullptr) return ErrorAt(Child(path, "value"), "required");
  const std::string value_path = Child(path, "value");
  int64_t centimes = 0;
  if (value->is_number_integer()) {
    const int64_t whole =
        value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX ? INT64_MAX : value->get<int64_t>();
    if (whole <= 0 || whole > kMaxCentimes / 100) {
      return ErrorAt(value_path, "must be above 0 and at most 10000000 MAD");
    }
    centimes = whole * 100;
  } else if (value->is_number_float()) {
    const double amount = value->get<double>();
    if (!std::isfinite(amount) || amount <= 0 || amount * 100 > static_cast<double>(kMaxCentimes)) {
      return ErrorAt(value_path, "must be above 0 and at most 10000000 MAD");
    }
    const double hundredths = amount * 100;
    centimes = std::llround(hundredths);
    if (std::fabs(hundredths - static_cast<double>(centimes)) > 1e-6 || centimes <= 0) {
      return ErrorAt(value_path, "at most two decimals (centimes)");
    }
  } else {
    return ErrorAt(value_path, "must be a number");
  }
  return centimes;
}

absl::StatusOr<int64_t> PositiveIntegerOf(const nlohmann::json& value, absl::string_view path, int64_t max) {
  int64_t n = 0;
  if (value.is_number_unsigned()) {
    n = value.get<uint64_t>() > static_cast<uint64_t>(max) ? max + 1 : static_cast<int64_t>(value.get<uint64_t>());
  } else if (value.is_number_integer()) {
    n = value.get<int64_t>();
  } else if (value.is_number_float() && std::isfinite(value.get<double>()) &&
             std::floor(value.get<double>()) == value.get<double>() && std::fabs(value.get<double>()) < 1e15) {
    n = static_cast<int64_t>(value.get<double>());
  } else {
    return ErrorAt(path, absl::StrCat("must be a whole number from 1 to ", max));
  }
  if (n < 1 || n > max) return ErrorAt(path, absl::StrCat("must be a whole number from 1 to ", max));
  return n;
}

absl::StatusOr<std::string> CodeIn(const nlohmann::json& concept, absl::string_view path, absl::string_view system) {
  if (!concept.is_object()) return ErrorAt(path, "must be a CodeableConcept, an object");
  absl::StatusOr<std::vector<const nlohmann::json*>> codings = ArrayOf(concept, path, "coding", 0, 16);
  if (!codings.ok()) return codings.status();
  for (size_t i = 0; i < codings->size(); ++i) {
    const nlohmann::json& coding = *(*codings)[i];
    const std::string at = absl::StrCat(path, ".coding[", i, "]");
    if (!coding.is_object()) return ErrorAt(at, "must be a Coding, an object");
    absl::StatusOr<std::optional<std::string>> coding_system = StringOf(coding, at, "system", false);
    if (!coding_system.ok()) return coding_system.status();
    if (*coding_system != std::optional<std::string>(std::string(system))) continue;
    absl::StatusOr<std::optional<std::string>> code = StringOf(coding, at, "code", true);
    if (!code.ok()) return code.status();
    return **code;
  }
  return ErrorAt(path, absl::StrCat("a coding of ", system, " is required"));
}

absl::StatusOr<nlohmann::json> FirstIdentifier(const nlohmann::json& resource, absl::string_view type) {
  absl::StatusOr<std::vector<const nlohmann::json*>> identifiers = ArrayOf(resource, type, "identifier", 0, 8);
  if (!identifiers.ok()) return identifiers.status();
  if (identifiers->empty()) return nlohmann::json();
  const std::string at = absl::StrCat(type, ".identifier[0]");
  const nlohmann::json& first = *(*identifiers)[0];
  if (!first.is_object()) return ErrorAt(at, "must be an Identifier, an object");
  absl::StatusOr<std::optional<std::string>> system = StringOf(first, at, "system", false);
  if (!system.ok()) return system.status();
  absl::StatusOr<std::optional<std::string>> value = StringOf(first, at, "value", true);
  if (!value.ok()) return value.status();
  nlohmann::json identifier = {{"value", **value}};
  if (system->has_value()) identifier["system"] = **system;
  return identifier;
}

absl::Status CheckBeneficiaryId(absl::string_view beneficiary_id, absl::string_view path) {
  absl::string_view number = beneficiary_id;
  const size_t dash = beneficiary_id.find('-');
  if (dash != absl::string_view::npos) {
    number = beneficiary_id.substr(0, dash);
    absl::string_view rank = beneficiary_id.substr(dash + 1);
    const bool rank_ok = rank.size() == 2 && absl::ascii_isdigit(static_cast<unsigned char>(rank[0])) &&
                         absl::ascii_isdigit(static_cast<unsigned char>(rank[1])) && rank != "00";
    if (!rank_ok) return ErrorAt(path, "a dependent's id is the insured's number and a rank 01 to 99, NUMBER-NN");
  }
  if (!identity::IsValidRegistrationNumber(number)) {
    return ErrorAt(path, "must be a registration number (9 digits with a valid check digit) or NUMBER-NN");
  }
  return absl::OkStatus();
}

std::string InsuredOf(absl::string_view beneficiary_id) {
  return std::string(beneficiary_id.substr(0, beneficiary_id.find('-')));
}

absl::StatusOr<std::string> BeneficiaryOfReference(const nlohmann::json& reference, absl::string_view path) {
  if (!reference.is_object()) return ErrorAt(path, "must be a Reference, an object");
  absl::StatusOr<std::optional<std::string>> literal = StringOf(reference, path, "reference", false);
  if (!literal.ok()) return literal.status();
  absl::StatusOr<const nlohmann::json*> identifier = ObjectOf(reference, path, "identifier", false);
  if (!identifier.ok()) return identifier.status();
  std::string id;
  if (literal->has_value()) {
    if (!absl::StartsWith(**literal, "Patient/")) {
      return ErrorAt(Child(path, "reference"), "must be Patient/<beneficiary id>");
    }
    id = (*literal)->substr(8);
    if (absl::Status checked = CheckBeneficiaryId(id, Child(path, "reference")); !checked.ok()) return checked;
    return id;
  }
  if (*identifier == nullptr) return ErrorAt(path, "a reference (Patient/<id>) or an identifier is required");
  const std::string at = Child(path, "identifier");
  absl::StatusOr<std::optional<std::string>> system = StringOf(**identifier, at, "system", true);
  if (!system.ok()) return system.status();
  absl::StatusOr<std::optional<std::string>> value = StringOf(**identifier, at, "value", true);
  if (!value.ok()) return value.status();
  if (**system != kRegistrationNumberSystem && **system != kBeneficiaryIdSystem) {
    return ErrorAt(Child(at, "system"),
                   absl::StrCat("must be ", kRegistrationNumberSystem, " or ", kBeneficiaryIdSystem));
  }
  if (**system == kRegistrationNumberSystem && absl::StrContains(**value, '-')) {
    return ErrorAt(Child(at, "value"), "a registration number has no rank (use the beneficiary-id system)");
  }
  if (absl::Status checked = CheckBeneficiaryId(**value, Child(at, "value")); !checked.ok()) return checked;
  return **value;
}

nlohmann::json Coding(absl::string_view system, absl::string_view code, absl::string_view display) {
  nlohmann::json coding = {{"system", system}, {"code", code}};
  if (!display.empty()) coding["display"] = display;
  return coding;
}

nlohmann::json Concept(absl::string_view system, absl::string_view code, absl::string_view display) {
  return {{"coding", nlohmann::json::array({Coding(system, code, display)})}};
}

nlohmann::json PatientReference(absl::string_view beneficiary_id) {
  const bool dependent = absl::StrContains(beneficiary_id, '-');
  return {{"type", "Patient"},
          {"identifier",
           {{"system", dependent ? kBeneficiaryIdSystem : kRegistrationNumberSystem}, {"value", beneficiary_id}}}};
}

nlohmann::json FundReference(const Fund& fund) {
  return {{"type", "Organization"},
          {"identifier", {{"system", kOrganizationSystem}, {"value", fund.id}}},
          {"display", fund.name}};
}

nlohmann::json Money(int64_t centimes) {
  nlohmann::json value =
      centimes % 100 == 0 ? nlohmann::json(centimes / 100) : nlohmann::json(static_cast<double>(centimes) / 100.0);
  return {{"value", value}, {"currency", "MAD"}};
}

std::string DateTimeOf(absl::Time time) { return absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone()); }

}  // namespace himaya::gateway::fhir
