#include "liaison/manifested_csv.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::liaison {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Reads `text` announced as `count` rows with `sha`, in chunks of 3 bytes; returns the first
// error and, in `seen`, "row:cin:missing" per row delivered.
absl::Status Read(const std::string& text, int64_t count, const std::string& sha, std::vector<std::string>* seen) {
  ManifestedCsv* self = nullptr;
  ManifestedCsv file(count, sha, {"cin", "sex"}, [&](int64_t row, const std::vector<std::string>& fields) {
    seen->push_back(std::to_string(row) + ":" + self->Get(fields, "cin") + ":" + self->Get(fields, "email"));
    return absl::OkStatus();
  });
  self = &file;
  for (size_t i = 0; i < text.size(); i += 3) {
    if (absl::Status s = file.Feed(absl::string_view(text).substr(i, 3)); !s.ok()) return s;
  }
  return file.Finish();
}

TEST(ManifestedCsv, DeliversRowsByColumnNameWhateverTheCaseAndOrder) {
  const std::string text = "Sex,CIN,extra\nM,A1,x\nF,B2\n";
  std::vector<std::string> seen;
  ASSERT_TRUE(Read(text, 2, Sha256Hex(text), &seen).ok());
  EXPECT_THAT(seen, ElementsAre("1:A1:", "2:B2:")) << "a short row and an absent column read as empty";
  // The manifest's hash may be written in capitals.
  seen.clear();
  std::string upper = Sha256Hex(text);
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_TRUE(Read(text, 2, upper, &seen).ok());
}

TEST(ManifestedCsv, EachBadFileHasItsError) {
  struct Case {
    std::string text;
    int64_t count;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", 0, "header: the file is empty"},
      {"cin\nA1\n", 1, "header: missing column sex"},
      {"name\nA1\n", 1, "header: missing columns cin, sex"},
      {"cin,sex,CIN\nA1,M,A1\n", 1, "header: column cin appears twice"},
      {"cin,s\xC3\x28x\n", 0, "header: not valid UTF-8"},
      {"cin,sex\nA1,\xFF\n", 1, "row 1: not valid UTF-8"},
      {"cin,sex\nA1,M\nA2,M\n", 1, "record_count: the file holds more rows than the manifest's 1"},
      {"cin,sex\nA1,M\n", 2, "record_count: the manifest says 2, the file holds 1 rows"},
      {"cin,sex\n\"A1,M\n", 1, "quot"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> seen;
    absl::Status s = Read(c.text, c.count, Sha256Hex(c.text), &seen);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
  }
  std::vector<std::string> seen;
  absl::Status s = Read("cin,sex\nA1,M\n", 1, Sha256Hex("cin,sex\nA1,F\n"), &seen);
  EXPECT_THAT(std::string(s.message()), HasSubstr("sha256: the bytes received do not match the manifest"));
}

TEST(ManifestedCsv, TheRowFunctionsErrorStopsTheStream) {
  const std::string text = "cin,sex\nA1,M\nA2,M\nA3,M\n";
  int rows = 0;
  ManifestedCsv file(3, Sha256Hex(text), {"cin"}, [&](int64_t row, const std::vector<std::string>&) {
    ++rows;
    return row == 2 ? absl::AbortedError("claim lost") : absl::OkStatus();
  });
  EXPECT_EQ(file.Feed(text).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace himaya::liaison
