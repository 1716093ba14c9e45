#include "registration/src/manifest_checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

constexpr char kSha[] = "018043b2990de8b5261f11f517c019eea7b83f770e3020ba63bf6260671906dc";

liaison::Manifest Batch() {
  liaison::Manifest m;
  m.batch_id = "MAPMDREF-2022-000123";
  m.liaison_body = "MAPMDREF";
  m.program = "amo-tns";
  m.record_count = 1000000;
  m.sha256 = kSha;
  return m;
}

TEST(ManifestChecks, ABatchNamesAKnownBodyAndAProgramItServes) {
  EXPECT_TRUE(CheckBatchManifest(Batch(), ReferenceData::Shipped()).ok());
  liaison::Manifest m = Batch();
  m.program = "";
  EXPECT_EQ(CheckBatchManifest(m, ReferenceData::Shipped()).message(), "manifest.program: is required");
  m.program = "no-such-program";
  EXPECT_THAT(std::string(CheckBatchManifest(m, ReferenceData::Shipped()).message()), HasSubstr("unknown program"));
  m.program = "amo-tadamon";
  EXPECT_THAT(std::string(CheckBatchManifest(m, ReferenceData::Shipped()).message()),
              HasSubstr("MAPMDREF does not serve amo-tadamon"));
}

TEST(ManifestChecks, TheFieldsEveryManifestHoldsAreCheckedFirst) {
  liaison::Manifest m = Batch();
  m.batch_id = "a b";
  EXPECT_THAT(std::string(CheckBatchManifest(m, ReferenceData::Shipped()).message()), HasSubstr("manifest.batch_id"));
  EXPECT_THAT(std::string(CheckCoverageManifest(m, ReferenceData::Shipped()).message()),
              HasSubstr("manifest.batch_id"));
}

TEST(ManifestChecks, CoverageFilesNameAKnownOperator) {
  liaison::Manifest m;
  m.batch_id = "C1";
  m.liaison_body = "CNOPS";
  m.record_count = 1;
  m.sha256 = kSha;
  EXPECT_TRUE(CheckCoverageManifest(m, ReferenceData::Shipped()).ok());
  m.liaison_body = "MAPMDREF";
  EXPECT_THAT(std::string(CheckCoverageManifest(m, ReferenceData::Shipped()).message()),
              HasSubstr("unknown coverage operator"));
  m.record_count = -1;
  m.liaison_body = "CNOPS";
  EXPECT_THAT(std::string(CheckCoverageManifest(m, ReferenceData::Shipped()).message()), HasSubstr("negative"));
}

TEST(ManifestChecks, AHugeUnknownBodyIsNotEchoedWhole) {
  liaison::Manifest m = Batch();
  m.batch_id = "b";
  m.liaison_body = std::string(100000, 'X');
  absl::Status unknown = CheckBatchManifest(m, ReferenceData::Shipped());
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("unknown liaison body"));
  EXPECT_LT(unknown.message().size(), 200u) << "a huge identifier is not echoed whole";
}

}  // namespace
}  // namespace himaya::registration
