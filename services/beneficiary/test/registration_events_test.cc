// Registration's events through the inbox, on both backends: insured persons, merges in either
// order with registrations, household members recorded pending, and nothing applied twice.
#include "beneficiary/src/registration_events.h"

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "events/inbox.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

namespace reg = himaya::registration::v1;
using google::protobuf::util::TimeUtil;

class RegistrationEventsTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    inbox_ = std::make_unique<events::InboxHandler>(*db_, "beneficiary", applier_, clock_);
  }
  events::ConsumedMessage Message(const google::protobuf::Message& event, const std::string& program,
                                  const std::string& key) {
    events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, event, program, key);
    return {"himaya.registration." + program + ".v1", 0, offset_++, key, env.SerializeAsString()};
  }
  events::ConsumedMessage Registered(const std::string& number, const std::string& program = "amo-tns",
                                     absl::Time at = absl::FromCivil(absl::CivilSecond(2022, 4, 1, 9, 0, 0),
                                                                     absl::UTCTimeZone())) {
    reg::PersonRegistered e;
    e.set_registration_number(number);
    e.set_program(program);
    e.set_category("AGRI");
    e.set_city("Settat");
    e.set_region("Casablanca-Settat");
    *e.mutable_registered_at() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(at));
    return Message(e, program, number);
  }
  events::ConsumedMessage Merged(const std::string& number) {
    reg::PersonMerged e;
    e.set_registration_number(number);
    e.set_program("amo-tadamon");
    e.set_category("RAMED");
    *e.mutable_merged_at() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now()));
    return Message(e, "amo-tadamon", number);
  }
  events::ConsumedMessage Member(const std::string& head, const std::string& member_id,
                                 const std::string& relationship) {
    reg::HouseholdMemberDeclared e;
    e.set_head_registration_number(head);
    e.set_member_id(member_id);
    e.set_relationship(relationship);
    e.set_program("amo-tadamon");
    e.set_liaison_body("MAPMDREF");
    e.set_batch_id("B-1");
    return Message(e, "amo-tadamon", head);
  }
  std::optional<Insured> Find(const std::string& number) {
    return InWrite([&](storage::Transaction& tx) { return InsuredStore::Find(tx, number); });
  }
  static absl::TimeZone Casablanca() {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &zone));
    return zone;
  }
  int pending_wakes_ = 0;
  int64_t members_seen_at_wake_ = -1;  // what the woken loop would find, read outside the transaction
  RegistrationEvents applier_{clock_, Casablanca(), [this] {
                                ++pending_wakes_;
                                members_seen_at_wake_ = testing::Count(*db_, "SELECT COUNT(*) FROM beneficiaries");
                              }};
  std::unique_ptr<events::InboxHandler> inbox_;
  int64_t offset_ = 0;
};

TEST_P(RegistrationEventsTest, ARegisteredPersonIsInsuredOnceHoweverOftenDelivered) {
  events::ConsumedMessage m = Registered("100000017");
  EXPECT_EQ(*inbox_->Process(m), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(m), events::Outcome::kDuplicate);
  std::optional<Insured> got = Find("100000017");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->program, "amo-tns");
  EXPECT_EQ(got->region, "Casablanca-Settat");
  EXPECT_EQ(got->registered_on, absl::CivilDay(2022, 4, 1));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM enrolments"), 1);

  // The same event applied again without the inbox (a natural key holds it).
  events::Envelope env = *events::ParseEnvelope(m.value);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return applier_.Apply(tx, env); }).ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM insured"), 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM enrolments"), 1);
}

TEST_P(RegistrationEventsTest, DaysAreDaysInTheServicesTimeZone) {
  // Casablanca is UTC+1, except during Ramadan (2026-02-15 to 2026-03-22) at UTC+0.
  const absl::Time april_late = absl::FromCivil(absl::CivilSecond(2026, 4, 9, 23, 30, 0), absl::UTCTimeZone());
  const absl::Time march_late = absl::FromCivil(absl::CivilSecond(2026, 3, 9, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(*inbox_->Process(Registered("100000017", "amo-tns", april_late)), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(Registered("100000025", "amo-tns", march_late)), events::Outcome::kApplied);
  EXPECT_EQ(Find("100000017")->registered_on, absl::CivilDay(2026, 4, 10)) << "23:30 UTC is 00:30 in Casablanca";
  EXPECT_EQ(Find("100000025")->registered_on, absl::CivilDay(2026, 3, 9)) << "UTC+0 that day";
  // A household member's period starts on the event's day there too.
  clock_.Set(april_late);
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-1", "CHILD")), events::Outcome::kApplied);
  auto family = InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Family(tx, "100000017"); });
  ASSERT_EQ(family.size(), 1u);
  ASSERT_EQ(family[0].periods.size(), 1u);
  EXPECT_EQ(family[0].periods[0].start, absl::CivilDay(2026, 4, 10));
}

