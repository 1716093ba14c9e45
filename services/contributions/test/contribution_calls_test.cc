// A period's calls on both backends: every insured registered by the period's last day called
// once with the rules' amount and due date (ContributionCalled each), calling again adding only
// the missing ones, a call left halfway finished by the next, pages, programs not served, a
// category without income, a period not so written or not begun, and a period called late.
#include "contributions/src/contribution_calls.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "contributions/src/call_store.h"
#include "contributions/src/coverage_suspensions.h"
#include "contributions/test/contributions_database.h"
#include "gtest/gtest.h"
#include "himaya/contributions/v1/events.pb.h"
#include "identity/registration_number.h"

namespace himaya::contributions {
namespace {

class ContributionCallsTest : public ContributionsDatabaseTest {
 protected:
  ContributionCalls Calls(int page_size = 1000,
                          std::vector<std::string> programs = {"amo-tns", "amo-tadamon", "family-allowances"}) {
    return ContributionCalls(*db_, ContributionRules::Shipped(), {"contributions", &clock_, &random_},
                             {page_size, std::move(programs)}, [this] { ++wakes_; });
  }
  int64_t Events(const std::string& topic) {
    return testing::Count(*db_, "SELECT COUNT(*) FROM outbox WHERE topic = $1", {topic});
  }
  std::vector<Call> CallsOf(const std::string& number) {
    return testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::OfInsured(tx, number); });
  }
  int wakes_ = 0;
};

TEST_P(ContributionCallsTest, EveryInsuredRegisteredByThePeriodsLastDayIsCalledWithTheRulesAmount) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 10));
  AddInsured("100000025", absl::CivilDay(2026, 2, 28), "amo-tns", "MED", "Rabat-Sale-Kenitra");
  AddInsured("100000033", absl::CivilDay(2026, 3, 1));  // registered after February
  AddInsured("100000041", absl::CivilDay(2026, 2, 1), "amo-tadamon", "", "Oriental");
  AddInsured("100000058", absl::CivilDay(2026, 2, 1), "family-allowances");  // no contributions

  absl::StatusOr<CallResult> result = Calls().CallPeriod("2026-02");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->period, "2026-02");
  EXPECT_EQ(result->insured_called, 3);
  EXPECT_EQ(result->insured_already_called, 0);
  EXPECT_EQ(result->billed_to_insured_centimes, 9555 + 44590);  // AGRI 1500.00, MED 7000.00 at 6.37 %
  EXPECT_EQ(result->billed_to_state_centimes, 12740);
  EXPECT_EQ(result->insured_not_called, 0);
  EXPECT_GE(wakes_, 1);

  std::vector<Call> calls = CallsOf("100000025");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].program, "amo-tns");
  EXPECT_EQ(calls[0].period, absl::CivilMonth(2026, 2));
  EXPECT_EQ(calls[0].payer, Payer::kInsured);
  EXPECT_EQ(calls[0].category, "MED");
  EXPECT_EQ(calls[0].region, "Rabat-Sale-Kenitra");
  EXPECT_EQ(calls[0].amount_centimes, 44590);
  EXPECT_EQ(calls[0].paid_centimes, 0);
  EXPECT_EQ(calls[0].due_date, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(calls[0].called_at, clock_.Now());
  EXPECT_EQ(CallsOf("100000041")[0].payer, Payer::kState);
  EXPECT_TRUE(CallsOf("100000033").empty());
  EXPECT_TRUE(CallsOf("100000058").empty());

  EXPECT_EQ(Events("himaya.contributions.amo-tns.v1"), 2);
  EXPECT_EQ(Events("himaya.contributions.amo-tadamon.v1"), 1);
  auto rows = testing::Rows(*db_, "SELECT payload, message_key FROM outbox WHERE topic = $1",
                            {"himaya.contributions.amo-tadamon.v1"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(1), "100000041");
  absl::StatusOr<events::Envelope> envelope = events::ParseEnvelope(rows[0].Text(0));
  ASSERT_TRUE(envelope.ok()) << envelope.status();
  absl::StatusOr<v1::ContributionCalled> called = events::Unpack<v1::ContributionCalled>(*envelope);
  ASSERT_TRUE(called.ok());
  EXPECT_EQ(called->registration_number(), "100000041");
  EXPECT_EQ(called->program(), "amo-tadamon");
  EXPECT_EQ(called->period(), "2026-02");
  EXPECT_EQ(called->amount_centimes(), 12740);
  EXPECT_EQ(called->payer(), "STATE");
  EXPECT_EQ(called->due_date(), "2026-03-31");
}

TEST_P(ContributionCallsTest, CallingAgainAddsOnlyTheMissingOnesAndAnswersThePeriodsTotals) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 10));
  ASSERT_EQ(Calls().CallPeriod("2026-02")->insured_called, 1);
  AddInsured("100000025", absl::CivilDay(2026, 1, 20));
  absl::StatusOr<CallResult> again = Calls().CallPeriod("2026-02");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->insured_called, 1);
  EXPECT_EQ(again->insured_already_called, 1);
  EXPECT_EQ(again->billed_to_insured_centimes, 2 * 9555);
  const int wakes = wakes_;
  absl::StatusOr<CallResult> third = Calls().CallPeriod("2026-02");
  EXPECT_EQ(third->insured_called, 0);
  EXPECT_EQ(third->insured_already_called, 2);
  EXPECT_EQ(third->billed_to_insured_centimes, 2 * 9555);
  EXPECT_EQ(wakes_, wakes);  // nothing committed, nothing to publish
  EXPECT_EQ(Events("himaya.contributions.amo-tns.v1"), 2);
  EXPECT_EQ(Calls().CallPeriod("2026-03")->insured_called, 2);  // another period is its own
}

