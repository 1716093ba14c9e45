// The contributions service's events through the inbox, on both backends, seen through
// eligibility: a suspended insured and their family answer CONTRIBUTIONS_UNPAID on the suspended
// days and only then (from the registration day too); a restoration covers from its day (the suspended days stay
// answerable); a restoration before the suspension's first day forgets it; a second suspension while one is open
// changes nothing; nothing is applied twice; broken events are dead-lettered.
#include "beneficiary/src/contribution_events.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/eligibility.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "events/inbox.h"
#include "gtest/gtest.h"
#include "himaya/contributions/v1/events.pb.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

namespace contrib = himaya::contributions::v1;

class ContributionEventsTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    inbox_ = std::make_unique<events::InboxHandler>(*db_, "beneficiary-contributions", applier_, clock_);
    eligibility_ = std::make_unique<Eligibility>(*db_, FamilyRules::Shipped(), clock_);
    InWrite([&](storage::Transaction& tx) {
      return InsuredStore::RecordRegistered(
          tx, {"100000017", "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2022, 4, 1), true, 0});
    });
    Dependent d;
    d.beneficiary_id = DependentId("100000017", 1);
    d.registration_number = "100000017";
    d.relationship = kChild;
    d.first_name = "Sara";
    d.last_name = "Alaoui";
    d.birth_date = absl::CivilDay(2015, 6, 1);
    d.sex = "F";
    d.identity_key = IdentityKey(d.last_name, d.first_name, *d.birth_date);
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.declared_at = clock_.Now();
    d.periods.push_back({absl::CivilDay(2022, 5, 1), std::nullopt, "", ""});
    ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
  }
  events::ConsumedMessage Message(const google::protobuf::Message& event, const std::string& key) {
    events::Envelope env = events::NewEnvelope({"contributions", &clock_, &random_}, event, "amo-tns", key);
    return {"himaya.contributions.amo-tns.v1", 0, offset_++, key, env.SerializeAsString()};
  }
  events::ConsumedMessage Suspended(const std::string& from, const std::string& number = "100000017") {
    contrib::CoverageSuspended e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_from_date(from);
    e.set_arrears_centimes(45000);
    e.set_oldest_unpaid_period("2022-09");
    return Message(e, number);
  }
  events::ConsumedMessage Restored(const std::string& from, const std::string& number = "100000017") {
    contrib::CoverageRestored e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_from_date(from);
    e.set_payment_id("PAY-1");
    return Message(e, number);
  }
  // "covered", or the reason, of `id` on `date`; covered_until after a slash when known.
  std::string On(const std::string& id, const std::string& date) {
    absl::StatusOr<EligibilityAnswer> a = eligibility_->Check({id, date});
    EXPECT_TRUE(a.ok()) << a.status();
    if (!a.ok()) return "error";
    if (!a->covered) return a->reason;
    return a->covered_until ? absl::StrCat("covered/", FormatDay(*a->covered_until)) : "covered";
  }

  ContributionEvents applier_;
  std::unique_ptr<events::InboxHandler> inbox_;
  std::unique_ptr<Eligibility> eligibility_;
  int64_t offset_ = 0;
};