TEST_P(RegistrationEventsTest, AMergeBeforeTheRegistrationEndsAsOneInsuredInTwoPrograms) {
  EXPECT_EQ(*inbox_->Process(Merged("100000017")), events::Outcome::kApplied);
  std::optional<Insured> got = Find("100000017");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->registered);
  EXPECT_EQ(*inbox_->Process(Registered("100000017")), events::Outcome::kApplied);
  got = Find("100000017");
  EXPECT_TRUE(got->registered);
  EXPECT_EQ(got->program, "amo-tns");
  EXPECT_EQ(got->registered_on, absl::CivilDay(2022, 4, 1));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM enrolments WHERE registration_number = '100000017'"), 2);
  // And in the usual order, the same end.
  EXPECT_EQ(*inbox_->Process(Registered("100000025")), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(Merged("100000025")), events::Outcome::kApplied);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM enrolments WHERE registration_number = '100000025'"), 2);
  EXPECT_TRUE(Find("100000025")->registered);
}

TEST_P(RegistrationEventsTest, AHouseholdMemberWaitsForItsDetailsAndIsRecordedOnce) {
  EXPECT_EQ(*inbox_->Process(Registered("100000017", "amo-tadamon")), events::Outcome::kApplied);
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-1", "SPOUSE")), events::Outcome::kApplied);
  EXPECT_EQ(members_seen_at_wake_, 1) << "the loop is woken after the commit";
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-2", "CHILD")), events::Outcome::kApplied);
  EXPECT_EQ(members_seen_at_wake_, 2);
  // Registration published the first member again (a new event id: the inbox cannot tell).
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-1", "SPOUSE")), events::Outcome::kApplied);
  EXPECT_EQ(pending_wakes_, 2);
  auto family = InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Family(tx, "100000017"); });
  ASSERT_EQ(family.size(), 2u);
  EXPECT_EQ(family[0].beneficiary_id, "100000017-01");
  EXPECT_EQ(family[0].relationship, "SPOUSE");
  EXPECT_EQ(family[0].member_id, "M-1");
  EXPECT_EQ(family[0].source, "LIAISON_BATCH");
  EXPECT_EQ(family[0].program, "amo-tadamon");
  EXPECT_EQ(family[0].state, DependentState::kDetailsPending);
  ASSERT_EQ(family[0].periods.size(), 1u);
  EXPECT_EQ(family[0].periods[0].start, absl::CivilDay(2026, 3, 1)) << "from the event's day";
  EXPECT_EQ(family[1].beneficiary_id, "100000017-02");
  EXPECT_EQ(family[1].relationship, "CHILD");
}

TEST_P(RegistrationEventsTest, ABatchRolledBackWakesNothingAndTheMembersItKeepsWakeOnce) {
  // One event of the batch is refused for good: the batch rolls back, then each is applied alone.
  absl::Status error;
  EXPECT_EQ(inbox_->HandleBatch({Member("100000017", "M-1", "CHILD"), Member("100000017", "M-2", "COUSIN")}, &error),
            2u);
  EXPECT_TRUE(error.ok()) << error;
  EXPECT_EQ(pending_wakes_, 1);
  EXPECT_EQ(members_seen_at_wake_, 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM dead_letters"), 1);
}

TEST_P(RegistrationEventsTest, AHouseholdMemberOfAHeadNotSeenYetRecordsTheHead) {
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-1", "CHILD")), events::Outcome::kApplied);
  std::optional<Insured> head = Find("100000017");
  ASSERT_TRUE(head.has_value());
  EXPECT_FALSE(head->registered);
  EXPECT_EQ(head->program, "amo-tadamon");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM beneficiaries"), 1);
}

TEST_P(RegistrationEventsTest, BrokenEventsAreRejectedAndOtherTypesChangeNothing) {
  reg::PersonRegistered no_number;
  EXPECT_EQ(*inbox_->Process(Message(no_number, "amo-tns", "x")), events::Outcome::kRejected);
  reg::PersonMerged merged_without_number;
  EXPECT_EQ(*inbox_->Process(Message(merged_without_number, "amo-tns", "x")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Member("", "M-1", "CHILD")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Member("100000017", "", "CHILD")), events::Outcome::kRejected);
  EXPECT_EQ(*inbox_->Process(Member("100000017", "M-1", "COUSIN")), events::Outcome::kRejected);
  reg::AccountActivated activated;
  activated.set_registration_number("100000017");
  EXPECT_EQ(*inbox_->Process(Message(activated, "amo-tns", "100000017")), events::Outcome::kApplied);
  reg::BatchCompleted completed;
  EXPECT_EQ(*inbox_->Process(Message(completed, "amo-tns", "B-1")), events::Outcome::kApplied);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM insured"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM beneficiaries"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM dead_letters"), 5);
}

INSTANTIATE_BACKENDS(RegistrationEventsTest);

}  // namespace
}  // namespace himaya::beneficiary
