#include "registration/src/manifest.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

constexpr char kSha[] = "018043b2990de8b5261f11f517c019eea7b83f770e3020ba63bf6260671906dc";

TEST(Manifest, ParsesTheContractsFields) {
  auto m = ParseManifestJson(absl::StrCat(R"({"batch_id": "MAPMDREF-2022-000123", "liaison_body": "MAPMDREF",
      "program": "amo-tns", "record_count": 1000000, "sha256": ")",
                                          "018043B2990DE8B5261F11F517C019EEA7B83F770E3020BA63BF6260671906DC",
                                          R"(", "produced_at": "2022-03-01T10:00:00Z"})"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->batch_id(), "MAPMDREF-2022-000123");
  EXPECT_EQ(m->record_count(), 1000000);
  EXPECT_EQ(m->sha256(), kSha) << "hex is normalised to lower case";
  EXPECT_TRUE(CheckBatchManifest(*m, ReferenceData::Shipped()).ok());
}

TEST(Manifest, EachMalformedFieldIsNamed) {
  struct Case {
    std::string json, field;
  };
  for (const Case& c : std::vector<Case>{
           {"[]", "not a JSON object"},
           {"{", "not a JSON object"},
           {R"({"liaison_body": "MS", "record_count": 1, "sha256": "x"})", "manifest.batch_id"},
           {R"({"batch_id": 7, "liaison_body": "MS", "record_count": 1, "sha256": "x"})", "manifest.batch_id"},
           {R"({"batch_id": "b", "record_count": 1, "sha256": "x"})", "manifest.liaison_body"},
           {R"({"batch_id": "b", "liaison_body": "MS", "record_count": "1", "sha256": "x"})", "manifest.record_count"},
           {R"({"batch_id": "b", "liaison_body": "MS", "record_count": 1})", "manifest.sha256"},
       }) {
    auto m = ParseManifestJson(c.json);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(m.status().message()), HasSubstr(c.field)) << c.json;
  }
}

TEST(Manifest, CoverageFilesNameAKnownOperator) {
  v1::Manifest m;
  m.set_batch_id("C1");
  m.set_liaison_body("CNOPS");
  m.set_record_count(1);
  m.set_sha256(kSha);
  EXPECT_TRUE(CheckCoverageManifest(m, ReferenceData::Shipped()).ok());
  m.set_liaison_body("MAPMDREF");
  EXPECT_THAT(std::string(CheckCoverageManifest(m, ReferenceData::Shipped()).message()),
              HasSubstr("unknown coverage operator"));
  m.set_record_count(-1);
  m.set_liaison_body("CNOPS");
  EXPECT_THAT(std::string(CheckCoverageManifest(m, ReferenceData::Shipped()).message()), HasSubstr("negative"));
}

}  // namespace
}  // namespace himaya::registration