TEST_P(ContributionEventsTest, TheInsuredAndTheFamilyAreNotCoveredOnTheSuspendedDays) {
  EXPECT_EQ(*inbox_->Process(Suspended("2023-01-01")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2022-12-31"), "covered/2022-12-31") << "the day before is the last covered";
  EXPECT_EQ(On("100000017", "2023-01-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2024-06-30"), "CONTRIBUTIONS_UNPAID") << "until restored";
  EXPECT_EQ(On("100000017-01", "2022-12-31"), "covered/2022-12-31");
  EXPECT_EQ(On("100000017-01", "2023-01-01"), "CONTRIBUTIONS_UNPAID") << "the family with the insured";
  EXPECT_EQ(On("100000017", "2022-03-31"), "NOT_YET_COVERED") << "before registration, as before";
}

TEST_P(ContributionEventsTest, ARestorationCoversFromItsDayAndThePastStaysAnswerable) {
  ASSERT_EQ(*inbox_->Process(Suspended("2023-01-01")), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(Restored("2023-03-10")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2023-03-09"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017-01", "2023-03-09"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2023-03-10"), "covered");
  EXPECT_EQ(On("100000017-01", "2023-03-10"), "covered/2036-05-31") << "the child's own end again (21)";
  EXPECT_EQ(On("100000017", "2022-12-31"), "covered/2022-12-31");

  // Suspended again later: a second stretch, the first kept.
  EXPECT_EQ(*inbox_->Process(Suspended("2024-01-01")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2023-12-31"), "covered/2023-12-31");
  EXPECT_EQ(On("100000017", "2024-01-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2023-02-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_suspensions"), 2);
}

TEST_P(ContributionEventsTest, ASuspensionFromTheRegistrationDayIsSuspendedNotNotYetCovered) {
  ASSERT_EQ(*inbox_->Process(Suspended("2022-04-01")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2022-04-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2022-03-31"), "NOT_YET_COVERED") << "before registration, as before";
  EXPECT_EQ(*inbox_->Process(Restored("2022-04-02")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2022-04-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2022-04-02"), "covered");
  EXPECT_EQ(On("100000017-01", "2022-05-01"), "covered/2036-05-31");
}

TEST_P(ContributionEventsTest, ARestorationBeforeTheFirstSuspendedDayForgetsTheSuspension) {
  ASSERT_EQ(*inbox_->Process(Suspended("2023-01-01")), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(Restored("2023-01-01")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2023-01-01"), "covered");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_suspensions"), 0);
  // A restoration with nothing suspended changes nothing.
  EXPECT_EQ(*inbox_->Process(Restored("2023-02-01")), events::Outcome::kApplied);
  EXPECT_EQ(On("100000017", "2023-01-15"), "covered");
}

TEST_P(ContributionEventsTest, NothingIsAppliedTwiceAndAnOpenSuspensionHolds) {
  events::ConsumedMessage m = Suspended("2023-01-01");
  EXPECT_EQ(*inbox_->Process(m), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(m), events::Outcome::kDuplicate);
  // Another suspension while one is open (a later day): the first holds.
  EXPECT_EQ(*inbox_->Process(Suspended("2023-02-01")), events::Outcome::kApplied);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_suspensions"), 1);
  EXPECT_EQ(On("100000017", "2023-01-15"), "CONTRIBUTIONS_UNPAID");
  // The same event again without the inbox: still one.
  events::Envelope env = *events::ParseEnvelope(m.value);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return applier_.Apply(tx, env); }).ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_suspensions"), 1);
}

TEST_P(ContributionEventsTest, ASuspensionOfAnInsuredNotKnownYetHoldsOnceTheyAre) {
  EXPECT_EQ(*inbox_->Process(Suspended("2023-01-01", "100000025")), events::Outcome::kApplied);
  InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordRegistered(
        tx, {"100000025", "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2022, 4, 1), true, 0});
  });
  EXPECT_EQ(On("100000025", "2023-01-01"), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On("100000017", "2023-01-01"), "covered") << "nobody else";
}

TEST_P(ContributionEventsTest, BrokenEventsAreRejectedAndOtherTypesChangeNothing) {
  EXPECT_EQ(*inbox_->Process(Suspended("2023-01-01", "")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Suspended("2023-02-30")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Suspended("")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Restored("01/03/2023")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Restored("2023-03-01", "")), events::Outcome::kRejected);
  contrib::ContributionCalled called;
  called.set_registration_number("100000017");
  called.set_period("2023-01");
  EXPECT_EQ(*inbox_->Process(Message(called, "100000017")), events::Outcome::kApplied);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM coverage_suspensions"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM dead_letters"), 5);
  EXPECT_EQ(On("100000017", "2023-01-01"), "covered");
}

INSTANTIATE_BACKENDS(ContributionEventsTest);

}  // namespace
}  // namespace himaya::beneficiary
