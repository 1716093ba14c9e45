// Reading FHIR JSON: the body's bounds and shape, each datatype's checks with the element named,
// and the datatypes written back.
#include "gateway/src/fhir_json.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway::fhir {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

nlohmann::json J(const char* text) { return nlohmann::json::parse(text); }

void ExpectRefused(const absl::Status& status, const std::string& element) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(element + ":")) << status;
}

TEST(FhirJsonTest, ReadsAResourceOfTheTypeAsked) {
  auto resource = ReadResource(R"({"resourceType": "Claim", "status": "active"})", "Claim");
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_EQ((*resource)["status"], "active");
}

TEST(FhirJsonTest, RefusesEachMalformedBody) {
  ExpectRefused(ReadResource("{", "Claim").status(), "Claim");
  ExpectRefused(ReadResource("", "Claim").status(), "Claim");
  ExpectRefused(ReadResource("[]", "Claim").status(), "Claim");
  ExpectRefused(ReadResource(R"({"status": "active"})", "Claim").status(), "resourceType");
  ExpectRefused(ReadResource(R"({"resourceType": "Patient"})", "Claim").status(), "resourceType");
  ExpectRefused(ReadResource(R"({"resourceType": 7})", "Claim").status(), "resourceType");
  absl::Status repeated = ReadResource(R"({"resourceType": "Claim", "use": "claim", "use": "x"})", "Claim").status();
  ExpectRefused(repeated, "Claim");
  EXPECT_THAT(std::string(repeated.message()), HasSubstr("\"use\" is repeated"));
  const std::string deep =
      absl::StrCat(R"({"resourceType": "Claim", "x": )", std::string(20, '['), std::string(20, ']'), "}");
  ExpectRefused(ReadResource(deep, "Claim").status(), "Claim");
  // Brackets inside strings do not count.
  const std::string quoted = absl::StrCat(R"({"resourceType": "Claim", "x": ")", std::string(40, '['), "\"}");
  EXPECT_TRUE(ReadResource(quoted, "Claim").ok());
  const std::string large =
      absl::StrCat(R"({"resourceType": "Claim", "x": ")", std::string(kMaxResourceBytes, 'a'), "\"}");
  ExpectRefused(ReadResource(large, "Claim").status(), "Claim");
}

TEST(FhirJsonTest, StringsArraysAndObjectsAreCheckedAndNamed) {
  nlohmann::json claim = J(R"({"use": "claim", "empty": "", "n": 3, "list": [1, 2], "ctl": "a\u0001"})");
  EXPECT_EQ(**StringOf(claim, "Claim", "use", true), "claim");
  EXPECT_FALSE(StringOf(claim, "Claim", "absent", false)->has_value());
  ExpectRefused(StringOf(claim, "Claim", "absent", true).status(), "Claim.absent");
  ExpectRefused(StringOf(claim, "Claim", "empty", true).status(), "Claim.empty");
  ExpectRefused(StringOf(claim, "Claim", "n", true).status(), "Claim.n");
  ExpectRefused(StringOf(claim, "Claim", "ctl", true).status(), "Claim.ctl");
  claim["long"] = std::string(kMaxStringLength + 1, 'x');
  ExpectRefused(StringOf(claim, "Claim", "long", true).status(), "Claim.long");
  EXPECT_EQ(ArrayOf(claim, "Claim", "list", 1, 2)->size(), 2u);
  ExpectRefused(ArrayOf(claim, "Claim", "list", 1, 1).status(), "Claim.list");
  ExpectRefused(ArrayOf(claim, "Claim", "absent", 1, 5).status(), "Claim.absent");
  ExpectRefused(ArrayOf(claim, "Claim", "use", 0, 5).status(), "Claim.use");
  ExpectRefused(ObjectOf(claim, "Claim", "use", false).status(), "Claim.use");
  ExpectRefused(Required(claim, "Claim", "absent").status(), "Claim.absent");
}

