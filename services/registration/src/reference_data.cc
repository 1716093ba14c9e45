#include "registration/src/reference_data.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "registration_reference_json.h"

namespace himaya::registration {
namespace {

std::vector<std::string> Strings(const nlohmann::json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

absl::StatusOr<ReferenceData> ReferenceData::Parse(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("reference data: not a JSON object");
  }
  ReferenceData data;
  try {
    for (const auto& [program, rules] : json.at("programs").items()) {
      data.programs[program] = ProgramRules{Strings(rules.at("categories")), rules.value("households", false)};
    }
    for (const auto& [code, body] : json.at("liaison_bodies").items()) {
      LiaisonBody b;
      b.code = code;
      b.name = body.value("name", code);
      for (const std::string& p : Strings(body.at("programs"))) {
        if (data.programs.find(p) == data.programs.end()) {
          return absl::InvalidArgumentError(absl::StrCat("reference data: body ", code, " serves unknown program ", p));
        }
        b.programs.insert(p);
      }
      for (const std::string& c : Strings(body.at("categories"))) b.categories.insert(c);
      data.liaison_bodies[code] = std::move(b);
    }
    for (const std::string& op : Strings(json.at("coverage_operators"))) {
      data.coverage_operators.insert(op);
    }
    data.activation_code_validity_days = json.value("activation_code_validity_days", 30);
    data.activation_code_max_attempts = json.value("activation_code_max_attempts", 5);
    data.activation_attempt_window_hours = json.value("activation_attempt_window_hours", 24);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("reference data: ", e.what()));
  }
  return data;
}

const ReferenceData& ReferenceData::Shipped() {
  static const ReferenceData* const data = [] {
    absl::StatusOr<ReferenceData> parsed = Parse(registration_reference_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new ReferenceData(*std::move(parsed));
  }();
  return *data;
}

absl::StatusOr<ReferenceData> ReferenceData::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("reference data: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

const ProgramRules* ReferenceData::Program(absl::string_view program) const {
  auto it = programs.find(program);
  return it == programs.end() ? nullptr : &it->second;
}

const LiaisonBody* ReferenceData::Body(absl::string_view code) const {
  auto it = liaison_bodies.find(code);
  return it == liaison_bodies.end() ? nullptr : &it->second;
}

}  // namespace himaya::registration
