#include "liaison/csv_field.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "liaison/csv_stream.h"

namespace himaya::liaison {
namespace {

TEST(CsvField, APlainFieldIsUnchanged) {
  EXPECT_EQ(CsvField("ALAOUI"), "ALAOUI");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a b'c"), "a b'c");
}

TEST(CsvField, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvField("12, rue Allal"), "\"12, rue Allal\"");
  EXPECT_EQ(CsvField("dit \"le grand\""), "\"dit \"\"le grand\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvField, WhatItWritesTheStreamReadsBack) {
  const std::vector<std::string> fields = {"plain", "a,b", "say \"hi\"", "two\r\nlines", "\"", ","};
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + CsvField(fields[i]);
  line += "\n";
  std::vector<std::string> read;
  CsvStream stream([&](std::vector<std::string>& record) {
    read = record;
    return absl::OkStatus();
  });
  ASSERT_TRUE(stream.Feed(line).ok());
  ASSERT_TRUE(stream.Finish().ok());
  EXPECT_EQ(read, fields);
}

TEST(ReportCsvField, AFieldThatStartsLikeAFormulaStartsWithAQuoteMark) {
  EXPECT_EQ(ReportCsvField("=SUM(A1:A9)"), "'=SUM(A1:A9)");
  EXPECT_EQ(ReportCsvField("+212600000000"), "'+212600000000");
  EXPECT_EQ(ReportCsvField("-1"), "'-1");
  EXPECT_EQ(ReportCsvField("@cmd"), "'@cmd");
  EXPECT_EQ(ReportCsvField("\tx"), "'\tx");
  EXPECT_EQ(ReportCsvField("=A1,B1"), "\"'=A1,B1\"");
  EXPECT_EQ(ReportCsvField("F-2026-1"), "F-2026-1");
  EXPECT_EQ(ReportCsvField(""), "");
}

}  // namespace
}  // namespace himaya::liaison