TEST(FhirJsonTest, DatesAndDateTimesGiveTheirDay) {
  nlohmann::json r = J(R"({"d": "2026-05-02", "t": "2026-05-08T10:15:00+01:00", "z": "2026-05-08T23:59:59Z",
                          "bad": "2026-02-30", "short": "2026-05", "time": "2026-05-08T25:00:00Z", "sign": "+2026-05-08"})");
  EXPECT_EQ(*DateOf(r, "X", "d"), "2026-05-02");
  EXPECT_EQ(*DayOfDateTime(r, "X", "d"), "2026-05-02");
  EXPECT_EQ(*DayOfDateTime(r, "X", "t"), "2026-05-08");
  EXPECT_EQ(*DayOfDateTime(r, "X", "z"), "2026-05-08");
  ExpectRefused(DateOf(r, "X", "t").status(), "X.t");
  ExpectRefused(DateOf(r, "X", "bad").status(), "X.bad");
  ExpectRefused(DateOf(r, "X", "short").status(), "X.short");
  ExpectRefused(DateOf(r, "X", "sign").status(), "X.sign");
  ExpectRefused(DayOfDateTime(r, "X", "time").status(), "X.time");
  ExpectRefused(DateOf(r, "X", "absent").status(), "X.absent");
}

TEST(FhirJsonTest, MoneyIsReadInCentimesOfMad) {
  EXPECT_EQ(*CentimesOf(J(R"({"value": 150.5, "currency": "MAD"})"), "M"), 15050);
  EXPECT_EQ(*CentimesOf(J(R"({"value": 20.25})"), "M"), 2025);
  EXPECT_EQ(*CentimesOf(J(R"({"value": 0.07})"), "M"), 7);
  EXPECT_EQ(*CentimesOf(J(R"({"value": 12})"), "M"), 1200);
  ExpectRefused(CentimesOf(J(R"({"value": 1.005})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": 0})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": -3.5})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": 1e300})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": 18446744073709551615})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": "150"})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"currency": "MAD"})"), "M").status(), "M.value");
  ExpectRefused(CentimesOf(J(R"({"value": 10, "currency": "EUR"})"), "M").status(), "M.currency");
  ExpectRefused(CentimesOf(J("10"), "M").status(), "M");
}

TEST(FhirJsonTest, PositiveIntegersAreWholeAndBounded) {
  EXPECT_EQ(*PositiveIntegerOf(J("3"), "Q", 999), 3);
  EXPECT_EQ(*PositiveIntegerOf(J("2.0"), "Q", 999), 2);
  for (const char* bad : {"0", "-1", "1000", "2.5", "\"2\"", "1e300", "18446744073709551615", "null"}) {
    ExpectRefused(PositiveIntegerOf(J(bad), "Q", 999).status(), "Q");
  }
}

TEST(FhirJsonTest, CodesAreTakenFromTheirSystemOnly) {
  nlohmann::json concept = J(R"({"coding": [{"system": "other", "code": "X"}, {"system": "s", "code": "C"}]})");
  EXPECT_EQ(*CodeIn(concept, "P", "s"), "C");
  ExpectRefused(CodeIn(concept, "P", "t").status(), "P");
  ExpectRefused(CodeIn(J(R"({"coding": [{"system": "s"}]})"), "P", "s").status(), "P.coding[0].code");
  ExpectRefused(CodeIn(J(R"({"coding": "C"})"), "P", "s").status(), "P.coding");
  ExpectRefused(CodeIn(J(R"("C")"), "P", "s").status(), "P");
}

