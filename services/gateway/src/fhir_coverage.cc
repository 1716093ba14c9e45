#include "gateway/src/fhir_coverage.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/status_macros.h"

namespace himaya::gateway::fhir {
namespace {

namespace ben = beneficiary::v1;

constexpr char kSearchPath[] = "Coverage.beneficiary";

std::string RelationshipCode(ben::Relationship relationship) {
  switch (relationship) {
    case ben::RELATIONSHIP_SPOUSE:
      return "spouse";
    case ben::RELATIONSHIP_CHILD:
      return "child";
    default:
      return "self";
  }
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace

absl::StatusOr<std::string> BeneficiaryOfSearch(const HttpRequest& request) {
  std::optional<std::string> plain = request.QueryValue("beneficiary");
  std::optional<std::string> by_identifier = request.QueryValue("beneficiary:identifier");
  if (plain.has_value() == by_identifier.has_value()) {
    return ErrorAt(kSearchPath, "give one of beneficiary=<id> or beneficiary:identifier=<system>|<id>");
  }
  if (plain.has_value()) {
    std::string id = absl::StartsWith(*plain, "Patient/") ? plain->substr(8) : *plain;
    RETURN_IF_ERROR(CheckBeneficiaryId(id, kSearchPath));
    return id;
  }
  const size_t bar = by_identifier->find('|');
  if (bar == std::string::npos) return ErrorAt(kSearchPath, "beneficiary:identifier is <system>|<id>");
  nlohmann::json reference = {
      {"identifier", {{"system", by_identifier->substr(0, bar)}, {"value", by_identifier->substr(bar + 1)}}}};
  return BeneficiaryOfReference(reference, kSearchPath);
}

nlohmann::json CoverageOf(const ben::Beneficiary& beneficiary, int period, const Fund& fund, absl::CivilDay today) {
  const ben::CoveragePeriod& p = beneficiary.periods(period);
  const std::string today_text = DayText(today);
  const bool ended = !p.end_date().empty() && p.end_date() < today_text;
  const bool in_force_today = p.start_date() <= today_text && !ended;
  bool active = !ended;
  if (in_force_today && !beneficiary.covered_today() && beneficiary.reason_today() != "NOT_YET_COVERED") {
    active = false;
  }
  nlohmann::json coverage_period = {{"start", p.start_date()}};
  if (!p.end_date().empty()) coverage_period["end"] = p.end_date();
  nlohmann::json coverage = {
      {"resourceType", "Coverage"},
      {"id", absl::StrCat(beneficiary.beneficiary_id(), ".", absl::StrReplaceAll(p.start_date(), {{"-", ""}}))},
      {"identifier",
       nlohmann::json::array({{{"system", kBeneficiaryIdSystem}, {"value", beneficiary.beneficiary_id()}}})},
      {"status", active ? "active" : "cancelled"},
      {"subscriber", PatientReference(beneficiary.registration_number())},
      {"subscriberId", beneficiary.registration_number()},
      {"beneficiary", PatientReference(beneficiary.beneficiary_id())},
      {"relationship", Concept("http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                               RelationshipCode(beneficiary.relationship()))},
      {"period", std::move(coverage_period)},
      {"payor", nlohmann::json::array({FundReference(fund)})},
      {"class",
       nlohmann::json::array({{{"type", Concept("http://terminology.hl7.org/CodeSystem/coverage-class", "plan")},
                               {"value", beneficiary.program()},
                               {"name", beneficiary.program()}}})}};
  const size_t dash = beneficiary.beneficiary_id().find('-');
  if (dash != std::string::npos) coverage["dependent"] = beneficiary.beneficiary_id().substr(dash + 1);
  return coverage;
}

nlohmann::json CoverageBundle(const ben::ListFamilyResponse* family, absl::string_view beneficiary_id, const Fund& fund,
                              absl::CivilDay today) {
  nlohmann::json entries = nlohmann::json::array();
  if (family != nullptr) {
    for (const ben::Beneficiary& b : family->beneficiaries()) {
      if (b.beneficiary_id() != beneficiary_id) continue;
      // Newest period first: the one a clinic asks about.
      for (int p = b.periods_size() - 1; p >= 0; --p) {
        entries.push_back({{"resource", CoverageOf(b, p, fund, today)}, {"search", {{"mode", "match"}}}});
      }
    }
  }
  nlohmann::json bundle = {
      {"resourceType", "Bundle"},
      {"type", "searchset"},
      {"total", entries.size()},
      {"link", nlohmann::json::array(
                   {{{"relation", "self"}, {"url", absl::StrCat("Coverage?beneficiary=", beneficiary_id)}}})}};
  if (!entries.empty()) bundle["entry"] = std::move(entries);
  return bundle;
}

}  // namespace himaya::gateway::fhir
