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

TEST(Manifest, BatchIdsArePrintableAndBoundedAndCountsFitInSixtyFourBits) {
  v1::Manifest m;
  m.set_liaison_body("MAPMDREF");
  m.set_program("amo-tns");
  m.set_record_count(1);
  m.set_sha256(kSha);
  for (const std::string& id : {std::string("MAP-2022_01.a"), std::string(64, 'b')}) {
    m.set_batch_id(id);
    EXPECT_TRUE(CheckBatchManifest(m, ReferenceData::Shipped()).ok()) << id;
  }
  for (const std::string& id :
       {std::string("a\0b", 3), std::string("a b"), std::string("a/b"), std::string(65, 'b'), std::string("Fès")}) {
    m.set_batch_id(id);
    absl::Status s = CheckBatchManifest(m, ReferenceData::Shipped());
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_THAT(std::string(s.message()), HasSubstr("manifest.batch_id")) << id;
  }
  m.set_batch_id("b");
  m.set_liaison_body(std::string(100000, 'X'));
  absl::Status unknown = CheckBatchManifest(m, ReferenceData::Shipped());
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("unknown liaison body"));
  EXPECT_LT(unknown.message().size(), 200u) << "a huge identifier is not echoed whole";

  auto huge = ParseManifestJson(absl::StrCat(R"({"batch_id": "b", "liaison_body": "MS", "program": "amo-tns",
      "record_count": 9223372036854775808, "sha256": ")",
                                             kSha, R"("})"));
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(huge.status().message(), "manifest.record_count: too large");
}

}  // namespace
}  // namespace himaya::registration
