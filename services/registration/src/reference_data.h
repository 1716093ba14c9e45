// Reference data of the fund, as configuration: programs and their categories, liaison bodies
// (which programs they serve and which categories they may send), the operators of other
// schemes' coverage files, and activation-code policy. The suite ships reference.json; a
// deployment may give its own (--reference_data=FILE).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::registration {

struct ProgramRules {
  std::vector<std::string> categories;  // empty: the program has none
  bool households = false;              // rows carry household_id and relationship
};

struct LiaisonBody {
  std::string code;
  std::string name;
  std::set<std::string> programs;
  std::set<std::string> categories;
};

struct ReferenceData {
  std::map<std::string, ProgramRules, std::less<>> programs;
  std::map<std::string, LiaisonBody, std::less<>> liaison_bodies;
  std::set<std::string, std::less<>> coverage_operators;
  int activation_code_validity_days = 30;
  int activation_code_max_attempts = 5;
  // Wrong attempts are counted per person over this window (new codes included).
  int activation_attempt_window_hours = 24;

  // Parses the JSON form. INVALID_ARGUMENT naming what is malformed.
  static absl::StatusOr<ReferenceData> Parse(absl::string_view json);
  // The shipped reference.json.
  static const ReferenceData& Shipped();
  // Loads FILE, or the shipped data when `path` is empty.
  static absl::StatusOr<ReferenceData> Load(const std::string& path);

  // nullptr when unknown.
  const ProgramRules* Program(absl::string_view program) const;
  const LiaisonBody* Body(absl::string_view code) const;
};

}  // namespace himaya::registration
