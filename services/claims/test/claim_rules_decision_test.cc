// The claim rules' decisions: each rule at its bounds (filing delay, repetition, quantity, ALD
// validity), the amount (floor, the min() both ways, large amounts), the precedence of the
// rules, the file's outcome and totals, and the review (threshold, reproducible sampling).
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "claims/src/claim_rules.h"
#include "claims/test/claim_rules_test_support.h"
#include "claims_file/dirhams.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

// ---------------------------------------------------------------------------------------------
// Amounts

TEST(ClaimRulesAmount, ReimbursesTheRateOfTheSmallerOfPaidAndTariff) {
  ItemDecision d = DecideOne(Item(), Facts(Act("C", 8000)));
  EXPECT_TRUE(d.accepted);
  EXPECT_EQ(d.reason, "");
  EXPECT_EQ(d.tnr_centimes, 8000);
  EXPECT_EQ(d.rate_percent, 70);
  EXPECT_EQ(d.reimbursed_centimes, 5600);
}

TEST(ClaimRulesAmount, TheMinBothWays) {
  FiledItem item = Item();
  item.quantity = 3;
  item.amount_paid_centimes = 20000;  // paid less than 3 × 80.00
  EXPECT_EQ(DecideOne(item, Facts(Act("C", 8000, 3))).reimbursed_centimes, 14000);
  item.amount_paid_centimes = 30000;  // paid more than 3 × 80.00: the tariff caps it
  EXPECT_EQ(DecideOne(item, Facts(Act("C", 8000, 3))).reimbursed_centimes, 16800);
  item.amount_paid_centimes = 24000;  // exactly the tariff
  EXPECT_EQ(DecideOne(item, Facts(Act("C", 8000, 3))).reimbursed_centimes, 16800);
  item.amount_paid_centimes = 24001;
  EXPECT_EQ(DecideOne(item, Facts(Act("C", 8000, 3))).reimbursed_centimes, 16800);
  item.amount_paid_centimes = 23999;  // 23999 × 70 / 100 = 16799.3
  EXPECT_EQ(DecideOne(item, Facts(Act("C", 8000, 3))).reimbursed_centimes, 16799);
}

TEST(ClaimRulesAmount, FloorsAmountsThatDoNotDivide) {
  FiledItem item = Item();
  for (const auto& [paid, rate, expected] : std::vector<std::tuple<int64_t, int, int64_t>>{
           {1, 70, 0},          // 0.7
           {2, 70, 1},          // 1.4
           {3333, 70, 2333},    // 2333.1
           {9999, 90, 8999},    // 8999.1
           {14999, 70, 10499},  // 10499.3
           {15001, 90, 13500},  // 13500.9
           {100, 33, 33},       // exact
           {101, 33, 33},       // 33.33
           {299, 100, 299},     // the whole amount
           {299, 0, 0},         // nothing reimbursed, still accepted
       }) {
    item.amount_paid_centimes = paid;
    const ClaimRules rules =
        RulesWith(With("rates", absl::StrCat("[{\"ordinary\": ", rate, ", \"ald\": ", rate, "}]")));
    const ItemDecision d = DecideOne(item, Facts(Act("C", 1'000'000)), rules);
    EXPECT_TRUE(d.accepted) << paid;
    EXPECT_EQ(d.reimbursed_centimes, expected) << paid << " at " << rate << " %";
  }
}

