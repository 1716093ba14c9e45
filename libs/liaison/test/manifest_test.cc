#include "liaison/manifest.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::liaison {
namespace {

using ::testing::HasSubstr;

constexpr char kSha[] = "018043b2990de8b5261f11f517c019eea7b83f770e3020ba63bf6260671906dc";

// A manifest whose fields pass.
Manifest Valid() {
  Manifest m;
  m.batch_id = "b";
  m.liaison_body = "MAPMDREF";
  m.program = "amo-tns";
  m.record_count = 1;
  m.sha256 = kSha;
  return m;
}

TEST(Manifest, ParsesTheContractsFields) {
  auto m = ParseManifestJson(absl::StrCat(R"({"batch_id": "MAPMDREF-2022-000123", "liaison_body": "MAPMDREF",
      "program": "amo-tns", "record_count": 1000000, "sha256": ")",
                                          "018043B2990DE8B5261F11F517C019EEA7B83F770E3020BA63BF6260671906DC",
                                          R"(", "produced_at": "2022-03-01T10:00:00Z"})"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->batch_id, "MAPMDREF-2022-000123");
  EXPECT_EQ(m->liaison_body, "MAPMDREF");
  EXPECT_EQ(m->program, "amo-tns");
  EXPECT_EQ(m->record_count, 1000000);
  EXPECT_EQ(m->sha256, kSha) << "hex is normalised to lower case";
  EXPECT_EQ(m->produced_at, "2022-03-01T10:00:00Z");
  EXPECT_TRUE(CheckManifestFields(*m).ok());
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

TEST(Manifest, BatchIdsArePrintableAndBoundedAndCountsFitInSixtyFourBits) {
  Manifest m = Valid();
  for (const std::string& id : {std::string("MAP-2022_01.a"), std::string(64, 'b')}) {
    m.batch_id = id;
    EXPECT_TRUE(CheckManifestFields(m).ok()) << id;
  }
  for (const std::string& id :
       {std::string("a\0b", 3), std::string("a b"), std::string("a/b"), std::string(65, 'b'), std::string("Fès")}) {
    m.batch_id = id;
    absl::Status s = CheckManifestFields(m);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_THAT(std::string(s.message()), HasSubstr("manifest.batch_id")) << id;
  }

  auto huge = ParseManifestJson(absl::StrCat(R"({"batch_id": "b", "liaison_body": "MS", "program": "amo-tns",
      "record_count": 9223372036854775808, "sha256": ")",
                                             kSha, R"("})"));
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(huge.status().message(), "manifest.record_count: too large");
}

TEST(Manifest, CountsShaAndProductionTimeAreChecked) {
  const Manifest m = Valid();
  ASSERT_TRUE(CheckManifestFields(m).ok());
  Manifest negative = m;
  negative.record_count = -1;
  EXPECT_THAT(std::string(CheckManifestFields(negative).message()), HasSubstr("negative"));
  Manifest short_sha = m;
  short_sha.sha256 = "abc";
  EXPECT_THAT(std::string(CheckManifestFields(short_sha).message()), HasSubstr("manifest.sha256"));
  Manifest not_hex = m;
  not_hex.sha256 = std::string(64, 'g');
  EXPECT_THAT(std::string(CheckManifestFields(not_hex).message()), HasSubstr("manifest.sha256"));
  Manifest long_time = m;
  long_time.produced_at = std::string(65, '1');
  EXPECT_THAT(std::string(CheckManifestFields(long_time).message()), HasSubstr("manifest.produced_at"));
  Manifest no_body = m;
  no_body.liaison_body.clear();
  EXPECT_THAT(std::string(CheckManifestFields(no_body).message()), HasSubstr("manifest.liaison_body"));
}

}  // namespace
}  // namespace himaya::liaison