TEST_P(ContributionCallsTest, ACallLeftHalfwayIsFinishedByTheNextAndNobodyIsCalledTwice) {
  std::vector<std::string> numbers = {"100000017", "100000025", "100000033", "100000041", "100000058"};
  for (const std::string& n : numbers) AddInsured(n, absl::CivilDay(2026, 1, 1));
  // What a call killed after two pages of two leaves: the first four called, with their events.
  std::vector<Call> done;
  for (size_t i = 0; i < 4; ++i) {
    done.push_back({numbers[i], "amo-tns", absl::CivilMonth(2026, 2), Payer::kInsured, "AGRI", "", 9555, 0,
                    absl::CivilDay(2026, 3, 31), clock_.Now()});
  }
  EXPECT_EQ(testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::InsertNew(tx, done); }).size(),
            4u);
  absl::StatusOr<CallResult> result = Calls(/*page_size=*/2).CallPeriod("2026-02");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->insured_called, 1);
  EXPECT_EQ(result->insured_already_called, 4);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM calls"), 5);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox WHERE message_key = '100000058'"), 1);
  EXPECT_EQ(Events("himaya.contributions.amo-tns.v1"), 1);
}

TEST_P(ContributionCallsTest, PagesOfAnySizeCallEveryoneOnce) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 9, 1, 10, 0, 0), absl::UTCTimeZone()));
  for (int64_t s = 10000001; s <= 10000007; ++s)
    AddInsured(identity::FormatRegistrationNumber(s), absl::CivilDay(2026, 1, 1));
  for (int page : {1, 2, 3, 7, 8}) {
    const std::string period = absl::StrCat("2026-0", page);
    absl::StatusOr<CallResult> result = Calls(page).CallPeriod(period);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->insured_called, 7) << page;
    EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM calls WHERE period = $1", {period}), 7) << page;
  }
}

TEST_P(ContributionCallsTest, OnlyTheProgramsServedAreCalled) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 1));
  AddInsured("100000041", absl::CivilDay(2026, 1, 1), "amo-tadamon", "");
  absl::StatusOr<CallResult> result = Calls(1000, {"amo-tadamon"}).CallPeriod("2026-02");
  EXPECT_EQ(result->insured_called, 1);
  EXPECT_EQ(result->billed_to_insured_centimes, 0);
  EXPECT_EQ(result->billed_to_state_centimes, 12740);
  EXPECT_TRUE(CallsOf("100000017").empty());
}

TEST_P(ContributionCallsTest, AnInsuredWhoseCategoryHasNoIncomeIsCountedNotCalled) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 1), "amo-tns", "");  // merged, category unknown
  AddInsured("100000025", absl::CivilDay(2026, 1, 1));
  absl::StatusOr<CallResult> result = Calls().CallPeriod("2026-02");
  EXPECT_EQ(result->insured_called, 1);
  EXPECT_EQ(result->insured_not_called, 1);
  EXPECT_TRUE(CallsOf("100000017").empty());
}