TEST(ClaimRulesAmount, LargeAmountsDoNotOverflow) {
  FiledItem item = Item();
  item.quantity = 999;
  item.amount_paid_centimes = claims_file::kMaxDirhamsCentimes;
  // tnr × quantity is past 10^15; the amount paid (10^12) is the smaller.
  ItemDecision d = DecideOne(item, Facts(Act("C", claims_file::kMaxDirhamsCentimes, 999)));
  EXPECT_TRUE(d.accepted);
  EXPECT_EQ(d.reimbursed_centimes, 700'000'000'000);
  // tnr × quantity just below what was paid.
  d = DecideOne(item, Facts(Act("C", claims_file::kMaxDirhamsCentimes / 999, 999)));
  EXPECT_EQ(d.reimbursed_centimes, (claims_file::kMaxDirhamsCentimes / 999) * 999 * 70 / 100);
  // A whole file of 50 such items.
  std::vector<FiledItem> items;
  std::vector<ItemFacts> facts;
  for (int i = 1; i <= 50; ++i) {
    FiledItem it = item;
    it.item = i;
    it.care_date = Day(2026, 3, 1) - i;  // not duplicates of each other
    items.push_back(it);
    facts.push_back(Facts(Act("C", claims_file::kMaxDirhamsCentimes, 999)));
  }
  const FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, items, facts);
  EXPECT_EQ(file.claimed_centimes, 50 * claims_file::kMaxDirhamsCentimes);
  EXPECT_EQ(file.reimbursed_centimes, 50 * 700'000'000'000);
}

TEST(ClaimRulesAmount, RateByProgramAndCategory) {
  const ClaimRules rules = RulesWith(
      With("rates", R"([{"ordinary": 70, "ald": 90}, {"program": "amo-tadamon", "category": "DENTAL", "ordinary": 60,
                   "ald": 80}])"));
  EXPECT_EQ(DecideOne(Item(), Facts(Act("C", 8000, 1, 0, "DENTAL")), rules).rate_percent, 60);
  EXPECT_EQ(DecideOne(Item(), Facts(Act("C", 8000, 1, 0, "DENTAL")), rules).reimbursed_centimes, 4800);
  EXPECT_EQ(DecideOne(Item(), Facts(Act("C", 8000, 1, 0, "OPTICS")), rules).rate_percent, 70);
  const FileDecision tns =
      rules.Decide(kClaim, kInsured, kFiled, "amo-tns", {Item()}, {Facts(Act("C", 8000, 1, 0, "DENTAL"))});
  EXPECT_EQ(tns.items[0].rate_percent, 70);
}

// ---------------------------------------------------------------------------------------------
// ALD

TEST(ClaimRulesAld, HigherRateWithACertificateValidOnTheCareDay) {
  FiledItem item = Item();
  item.ald_certificate = "ALD-1";
  ItemFacts facts = Facts();
  facts.ald_valid = true;
  ItemDecision d = DecideOne(item, facts);
  EXPECT_EQ(d.rate_percent, 90);
  EXPECT_EQ(d.reimbursed_centimes, 7200);

  facts.ald_valid = false;  // an invalid certificate: the ordinary rate, not a rejection
  d = DecideOne(item, facts);
  EXPECT_TRUE(d.accepted);
  EXPECT_EQ(d.rate_percent, 70);

  item.ald_certificate = "";  // valid according to the facts but not named on the item
  facts.ald_valid = true;
  EXPECT_EQ(DecideOne(item, facts).rate_percent, 70);
}

TEST(ClaimRulesAld, ValidityIncludesBothDays) {
  const absl::CivilDay care = Day(2026, 3, 1);
  EXPECT_FALSE(AldValidOn(Day(2025, 1, 1), care - 1, care));  // expired the day before care
  EXPECT_TRUE(AldValidOn(Day(2025, 1, 1), care, care));       // its last day
  EXPECT_TRUE(AldValidOn(care, Day(2027, 1, 1), care));       // its first day
  EXPECT_FALSE(AldValidOn(care + 1, Day(2027, 1, 1), care));  // not yet valid
  EXPECT_TRUE(AldValidOn(care, care, care));
  EXPECT_FALSE(AldValidOn(care, care - 1, care));  // an empty period
}

// ---------------------------------------------------------------------------------------------
// Each rule at its bounds

TEST(ClaimRulesFilingDelay, SixtyDaysAcceptedSixtyOneRejected) {
  FiledItem item = Item();
  item.care_date = kFiled - 60;
  EXPECT_TRUE(DecideOne(item, Facts()).accepted);
  item.care_date = kFiled - 59;
  EXPECT_TRUE(DecideOne(item, Facts()).accepted);
  item.care_date = kFiled - 61;
  ItemDecision d = DecideOne(item, Facts());
  EXPECT_FALSE(d.accepted);
  EXPECT_EQ(d.reason, "FILED_TOO_LATE");
  EXPECT_EQ(d.reason_detail, "");
  EXPECT_EQ(d.tnr_centimes, 8000);  // the act is in the tariff: its amount is kept
  EXPECT_EQ(d.rate_percent, 0);
  EXPECT_EQ(d.reimbursed_centimes, 0);
}

