// DecideRow without a database: every outcome and reason a staged row can get, what the applier
// is told to do with it, and which finding wins when several hold.
#include "registration/src/row_decision.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

constexpr ApplyPhase kFirst = ApplyPhase::kHeadsAndSingles;
constexpr ApplyPhase kDependents = ApplyPhase::kDependents;

StagedRow Row() {
  StagedRow row;
  row.row_number = 7;
  row.record_id = "R7";
  row.cin = "AB1234";
  return row;
}

// "OUTCOME ACTION NUMBER REASONS", to compare a decision whole.
std::string Described(const RowDecision& d) {
  const char* actions[] = {"none", "activity", "register", "attach", "hold", "review"};
  std::string s = d.outcome + " " + actions[static_cast<int>(d.action)] + " " + d.registration_number + " " + d.reasons;
  if (d.action == RowAction::kSendToReview) s += " candidate=" + d.review_candidate;
  if (d.action == RowAction::kHoldForHead) s += " head_row=" + std::to_string(d.head_row);
  return s;
}

std::string Decide(const StagedRow& row, const RowFindings& found, ApplyPhase phase = kFirst,
                   const std::optional<std::string>& registered_in_chunk = std::nullopt) {
  return Described(DecideRow(row, found, phase, registered_in_chunk));
}

TEST(DecideRow, ARowWithNothingAgainstItIsRegistered) { EXPECT_EQ(Decide(Row(), {}), "REGISTERED register  "); }

TEST(DecideRow, ARowThatBrokeARuleIsInvalidWithItsReasons) {
  StagedRow row = Row();
  row.reasons = "cin:CIN_FORMAT;phone:PHONE_FORMAT";
  EXPECT_EQ(Decide(row, {}), "INVALID none  cin:CIN_FORMAT;phone:PHONE_FORMAT");
  EXPECT_EQ(Decide(row, {}, kDependents), "INVALID none  cin:CIN_FORMAT;phone:PHONE_FORMAT");
}

TEST(DecideRow, ARecordIdSeenEarlierInTheBatchIsInvalid) {
  EXPECT_EQ(Decide(Row(), {.earlier_record_id = "R7"}), "INVALID none  record_id:DUPLICATE_RECORD_ID(R7)");
}

TEST(DecideRow, ACinSeenEarlierInTheBatchIsADuplicate) {
  EXPECT_EQ(Decide(Row(), {.earlier_same_cin = "R2"}), "DUPLICATE_IN_BATCH none  cin:SAME_AS(R2)");
}

TEST(DecideRow, ARegisteredCinRecordsTheActivityAgainstThatPerson) {
  EXPECT_EQ(Decide(Row(), {.registered_number = "100000017"}), "ALREADY_REGISTERED activity 100000017 ");
  EXPECT_EQ(Decide(Row(), {.registered_number = "100000017"}, kDependents), "ALREADY_REGISTERED activity 100000017 ")
      << "a spouse already registered is that person";
}

TEST(DecideRow, ACoverageOfAnotherSchemeMakesTheRowAlreadyCovered) {
  EXPECT_EQ(Decide(Row(), {.coverage_scheme = "CNOPS"}), "ALREADY_COVERED none  coverage:CNOPS");
}

TEST(DecideRow, ALookAlikeGoesToReviewWithItsCandidate) {
  EXPECT_EQ(Decide(Row(), {.lookalike_number = "100000025"}),
            "NEEDS_REVIEW review  name:LOOKS_LIKE_REGISTERED_PERSON candidate=100000025");
}

TEST(DecideRow, APersonRegisteredEarlierInTheChunkIsALookAlikeToo) {
  EXPECT_EQ(Decide(Row(), {}, kFirst, "100000033"),
            "NEEDS_REVIEW review  name:LOOKS_LIKE_REGISTERED_PERSON candidate=100000033");
  EXPECT_EQ(Decide(Row(), {.lookalike_number = "100000025"}, kFirst, "100000033"),
            "NEEDS_REVIEW review  name:LOOKS_LIKE_REGISTERED_PERSON candidate=100000025")
      << "the person the database found comes first";
}

TEST(DecideRow, ADependentJoinsItsHead) {
  EXPECT_EQ(Decide(Row(), {.head_number = "100000041"}, kDependents), "DEPENDENT attach 100000041 ");
  EXPECT_EQ(Decide(Row(), {.head_number = "100000041", .head_row_in_review = 3}, kDependents),
            "DEPENDENT attach 100000041 ")
      << "a head decided after its review has its number";
}

TEST(DecideRow, ADependentOfAHeadInReviewWaitsWithIt) {
  EXPECT_EQ(Decide(Row(), {.head_row_in_review = 3}, kDependents),
            "NEEDS_REVIEW hold  household_id:HEAD_IN_REVIEW head_row=3");
}

TEST(DecideRow, ADependentWithoutARegisteredHeadIsInvalid) {
  EXPECT_EQ(Decide(Row(), {}, kDependents), "INVALID none  household_id:HEAD_NOT_REGISTERED");
}

TEST(DecideRow, DependentsAreNeitherRegisteredNorReviewedOnTheirOwn) {
  EXPECT_EQ(Decide(Row(), {.lookalike_number = "100000025", .head_number = "100000041"}, kDependents, "100000033"),
            "DEPENDENT attach 100000041 ");
}

TEST(DecideRow, TheFirstFindingInTheOrderOfTheRulesWins) {
  StagedRow invalid = Row();
  invalid.reasons = "sex:SEX_CODE";
  const RowFindings all = {.earlier_record_id = "R1",
                           .earlier_same_cin = "R2",
                           .registered_number = "100000017",
                           .coverage_scheme = "CNSS",
                           .lookalike_number = "100000025",
                           .head_number = "100000041",
                           .head_row_in_review = 3};
  EXPECT_EQ(Decide(invalid, all), "INVALID none  sex:SEX_CODE");
  RowFindings found = all;
  EXPECT_EQ(Decide(Row(), found), "INVALID none  record_id:DUPLICATE_RECORD_ID(R1)");
  found.earlier_record_id.reset();
  EXPECT_EQ(Decide(Row(), found), "DUPLICATE_IN_BATCH none  cin:SAME_AS(R2)");
  found.earlier_same_cin.reset();
  EXPECT_EQ(Decide(Row(), found), "ALREADY_REGISTERED activity 100000017 ");
  found.registered_number.reset();
  EXPECT_EQ(Decide(Row(), found), "ALREADY_COVERED none  coverage:CNSS");
  found.coverage_scheme.reset();
  EXPECT_EQ(Decide(Row(), found), "NEEDS_REVIEW review  name:LOOKS_LIKE_REGISTERED_PERSON candidate=100000025");
  EXPECT_EQ(Decide(Row(), found, kDependents), "DEPENDENT attach 100000041 ");
}

}  // namespace
}  // namespace himaya::registration
