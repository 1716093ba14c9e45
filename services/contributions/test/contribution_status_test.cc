// An insured's status on both backends: calls oldest first with what was paid, the balance, the
// arrears once a call's due date has passed (on the clock's day in the zone), and the refusals.
#include "contributions/src/contribution_status.h"

#include "contributions/test/contributions_database.h"
#include "gtest/gtest.h"

namespace himaya::contributions {
namespace {

class ContributionStatusTest : public ContributionsDatabaseTest {
 protected:
  // A call of `period` due on the last day of the month after it.
  void AddCall(const std::string& number, absl::CivilMonth period, int64_t amount, int64_t paid,
               const std::string& program = "amo-tns") {
    Call c{number,      program, period, Payer::kInsured, "AGRI", "", amount, paid, absl::CivilDay(period + 2) - 1,
           clock_.Now()};
    testing::InWrite(*db_, [&](storage::Transaction& tx) { return CallStore::InsertNew(tx, {c}); });
  }
  absl::StatusOr<ContributionStatus> Get(const std::string& number) {
    return ContributionStatuses(*db_, clock_, absl::UTCTimeZone()).Get(number);
  }
};

TEST_P(ContributionStatusTest, CallsOldestFirstWithTheBalanceAndTheArrearsPastTheirDueDate) {
  AddInsured("100000017", absl::CivilDay(2025, 12, 1));
  AddInsured("100000017", absl::CivilDay(2025, 12, 1), "amo-tadamon", "");
  AddCall("100000017", absl::CivilMonth(2026, 2), 9555, 0);      // due 2026-03-31: not yet
  AddCall("100000017", absl::CivilMonth(2025, 12), 9555, 9555);  // paid
  AddCall("100000017", absl::CivilMonth(2026, 1), 9555, 1000);   // due 2026-02-28: in arrears
  AddCall("100000017", absl::CivilMonth(2026, 1), 12740, 0, "amo-tadamon");
  AddCall("100000025", absl::CivilMonth(2026, 1), 9555, 0);
  absl::StatusOr<ContributionStatus> status = Get("100000017");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->registration_number, "100000017");
  ASSERT_EQ(status->calls.size(), 4u);
  EXPECT_EQ(status->calls[0].period, absl::CivilMonth(2025, 12));
  EXPECT_EQ(status->calls[1].period, absl::CivilMonth(2026, 1));
  EXPECT_EQ(status->calls[1].program, "amo-tadamon");
  EXPECT_EQ(status->calls[2].program, "amo-tns");
  EXPECT_EQ(status->calls[2].paid_centimes, 1000);
  EXPECT_EQ(status->calls[3].period, absl::CivilMonth(2026, 2));
  EXPECT_EQ(status->balance_centimes, 8555 + 12740 + 9555);
  EXPECT_EQ(status->arrears_centimes, 8555 + 12740);
}

TEST_P(ContributionStatusTest, ACallIsInArrearsTheDayAfterItsDueDate) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 1));
  AddCall("100000017", absl::CivilMonth(2026, 1), 9555, 0);  // due 2026-02-28
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 2, 28, 23, 59, 59), absl::UTCTimeZone()));
  EXPECT_EQ(Get("100000017")->arrears_centimes, 0);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Get("100000017")->arrears_centimes, 9555);
}

TEST_P(ContributionStatusTest, AnInsuredWithoutCallsHasNothingOwed) {
  AddInsured("100000017", absl::CivilDay(2026, 1, 1));
  absl::StatusOr<ContributionStatus> status = Get("100000017");
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->calls.empty());
  EXPECT_EQ(status->balance_centimes, 0);
}

TEST_P(ContributionStatusTest, AnUnknownOrMalformedNumberIsRefused) {
  EXPECT_EQ(Get("100000017").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("100000018").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get("").status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_BACKENDS(ContributionStatusTest);

}  // namespace
}  // namespace himaya::contributions