TEST(ClaimRulesFilingDelay, TheConfiguredDelay) {
  const ClaimRules rules = RulesWith(With("filing_delay_days", "1"));
  FiledItem item = Item();
  item.care_date = kFiled - 1;
  EXPECT_TRUE(DecideOne(item, Facts(), rules).accepted);
  item.care_date = kFiled - 2;
  EXPECT_EQ(DecideOne(item, Facts(), rules).reason, "FILED_TOO_LATE");
}

TEST(ClaimRulesQuantity, UpToTheActsMaximum) {
  FiledItem item = Item();
  item.quantity = 4;
  item.amount_paid_centimes = 60000;
  EXPECT_TRUE(DecideOne(item, Facts(Act("D.SC", 15000, 4))).accepted);
  item.quantity = 5;
  EXPECT_EQ(DecideOne(item, Facts(Act("D.SC", 15000, 4))).reason, "QUANTITY_OVER_MAXIMUM");
}

TEST(ClaimRulesRepetition, AgainstHistoryExactlyMinDaysApartIsAccepted) {
  ItemFacts facts = Facts(Act("O.VERRES", 40000, 1, 730));
  FiledItem item = Item();
  item.amount_paid_centimes = 40000;
  facts.previous_claim_id = "F-2024-0042";
  facts.previous_care_date = item.care_date - 730;
  EXPECT_TRUE(DecideOne(item, facts).accepted);
  facts.previous_care_date = item.care_date - 729;
  ItemDecision d = DecideOne(item, facts);
  EXPECT_EQ(d.reason, "REPEATED_TOO_SOON");
  EXPECT_EQ(d.reason_detail, "F-2024-0042");
  facts.previous_care_date = item.care_date;  // the same day
  EXPECT_EQ(DecideOne(item, facts).reason, "REPEATED_TOO_SOON");
  // An accepted care date after this one counts the same way (a file filed late).
  facts.previous_care_date = item.care_date + 729;
  EXPECT_EQ(DecideOne(item, facts).reason, "REPEATED_TOO_SOON");
  facts.previous_care_date = item.care_date + 730;
  EXPECT_TRUE(DecideOne(item, facts).accepted);
}

TEST(ClaimRulesRepetition, ZeroMinDaysIsNoLimit) {
  ItemFacts facts = Facts(Act("C", 8000, 1, 0));
  facts.previous_care_date = Item().care_date;
  facts.previous_claim_id = "F-OLD";
  EXPECT_TRUE(DecideOne(Item(), facts).accepted);
}

TEST(ClaimRulesRepetition, EarlierItemsOfTheSameFileCount) {
  const TariffAct detartrage = Act("D.DETART", 20000, 1, 180, "DENTAL");
  FiledItem first = Item(1);
  first.act_code = "D.DETART";
  first.care_date = Day(2026, 1, 20);
  first.amount_paid_centimes = 20000;
  FiledItem second = first;
  second.item = 2;
  second.care_date = first.care_date + 179;
  const ClaimRules rules = RulesWith(With("filing_delay_days", "3650"));
  FileDecision file = rules.Decide(kClaim, kInsured, Day(2026, 12, 31), kProgram, {first, second},
                                   {Facts(detartrage), Facts(detartrage)});
  EXPECT_TRUE(file.items[0].accepted);
  EXPECT_EQ(file.items[1].reason, "REPEATED_TOO_SOON");
  EXPECT_EQ(file.items[1].reason_detail, kClaim);
  EXPECT_EQ(file.items[1].item, 2);

  second.care_date = first.care_date + 180;
  file = rules.Decide(kClaim, kInsured, Day(2026, 12, 31), kProgram, {first, second},
                      {Facts(detartrage), Facts(detartrage)});
  EXPECT_TRUE(file.items[1].accepted);

  // Another beneficiary, or another act: no repetition.
  second.care_date = first.care_date;
  second.beneficiary_id = std::string(kInsured) + "-01";
  file = rules.Decide(kClaim, kInsured, Day(2026, 12, 31), kProgram, {first, second},
                      {Facts(detartrage), Facts(detartrage)});
  EXPECT_TRUE(file.items[1].accepted);
}

