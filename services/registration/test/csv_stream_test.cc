#include "registration/src/csv_stream.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;

std::vector<std::vector<std::string>> ParseInChunks(const std::string& text, size_t chunk) {
  std::vector<std::vector<std::string>> records;
  CsvStream csv([&](std::vector<std::string>& fields) {
    records.push_back(fields);
    return absl::OkStatus();
  });
  for (size_t i = 0; i < text.size(); i += chunk) EXPECT_TRUE(csv.Feed(text.substr(i, chunk)).ok());
  EXPECT_TRUE(csv.Finish().ok());
  return records;
}

TEST(CsvStream, Rfc4180InAnyChunking) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      " 1 ,\"x, y\",\"say \"\"hi\"\"\"\r\n"
      "2,\"two\nlines\",\r\n"
      "\r\n"
      "3,last,without end";
  for (size_t chunk : {1, 2, 3, 5, 1000}) {
    auto records = ParseInChunks(text, chunk);
    ASSERT_EQ(records.size(), 4u) << chunk;
    EXPECT_THAT(records[0], ElementsAre("a", "b", "c")) << "the BOM is skipped";
    EXPECT_THAT(records[1], ElementsAre("1", "x, y", "say \"hi\""));
    EXPECT_THAT(records[2], ElementsAre("2", "two\nlines", ""));
    EXPECT_THAT(records[3], ElementsAre("3", "last", "without end"));
  }
}

TEST(CsvStream, MalformedQuotingIsAnError) {
  CsvStream csv([](std::vector<std::string>&) { return absl::OkStatus(); });
  EXPECT_EQ(csv.Feed("a,\"b\"c\n").code(), absl::StatusCode::kInvalidArgument);
  CsvStream open([](std::vector<std::string>&) { return absl::OkStatus(); });
  EXPECT_TRUE(open.Feed("a,\"unterminated\n").ok());
  EXPECT_EQ(open.Finish().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvStream, RecordFunctionErrorsStopTheStream) {
  int seen = 0;
  CsvStream csv(
      [&](std::vector<std::string>&) { return ++seen == 2 ? absl::InvalidArgumentError("stop") : absl::OkStatus(); });
  EXPECT_EQ(csv.Feed("1\n2\n3\n").message(), "stop");
  EXPECT_EQ(seen, 2);
}

TEST(Utf8, ValidAndInvalid) {
  EXPECT_TRUE(IsValidUtf8("Fès العلوي"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
}

}  // namespace
}  // namespace himaya::registration