TEST_P(ContributionCallsTest, APeriodNotWrittenYyyyMmIsRefused) {
  for (const char* bad : {"", "2026-2", "2026-13", "february"}) {
    absl::StatusOr<CallResult> result = Calls().CallPeriod(bad);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(result.status().message(), "period: must be a month written YYYY-MM (2000-01 to 2999-12)");
  }
}

TEST_P(ContributionCallsTest, APeriodThatHasNotBegunIsRefused) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 1));
  absl::StatusOr<CallResult> result = Calls().CallPeriod("2026-04");  // the clock: 2026-03-02
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "period: 2026-04 has not begun");
  EXPECT_TRUE(CallsOf("100000017").empty());
  EXPECT_EQ(Calls().CallPeriod("2026-03")->insured_called, 1);
}

TEST_P(ContributionCallsTest, APeriodCalledLateIsDueWithTheCallMadeOnTimeThatMonth) {
  AddInsured("100000017", absl::CivilDay(2025, 6, 1));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 9, 10, 10, 0, 0), absl::UTCTimeZone()));
  for (const char* period : {"2026-01", "2026-07", "2026-08", "2026-09"}) ASSERT_TRUE(Calls().CallPeriod(period).ok());
  std::map<std::string, std::string> due;
  for (const Call& c : CallsOf("100000017")) due[FormatPeriod(c.period)] = FormatDay(c.due_date);
  EXPECT_EQ(due["2026-01"], "2026-09-30") << "due 2026-02-28 if called on time";
  EXPECT_EQ(due["2026-07"], "2026-09-30") << "due 2026-08-31 if called on time";
  EXPECT_EQ(due["2026-08"], "2026-09-30") << "called on time";
  EXPECT_EQ(due["2026-09"], "2026-10-31") << "called on time";
  // Nobody suspended for January's call made in September: its grace runs from 2026-09-30.
  CoverageSuspensions suspensions(*db_, ContributionRules::Shipped(), {"contributions", &clock_, &random_},
                                  {absl::UTCTimeZone(), {"amo-tns"}, 1000, absl::Hours(1)});
  EXPECT_EQ(suspensions.CheckArrears().value_or(-1), 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 29, 10, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(suspensions.CheckArrears().value_or(-1), 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 30, 10, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(suspensions.CheckArrears().value_or(-1), 1) << "the day after 90 days of grace from 2026-09-30";
}

TEST_P(ContributionCallsTest, NoCallIsDueBeforeTheEndOfTheMonthItIsMadeIn) {
  // Rules where a period is due on its own last day: July called on 10 September would be due
  // with August's call (31 August, past) but for this rule.
  absl::StatusOr<ContributionRules> rules = ContributionRules::Parse(R"({"programs": {"amo-tns": {
      "payer": "INSURED", "rate_basis_points": 637, "due_months_after_period": 0, "grace_days": 90,
      "reference_income_centimes": {"AGRI": 150000, "CPU": 250000, "AE": 200000, "MED": 700000, "PHARM": 600000,
        "DENT": 600000, "PARAMED": 300000, "NOTARY": 700000, "TAXI": 200000, "ARTISAN": 200000,
        "MERCHANT": 250000}}}})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  AddInsured("100000017", absl::CivilDay(2025, 6, 1));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 9, 10, 10, 0, 0), absl::UTCTimeZone()));
  ContributionCalls calls(*db_, *rules, {"contributions", &clock_, &random_}, {1000, {"amo-tns"}});
  for (const char* period : {"2026-07", "2026-09"}) ASSERT_TRUE(calls.CallPeriod(period).ok());
  std::map<std::string, std::string> due;
  for (const Call& c : CallsOf("100000017")) due[FormatPeriod(c.period)] = FormatDay(c.due_date);
  EXPECT_EQ(due["2026-07"], "2026-09-30") << "due 2026-07-31 if called on time";
  EXPECT_EQ(due["2026-09"], "2026-09-30") << "called on time";
}

INSTANTIATE_BACKENDS(ContributionCallsTest);

}  // namespace
}  // namespace himaya::contributions