TEST(ClaimRulesRepetition, ARejectedEarlierItemDoesNotCount) {
  const TariffAct glasses = Act("O.VERRES", 40000, 1, 730, "OPTICS");
  FiledItem first = Item(1);
  first.act_code = "O.VERRES";
  first.quantity = 2;  // over the maximum: rejected
  FiledItem second = Item(2);
  second.act_code = "O.VERRES";
  const FileDecision file =
      Rules().Decide(kClaim, kInsured, kFiled, kProgram, {first, second}, {Facts(glasses), Facts(glasses)});
  EXPECT_EQ(file.items[0].reason, "QUANTITY_OVER_MAXIMUM");
  EXPECT_TRUE(file.items[1].accepted);
  EXPECT_EQ(file.outcome, Outcome::kPartial);
}

TEST(ClaimRulesDuplicate, AlreadyAcceptedInAnotherFile) {
  ItemFacts facts = Facts();
  facts.duplicate_of = "F-2026-0000";
  const ItemDecision d = DecideOne(Item(), facts);
  EXPECT_EQ(d.reason, "DUPLICATE");
  EXPECT_EQ(d.reason_detail, "F-2026-0000");
  EXPECT_EQ(d.reimbursed_centimes, 0);
}

TEST(ClaimRulesDuplicate, TheSameItemTwiceInOneFile) {
  FiledItem second = Item(2);
  FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), second}, {Facts(), Facts()});
  EXPECT_TRUE(file.items[0].accepted);
  EXPECT_EQ(file.items[1].reason, "DUPLICATE");
  EXPECT_EQ(file.items[1].reason_detail, kClaim);
  EXPECT_EQ(file.reimbursed_centimes, 5600);

  // Another amount the same day is the same item: what was paid is not part of it (C has no
  // repetition limit, so only DUPLICATE catches it).
  second.amount_paid_centimes = 8001;
  file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), second}, {Facts(), Facts()});
  EXPECT_EQ(file.items[1].reason, "DUPLICATE");
  EXPECT_EQ(file.items[1].reason_detail, kClaim);
  EXPECT_EQ(file.reimbursed_centimes, 5600);
}

TEST(ClaimRulesDuplicate, AnotherDayBeneficiaryOrActIsAnotherItem) {
  FiledItem day = Item(2);
  day.care_date = Item().care_date - 1;
  FiledItem beneficiary = Item(2);
  beneficiary.beneficiary_id = std::string(kInsured) + "-01";
  FiledItem act = Item(2);
  act.act_code = "CS";
  for (const FiledItem& second : {day, beneficiary, act}) {
    const FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), second},
                                             {Facts(), Facts(Act(second.act_code, 8000))});
    EXPECT_TRUE(file.items[1].accepted) << second.beneficiary_id << " " << second.act_code;
  }
}

TEST(ClaimRulesDuplicate, UnitsOfOneActOnOneDaySplitOverItemsCountTogether) {
  const TariffAct boxes = Act("P", 5000, 3, 0, "PHARMACY");
  FiledItem first = Item(1);
  first.act_code = "P";
  first.quantity = 2;
  first.amount_paid_centimes = 10000;
  FiledItem second = first;
  second.item = 2;
  second.quantity = 1;
  second.amount_paid_centimes = 5000;
  // 2 + 1 units: the act's maximum of 3, both accepted.
  FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {first, second}, {Facts(boxes), Facts(boxes)});
  EXPECT_TRUE(file.items[0].accepted);
  EXPECT_TRUE(file.items[1].accepted);
  // 2 + 2 units: past the maximum, which no item reaches alone.
  second.quantity = 2;
  second.amount_paid_centimes = 10000;
  file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {first, second}, {Facts(boxes), Facts(boxes)});
  EXPECT_TRUE(file.items[0].accepted);
  EXPECT_EQ(file.items[1].reason, "QUANTITY_OVER_MAXIMUM");
  EXPECT_EQ(file.items[1].reason_detail, "");
  // 3 units already accepted that day: a further one is the same act again.
  first.quantity = 3;
  first.amount_paid_centimes = 15000;
  second.quantity = 1;
  file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {first, second}, {Facts(boxes), Facts(boxes)});
  EXPECT_EQ(file.items[1].reason, "DUPLICATE");
  EXPECT_EQ(file.items[1].reason_detail, kClaim);
  // A rejected earlier item's units do not count.
  first.quantity = 4;
  first.amount_paid_centimes = 20000;
  second.quantity = 3;
  file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {first, second}, {Facts(boxes), Facts(boxes)});
  EXPECT_EQ(file.items[0].reason, "QUANTITY_OVER_MAXIMUM");
  EXPECT_TRUE(file.items[1].accepted);
}

