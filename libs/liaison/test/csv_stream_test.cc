#include "liaison/csv_stream.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::liaison {
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

TEST(CsvStream, FieldsAndRecordsPastTheLimitsAreFlaggedNotKept) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::vector<bool>> too_long;
  std::vector<bool> record_too_long;
  CsvStream* self = nullptr;
  CsvStream csv([&](std::vector<std::string>& fields) {
    records.push_back(fields);
    too_long.push_back({self->FieldTooLong(0), self->FieldTooLong(1)});
    record_too_long.push_back(self->RecordTooLong());
    return absl::OkStatus();
  });
  self = &csv;
  const std::string at_limit(kMaxFieldBytes, 'a');
  const std::string past_limit(kMaxFieldBytes + 1, 'b');
  const std::string text =
      "x," + at_limit + "\n" + past_limit + ",y\n" + std::string(kMaxRecordBytes, 'c') + ",z\nok,ok\n";
  for (size_t i = 0; i < text.size(); i += 100000) ASSERT_TRUE(csv.Feed(text.substr(i, 100000)).ok());
  ASSERT_TRUE(csv.Finish().ok());
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0][1], at_limit);
  EXPECT_THAT(too_long[0], ElementsAre(false, false));
  EXPECT_THAT(records[1], ElementsAre("", "y")) << "a field past the limit is not kept";
  EXPECT_THAT(too_long[1], ElementsAre(true, false));
  EXPECT_TRUE(record_too_long[2]);
  EXPECT_THAT(records[2], ElementsAre("", ""));
  EXPECT_FALSE(record_too_long[3]);
  EXPECT_THAT(records[3], ElementsAre("ok", "ok")) << "the next record is read as usual";
}

TEST(CsvStream, AFieldPastWhatIsBufferedStopsTheStream) {
  CsvStream csv([](std::vector<std::string>&) { return absl::OkStatus(); });
  const std::string block(1024 * 1024, 'a');
  absl::Status status;
  for (int i = 0; i < 20 && status.ok(); ++i) status = csv.Feed(block);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("longer than 16 MiB"));
}

}  // namespace
}  // namespace himaya::liaison
