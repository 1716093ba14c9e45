// Coverage: a family's periods as Coverage resources in a searchset Bundle (R4's required
// elements in each), their status on a day, and the search's parameter in each form.
#include "gateway/src/fhir_coverage.h"

#include "gateway/test/fhir_r4_required.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

namespace ben = beneficiary::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const absl::CivilDay kToday(2026, 6, 1);

ben::ListFamilyResponse Family() {
  ben::ListFamilyResponse family;
  ben::Beneficiary* insured = family.add_beneficiaries();
  insured->set_beneficiary_id("100000017");
  insured->set_registration_number("100000017");
  insured->set_relationship(ben::RELATIONSHIP_INSURED);
  insured->set_first_name("Amina");
  insured->set_program("amo-tns");
  insured->set_covered_today(true);
  insured->add_periods()->set_start_date("2026-01-01");
  ben::Beneficiary* child = family.add_beneficiaries();
  child->set_beneficiary_id("100000017-01");
  child->set_registration_number("100000017");
  child->set_relationship(ben::RELATIONSHIP_CHILD);
  child->set_first_name("Sara");
  child->set_birth_date("2008-01-31");
  child->set_program("amo-tns");
  child->set_covered_today(true);
  ben::CoveragePeriod* first = child->add_periods();
  first->set_start_date("2026-01-01");
  first->set_end_date("2026-02-28");
  first->set_end_reason("DECLARED_IN_ERROR");
  child->add_periods()->set_start_date("2026-03-01");
  return family;
}

HttpRequest Search(std::vector<std::pair<std::string, std::string>> query) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/fhir/r4/Coverage";
  request.query = std::move(query);
  return request;
}

TEST(FhirCoverageTest, EachPeriodIsACoverageNewestFirstWithR4sRequiredElements) {
  ben::ListFamilyResponse family = Family();
  nlohmann::json bundle = CoverageBundle(&family, "100000017-01", Fund{}, kToday);
  EXPECT_THAT(MissingRequiredElements(bundle), IsEmpty()) << bundle.dump(2);
  EXPECT_EQ(bundle["type"], "searchset");
  EXPECT_EQ(bundle["total"], 2);
  ASSERT_EQ(bundle["entry"].size(), 2u);
  const nlohmann::json& current = bundle["entry"][0]["resource"];
  EXPECT_EQ(current["id"], "100000017-01.20260301");
  EXPECT_EQ(current["status"], "active");
  EXPECT_EQ(current["period"], nlohmann::json({{"start", "2026-03-01"}}));
  EXPECT_EQ(current["beneficiary"]["identifier"]["system"], kBeneficiaryIdSystem);
  EXPECT_EQ(current["beneficiary"]["identifier"]["value"], "100000017-01");
  EXPECT_EQ(current["subscriber"]["identifier"]["system"], kRegistrationNumberSystem);
  EXPECT_EQ(current["subscriber"]["identifier"]["value"], "100000017");
  EXPECT_EQ(current["subscriberId"], "100000017");
  EXPECT_EQ(current["dependent"], "01");
  EXPECT_EQ(current["relationship"]["coding"][0]["code"], "child");
  EXPECT_EQ(current["payor"][0]["identifier"]["value"], "CNSS");
  EXPECT_EQ(current["class"][0]["type"]["coding"][0]["code"], "plan");
  EXPECT_EQ(current["class"][0]["value"], "amo-tns");
  EXPECT_EQ(bundle["entry"][0]["search"]["mode"], "match");
  const nlohmann::json& ended = bundle["entry"][1]["resource"];
  EXPECT_EQ(ended["status"], "cancelled");
  EXPECT_EQ(ended["period"]["end"], "2026-02-28");
  // No name or birth date leaves in a Coverage.
  EXPECT_THAT(bundle.dump(), ::testing::Not(HasSubstr("Sara")));
  EXPECT_THAT(bundle.dump(), ::testing::Not(HasSubstr("2008-01-31")));
}

TEST(FhirCoverageTest, TheInsuredIsSelfAndNamedByRegistrationNumber) {
  ben::ListFamilyResponse family = Family();
  nlohmann::json bundle = CoverageBundle(&family, "100000017", Fund{}, kToday);
  ASSERT_EQ(bundle["total"], 1);
  const nlohmann::json& coverage = bundle["entry"][0]["resource"];
  EXPECT_EQ(coverage["beneficiary"]["identifier"]["system"], kRegistrationNumberSystem);
  EXPECT_EQ(coverage["relationship"]["coding"][0]["code"], "self");
  EXPECT_FALSE(coverage.contains("dependent"));
}

TEST(FhirCoverageTest, StatusFollowsTheDayAndBeneficiarysAnswer) {
  ben::Beneficiary b = Family().beneficiaries(1);
  // In force today but not covered (past the age limit): cancelled.
  b.set_covered_today(false);
  b.set_reason_today("AGE_LIMIT");
  EXPECT_EQ(CoverageOf(b, 1, Fund{}, kToday)["status"], "cancelled");
  // A period still to start is active.
  b.set_reason_today("NOT_YET_COVERED");
  EXPECT_EQ(CoverageOf(b, 1, Fund{}, absl::CivilDay(2026, 2, 1))["status"], "active");
  // A period ending today is still in force.
  b.set_covered_today(true);
  EXPECT_EQ(CoverageOf(b, 0, Fund{}, absl::CivilDay(2026, 2, 28))["status"], "active");
  EXPECT_EQ(CoverageOf(b, 0, Fund{}, absl::CivilDay(2026, 3, 1))["status"], "cancelled");
}

TEST(FhirCoverageTest, AnUnknownBeneficiaryIsAnEmptyBundle) {
  ben::ListFamilyResponse family = Family();
  for (const nlohmann::json& bundle : {CoverageBundle(nullptr, "100000017", Fund{}, kToday),
                                       CoverageBundle(&family, "100000017-09", Fund{}, kToday)}) {
    EXPECT_THAT(MissingRequiredElements(bundle), IsEmpty());
    EXPECT_EQ(bundle["total"], 0);
    EXPECT_FALSE(bundle.contains("entry"));
  }
}

TEST(FhirCoverageTest, TheBeneficiaryIsSearchedInEachForm) {
  EXPECT_EQ(*BeneficiaryOfSearch(Search({{"beneficiary", "100000017-01"}})), "100000017-01");
  EXPECT_EQ(*BeneficiaryOfSearch(Search({{"beneficiary", "Patient/100000017"}})), "100000017");
  EXPECT_EQ(*BeneficiaryOfSearch(
                Search({{"beneficiary:identifier", "https://himaya.ma/fhir/sid/registration-number|100000017"}})),
            "100000017");
}

TEST(FhirCoverageTest, EachBadSearchIsRefusedNamingTheParameter) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {},
      {{"patient", "100000017"}},
      {{"beneficiary", ""}},
      {{"beneficiary", "100000018"}},
      {{"beneficiary", "Patient/abc"}},
      {{"beneficiary", "100000017"}, {"beneficiary:identifier", "x|100000017"}},
      {{"beneficiary:identifier", "100000017"}},
      {{"beneficiary:identifier", "urn:cin|BK123456"}},
  };
  for (const auto& query : bad) {
    absl::Status refused = BeneficiaryOfSearch(Search(query)).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_THAT(std::string(refused.message()), StartsWith("Coverage.beneficiary"));
  }
}

}  // namespace
}  // namespace himaya::gateway::fhir