TEST(ClaimRulesCoverage, NotCoveredCarriesTheEligibilityReason) {
  ItemFacts facts = Facts();
  facts.covered = false;
  facts.not_covered_reason = "AGE_LIMIT";
  const ItemDecision d = DecideOne(Item(), facts);
  EXPECT_EQ(d.reason, "NOT_COVERED");
  EXPECT_EQ(d.reason_detail, "AGE_LIMIT");
  EXPECT_EQ(d.tnr_centimes, 8000);
}

TEST(ClaimRulesCoverage, CoveredThroughAnotherInsuredIsNotInFamily) {
  ItemFacts facts = Facts();
  facts.covered_through = "100000025";
  ItemDecision d = DecideOne(Item(), facts);
  EXPECT_EQ(d.reason, "NOT_COVERED");
  EXPECT_EQ(d.reason_detail, "NOT_IN_FAMILY");
  facts.covered_through = "";
  EXPECT_EQ(DecideOne(Item(), facts).reason_detail, "NOT_IN_FAMILY");
}

TEST(ClaimRulesTariff, UnknownActOrNotInTheTariffOnTheCareDay) {
  ItemFacts facts = Facts();
  facts.act.reset();
  EXPECT_EQ(DecideOne(Item(), facts).reason, "ACT_NOT_IN_TARIFF");
  EXPECT_EQ(DecideOne(Item(), facts).tnr_centimes, 0);
  facts.act_known = false;
  EXPECT_EQ(DecideOne(Item(), facts).reason, "UNKNOWN_ACT");
}

TEST(ClaimRulesInvalidRow, NamesTheField) {
  FiledItem item = Item();
  item.invalid_field = "care_date";
  const ItemDecision d = DecideOne(item, ItemFacts{});
  EXPECT_EQ(d.reason, "INVALID_ROW");
  EXPECT_EQ(d.reason_detail, "care_date");
}

TEST(ClaimRulesInvalidRow, QuantityOrAmountOutOfTheContractsBounds) {
  for (int quantity : {0, -1, 1000}) {
    FiledItem item = Item();
    item.quantity = quantity;
    const ItemDecision d = DecideOne(item, Facts(Act("C", 8000, 999)));
    EXPECT_EQ(d.reason, "INVALID_ROW") << quantity;
    EXPECT_EQ(d.reason_detail, "quantity") << quantity;
  }
  for (int64_t amount :
       {int64_t{0}, int64_t{-1}, claims_file::kMaxDirhamsCentimes + 1, std::numeric_limits<int64_t>::max()}) {
    FiledItem item = Item();
    item.amount_paid_centimes = amount;
    const FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {item}, {Facts()});
    EXPECT_EQ(file.items[0].reason, "INVALID_ROW") << amount;
    EXPECT_EQ(file.items[0].reason_detail, "amount_paid") << amount;
    EXPECT_LE(file.claimed_centimes, claims_file::kMaxDirhamsCentimes) << amount;
  }
}

TEST(ClaimRulesInvalidRow, AnItemWithoutFactsIsNotCovered) {
  const FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), Item(2)}, {Facts()});
  EXPECT_TRUE(file.items[0].accepted);
  EXPECT_EQ(file.items[1].reason, "NOT_COVERED");
}

// ---------------------------------------------------------------------------------------------
// Precedence: an item that breaks every rule, mended one rule at a time, shows them in order.