TEST(FhirJsonTest, APatientIsNamedByReferenceOrIdentifier) {
  EXPECT_EQ(*BeneficiaryOfReference(J(R"({"reference": "Patient/100000017"})"), "P"), "100000017");
  EXPECT_EQ(*BeneficiaryOfReference(J(R"({"reference": "Patient/100000017-01"})"), "P"), "100000017-01");
  EXPECT_EQ(
      *BeneficiaryOfReference(
          J(R"({"identifier": {"system": "https://himaya.ma/fhir/sid/registration-number", "value": "100000017"}})"),
          "P"),
      "100000017");
  EXPECT_EQ(
      *BeneficiaryOfReference(
          J(R"({"identifier": {"system": "https://himaya.ma/fhir/sid/beneficiary-id", "value": "100000017-02"}})"),
          "P"),
      "100000017-02");
  ExpectRefused(BeneficiaryOfReference(J(R"({"reference": "Practitioner/1"})"), "P").status(), "P.reference");
  ExpectRefused(BeneficiaryOfReference(J(R"({"reference": "Patient/100000018"})"), "P").status(), "P.reference");
  ExpectRefused(BeneficiaryOfReference(J(R"({"reference": "Patient/100000017-00"})"), "P").status(), "P.reference");
  ExpectRefused(BeneficiaryOfReference(J(R"({"reference": "Patient/100000017-1"})"), "P").status(), "P.reference");
  ExpectRefused(BeneficiaryOfReference(J(R"({"display": "Amina"})"), "P").status(), "P");
  ExpectRefused(BeneficiaryOfReference(J(R"({"identifier": {"system": "cin", "value": "BK1"}})"), "P").status(),
                "P.identifier.system");
  ExpectRefused(
      BeneficiaryOfReference(
          J(R"({"identifier": {"system": "https://himaya.ma/fhir/sid/registration-number", "value": "100000017-01"}})"),
          "P")
          .status(),
      "P.identifier.value");
  ExpectRefused(
      BeneficiaryOfReference(J(R"({"identifier": {"system": "https://himaya.ma/fhir/sid/beneficiary-id"}})"), "P")
          .status(),
      "P.identifier.value");
  // The value refused is not echoed.
  absl::Status refused = BeneficiaryOfReference(J(R"({"reference": "Patient/123456789"})"), "P").status();
  EXPECT_THAT(std::string(refused.message()), ::testing::Not(HasSubstr("123456789")));
  EXPECT_EQ(InsuredOf("100000017-01"), "100000017");
  EXPECT_EQ(InsuredOf("100000017"), "100000017");
}

TEST(FhirJsonTest, TheFirstIdentifierIsRead) {
  EXPECT_EQ(*FirstIdentifier(J(R"({"identifier": [{"system": "s", "value": "v"}, {"value": "w"}]})"), "Claim"),
            J(R"({"system": "s", "value": "v"})"));
  EXPECT_EQ(*FirstIdentifier(J(R"({"identifier": [{"value": "v"}]})"), "Claim"), J(R"({"value": "v"})"));
  EXPECT_TRUE(FirstIdentifier(J("{}"), "Claim")->is_null());
  ExpectRefused(FirstIdentifier(J(R"({"identifier": [{"system": "s"}]})"), "Claim").status(),
                "Claim.identifier[0].value");
  ExpectRefused(FirstIdentifier(J(R"({"identifier": ["v"]})"), "Claim").status(), "Claim.identifier[0]");
  ExpectRefused(FirstIdentifier(J(R"({"identifier": {"value": "v"}})"), "Claim").status(), "Claim.identifier");
}

TEST(FhirJsonTest, ErrorsNameTheirElementForTheOperationOutcome) {
  ApiError error = FhirError(ErrorAt("Claim.item[0].quantity.value", "must be a whole number"));
  EXPECT_EQ(error.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error.field, "Claim.item[0].quantity.value");
  EXPECT_EQ(FhirError(absl::InvalidArgumentError("not a path: x")).field, "");
  EXPECT_EQ(FhirError(absl::UnavailableError("Claim.item: down")).code, absl::StatusCode::kUnavailable);
}

TEST(FhirJsonTest, DatatypesAreWrittenAsR4Has) {
  EXPECT_EQ(Money(15050), J(R"({"value": 150.5, "currency": "MAD"})"));
  EXPECT_EQ(Money(1200).dump(), R"({"currency":"MAD","value":12})");
  EXPECT_EQ(PatientReference("100000017")["identifier"]["system"], kRegistrationNumberSystem);
  EXPECT_EQ(PatientReference("100000017-01")["identifier"]["system"], kBeneficiaryIdSystem);
  EXPECT_EQ(FundReference(Fund{})["identifier"]["value"], "CNSS");
  EXPECT_EQ(Concept("s", "c")["coding"][0], J(R"({"system": "s", "code": "c"})"));
  EXPECT_EQ(DateTimeOf(absl::FromUnixSeconds(0)), "1970-01-01T00:00:00+00:00");
}

}  // namespace
}  // namespace himaya::gateway::fhir
