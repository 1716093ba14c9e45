// Which received rows may repeat an earlier one: never a miss, seldom a false alarm.
#include "registration/src/repeat_hints.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

StagedRow Row(std::optional<std::string> record_id, std::optional<std::string> cin, bool valid = true) {
  StagedRow row;
  row.record_id = std::move(record_id);
  row.cin = std::move(cin);
  if (!valid) row.reasons = "birth_date:DATE_FORMAT";
  return row;
}

TEST(RepeatHints, ARecordIdMayRepeatAnyEarlierRowAndACinOnlyAValidOne) {
  RepeatHints hints;
  std::vector<StagedRow> rows = {
      Row("R1", "AB1"),          // first of both
      Row("R2", "CD2", false),   // invalid: its CIN does not count as seen
      Row("R1", "CD2"),          // repeats R1; CD2 was only seen invalid
      Row("R3", "CD2"),          // CD2 seen valid just before
      Row(std::nullopt, "AB1"),  // no record_id to repeat
      Row("R4", std::nullopt),   // no CIN to repeat
      Row("R2", "EF3", false),   // a record_id repeats whatever the row's validity
  };
  for (StagedRow& row : rows) hints.Mark(row);
  std::vector<std::pair<bool, bool>> marks;
  for (const StagedRow& row : rows) marks.emplace_back(row.record_id_may_repeat, row.cin_may_repeat);
  EXPECT_EQ(
      marks,
      (std::vector<std::pair<bool, bool>>{
          {false, false}, {false, false}, {true, false}, {false, true}, {false, true}, {false, false}, {true, false}}));
}

// Marks rows `from` to `to` (excluded), each with values of its own; how many marks they got.
int MarkDistinctRows(RepeatHints& hints, int from, int to) {
  int marked = 0;
  for (int i = from; i < to; ++i) {
    StagedRow row = Row(absl::StrCat("R", i), absl::StrCat("AB", i));
    hints.Mark(row);
    marked += row.record_id_may_repeat + row.cin_may_repeat;
  }
  return marked;
}

TEST(RepeatHints, DistinctValuesAreSeldomMarked) {
  // 32 bits of a hash: among 100,000 distinct values about one collision is expected in each
  // of the two sets.
  RepeatHints hints;
  EXPECT_LE(MarkDistinctRows(hints, 0, 100000), 20);
}

TEST(RepeatHints, PastItsBoundEveryLaterRowMayRepeat) {
  // The sets stop growing at about 1.8 million values: rows past that may repeat one dropped.
  RepeatHints hints;
  MarkDistinctRows(hints, 0, 1999000);
  EXPECT_EQ(MarkDistinctRows(hints, 1999000, 2000000), 2000);
}

}  // namespace
}  // namespace himaya::registration