TEST(ClaimRulesPrecedence, FirstRuleInTheDocumentedOrder) {
  FiledItem item = Item();
  item.invalid_field = "act_code";
  item.care_date = kFiled - 61;  // too late
  item.quantity = 2;             // over the maximum of 1
  ItemFacts facts;
  facts.covered = false;
  facts.not_covered_reason = "REMOVED";
  facts.act_known = false;
  facts.duplicate_of = "F-DUP";
  facts.previous_care_date = item.care_date - 1;
  facts.previous_claim_id = "F-PREV";
  const TariffAct act = Act("C", 8000, 1, 30);

  std::vector<std::string> reasons;
  const auto decide = [&] { reasons.push_back(DecideOne(item, facts).reason); };
  decide();
  item.invalid_field = "";
  decide();
  facts.covered = true;
  facts.covered_through = kInsured;
  decide();
  facts.act_known = true;
  decide();
  facts.act = act;
  decide();
  item.care_date = kFiled - 60;
  facts.previous_care_date = item.care_date - 1;
  decide();
  facts.duplicate_of = "";
  decide();
  item.quantity = 1;
  decide();
  facts.previous_care_date.reset();
  decide();
  EXPECT_THAT(reasons,
              ::testing::ElementsAre("INVALID_ROW", "NOT_COVERED", "UNKNOWN_ACT", "ACT_NOT_IN_TARIFF", "FILED_TOO_LATE",
                                     "DUPLICATE", "QUANTITY_OVER_MAXIMUM", "REPEATED_TOO_SOON", ""));
}

// ---------------------------------------------------------------------------------------------
// The file

TEST(ClaimRulesFile, AcceptedPartialRejected) {
  ItemFacts not_covered = Facts();
  not_covered.covered = false;
  FiledItem second = Item(2);
  second.care_date = Item().care_date - 1;

  FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), second}, {Facts(), Facts()});
  EXPECT_EQ(file.outcome, Outcome::kAccepted);
  EXPECT_EQ(OutcomeName(file.outcome), "ACCEPTED");
  EXPECT_EQ(file.claimed_centimes, 16000);
  EXPECT_EQ(file.reimbursed_centimes, 11200);

  file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), second}, {Facts(), not_covered});
  EXPECT_EQ(file.outcome, Outcome::kPartial);
  EXPECT_EQ(OutcomeName(file.outcome), "PARTIAL");
  EXPECT_EQ(file.claimed_centimes, 16000);
  EXPECT_EQ(file.reimbursed_centimes, 5600);
}

TEST(ClaimRulesFile, EveryItemRejected) {
  ItemFacts not_covered = Facts();
  not_covered.covered = false;
  not_covered.not_covered_reason = "NOT_REGISTERED";
  FiledItem late = Item(2);
  late.care_date = kFiled - 100;
  FiledItem invalid = Item(3);
  invalid.invalid_field = "quantity";
  // Sampling every file: a file with nothing accepted is still not sent to review.
  const ClaimRules rules = RulesWith(With("sample_percent", "100"));
  const FileDecision file =
      rules.Decide(kClaim, kInsured, kFiled, kProgram, {Item(1), late, invalid}, {not_covered, Facts(), ItemFacts{}});
  EXPECT_EQ(file.outcome, Outcome::kRejected);
  EXPECT_EQ(OutcomeName(file.outcome), "REJECTED");
  ASSERT_EQ(file.items.size(), 3u);
  EXPECT_EQ(file.items[0].reason, "NOT_COVERED");
  EXPECT_EQ(file.items[1].reason, "FILED_TOO_LATE");
  EXPECT_EQ(file.items[2].reason, "INVALID_ROW");
  for (const ItemDecision& d : file.items) {
    EXPECT_FALSE(d.accepted);
    EXPECT_EQ(d.reimbursed_centimes, 0);
    EXPECT_EQ(d.rate_percent, 0);
  }
  EXPECT_EQ(file.items[0].item, 1);
  EXPECT_EQ(file.items[2].item, 3);
  EXPECT_EQ(file.claimed_centimes, 24000);
  EXPECT_EQ(file.reimbursed_centimes, 0);
  EXPECT_EQ(file.review_reason, "");
}

TEST(ClaimRulesFile, NoItemIsRejected) {
  const FileDecision file = Rules().Decide(kClaim, kInsured, kFiled, kProgram, {}, {});
  EXPECT_EQ(file.outcome, Outcome::kRejected);
  EXPECT_TRUE(file.items.empty());
  EXPECT_EQ(file.claimed_centimes, 0);
}

// ---------------------------------------------------------------------------------------------
// Review

