#include "gateway/test/fhir_r4_required.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace himaya::gateway::fhir {
namespace {

// An element is present when it is not null, not an empty string, array or object (FHIR allows
// no empty values).
bool Present(const nlohmann::json& value) {
  if (value.is_null()) return false;
  if (value.is_string() || value.is_array() || value.is_object()) return !value.empty();
  return true;
}

// Walks `steps` from `node`; reports under `at` every instance of the last step's parent that
// lacks it.
void Check(const nlohmann::json& node, const std::vector<std::string>& steps, size_t step, const std::string& at,
           std::vector<std::string>* missing) {
  if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) Check(node[i], steps, step, absl::StrCat(at, "[", i, "]"), missing);
    return;
  }
  const std::string& name = steps[step];
  const std::string path = absl::StrCat(at, ".", name);
  auto it = node.end();
  if (node.is_object() && absl::EndsWith(name, "[x]")) {
    // A choice of types (value[x]): valueMoney, valueQuantity, ...
    const std::string stem = name.substr(0, name.size() - 3);
    for (auto member = node.begin(); member != node.end(); ++member) {
      if (absl::StartsWith(member.key(), stem) && member.key().size() > stem.size() &&
          absl::ascii_isupper(static_cast<unsigned char>(member.key()[stem.size()]))) {
        it = member;
      }
    }
  } else if (node.is_object()) {
    it = node.find(name);
  }
  const bool present = it != node.end() && Present(*it);
  if (step + 1 == steps.size()) {
    if (!present) missing->push_back(path);
    return;
  }
  // A parent that is absent requires nothing below it.
  if (present) Check(*it, steps, step + 1, path, missing);
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& R4RequiredElements() {
  static const auto* const kTable = new std::map<std::string, std::vector<std::string>>{
      {"CapabilityStatement",
       {"status", "date", "kind", "fhirVersion", "format", "software.name", "implementation.description", "rest.mode",
        "rest.resource.type", "rest.resource.interaction.code", "rest.resource.searchParam.name",
        "rest.resource.searchParam.type"}},
      {"Bundle",
       {"type", "link.relation", "link.url", "entry.request.method", "entry.request.url", "entry.response.status"}},
      {"Coverage",
       {"status", "beneficiary", "payor", "class.type", "class.value", "costToBeneficiary.value[x]",
        "costToBeneficiary.exception.type"}},
      {"CoverageEligibilityResponse",
       {"status", "purpose", "patient", "created", "request", "outcome", "insurer", "insurance.coverage",
        "insurance.item.benefit.type", "error.code", "extension.url", "insurance.extension.url"}},
      {"ClaimResponse",
       {"status",
        "type",
        "use",
        "patient",
        "created",
        "insurer",
        "outcome",
        "item.itemSequence",
        "item.adjudication",
        "item.adjudication.category",
        "addItem.productOrService",
        "addItem.adjudication",
        "total.category",
        "total.amount",
        "payment.type",
        "payment.amount",
        "processNote.text",
        "insurance.sequence",
        "insurance.focal",
        "insurance.coverage",
        "error.code"}},
      {"OperationOutcome", {"issue", "issue.severity", "issue.code"}},
      {"CodeSystem",
       {"status", "content", "concept.code", "property.code", "property.type", "filter.code", "filter.operator",
        "filter.value"}},
  };
  return *kTable;
}

std::vector<std::string> MissingRequiredElements(const nlohmann::json& resource) {
  std::vector<std::string> missing;
  const std::string type = resource.value("resourceType", "");
  auto required = R4RequiredElements().find(type);
  if (required == R4RequiredElements().end()) return {absl::StrCat("resourceType (no table for '", type, "')")};
  for (const std::string& element : required->second) {
    Check(resource, absl::StrSplit(element, '.'), 0, type, &missing);
  }
  if (type == "Bundle" && resource.contains("entry")) {
    for (const nlohmann::json& entry : resource["entry"]) {
      if (!entry.contains("resource")) continue;
      for (std::string& m : MissingRequiredElements(entry["resource"])) missing.push_back(std::move(m));
    }
  }
  return missing;
}

}  // namespace himaya::gateway::fhir