TEST(ClaimRulesReview, ReimbursedAboveTheThreshold) {
  const ClaimRules rules = RulesWith(With("review_threshold", "\"56.00\""));
  FileDecision file = rules.Decide(kClaim, kInsured, kFiled, kProgram, {Item()}, {Facts()});
  EXPECT_EQ(file.reimbursed_centimes, 5600);  // exactly the threshold: no review
  EXPECT_EQ(file.review_reason, "");
  const ClaimRules lower = RulesWith(With("review_threshold", "\"55.99\""));
  file = lower.Decide(kClaim, kInsured, kFiled, kProgram, {Item()}, {Facts()});
  EXPECT_EQ(file.review_reason, "AMOUNT_OVER_THRESHOLD");
}

TEST(ClaimRulesReview, ThresholdBeforeSampling) {
  const ClaimRules rules = RulesWith(With("sample_percent", "100", With("review_threshold", "\"10.00\"")));
  ASSERT_EQ(rules.sample_basis_points(), 10000);
  EXPECT_EQ(rules.Decide(kClaim, kInsured, kFiled, kProgram, {Item()}, {Facts()}).review_reason,
            "AMOUNT_OVER_THRESHOLD");
  FiledItem small = Item();
  small.amount_paid_centimes = 1000;
  EXPECT_EQ(rules.Decide(kClaim, kInsured, kFiled, kProgram, {small}, {Facts()}).review_reason, "SAMPLED");
}

// The ids of a generator's files: F-000001 ... F-010000.
std::vector<std::string> Ids() {
  std::vector<std::string> ids;
  for (int i = 1; i <= 10000; ++i) ids.push_back(absl::StrFormat("F-%06d", i));
  return ids;
}

std::set<std::string> SampledIds(const ClaimRules& rules) {
  std::set<std::string> sampled;
  for (const std::string& id : Ids()) {
    if (rules.Sampled(id)) sampled.insert(id);
  }
  return sampled;
}

TEST(ClaimRulesReview, SamplingIsNearTheConfiguredPercentage) {
  for (const auto& [percent, expected] : std::vector<std::pair<std::string, int>>{
           {"\"2.5\"", 250}, {"\"2\"", 200}, {"\"10\"", 1000}, {"\"0.5\"", 50}, {"\"50\"", 5000}}) {
    const ClaimRules rules = RulesWith(With("sample_percent", percent));
    const int n = static_cast<int>(SampledIds(rules).size());
    // Four standard deviations of a binomial draw of 10000.
    const double sd = std::sqrt(10000.0 * expected / 10000 * (1 - expected / 10000.0));
    EXPECT_NEAR(n, expected, 4 * sd + 1) << percent;
  }
  EXPECT_TRUE(SampledIds(RulesWith(With("sample_percent", "0"))).empty());
  EXPECT_EQ(SampledIds(RulesWith(With("sample_percent", "100"))).size(), 10000u);
}

TEST(ClaimRulesReview, SamplingIsReproducibleWithASeed) {
  const ClaimRules a = RulesWith(With("sample_percent", "\"2.5\""));
  const ClaimRules b = RulesWith(With("sample_percent", "\"2.5\""));
  const std::set<std::string> drawn = SampledIds(a);
  EXPECT_EQ(drawn, SampledIds(b));
  // Another seed draws other files.
  const ClaimRules other = RulesWith(With("sample_seed", "8", With("sample_percent", "\"2.5\"")));
  ASSERT_EQ(other.sample_seed(), 8u);
  EXPECT_NE(drawn, SampledIds(other));
  // A larger percentage draws every file the smaller one drew.
  const std::set<std::string> more = SampledIds(RulesWith(With("sample_percent", "\"5\"")));
  for (const std::string& id : drawn) EXPECT_TRUE(more.count(id)) << id;
  // The draw is a fixed function: a change of the hash shows here.
  EXPECT_EQ(drawn.size(), 242u);
  EXPECT_EQ(*drawn.begin(), "F-000036");
  // Decide sends the drawn files to review, and those only.
  EXPECT_EQ(a.Decide(*drawn.begin(), kInsured, kFiled, kProgram, {Item()}, {Facts()}).review_reason, "SAMPLED");
  const std::string not_drawn = "F-000001" == *drawn.begin() ? "F-000002" : "F-000001";
  ASSERT_FALSE(drawn.count(not_drawn));
  EXPECT_EQ(a.Decide(not_drawn, kInsured, kFiled, kProgram, {Item()}, {Facts()}).review_reason, "");
}

}  // namespace
}  // namespace himaya::claims
