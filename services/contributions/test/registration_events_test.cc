// Registration's events through the inbox, on both backends: insured of programs with
// contributions recorded with their category, region and day; merges in either order with
// registrations; other programs and events acknowledged and ignored; nothing applied twice.
#include "contributions/src/registration_events.h"

#include "contributions/test/contributions_database.h"
#include "events/inbox.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"

namespace himaya::contributions {
namespace {

namespace reg = himaya::registration::v1;
using google::protobuf::util::TimeUtil;

class RegistrationEventsTest : public ContributionsDatabaseTest {
 protected:
  void SetUp() override {
    ContributionsDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    inbox_ = std::make_unique<events::InboxHandler>(*db_, "contributions", applier_, clock_);
  }
  events::ConsumedMessage Message(const google::protobuf::Message& event, const std::string& program,
                                  const std::string& key) {
    events::Envelope env = events::NewEnvelope({"registration", &clock_, &random_}, event, program, key);
    return {"himaya.registration." + program + ".v1", 0, offset_++, key, env.SerializeAsString()};
  }
  // Registered at 23:30 UTC on 2026-01-31: 2026-02-01 in Casablanca (UTC+1).
  events::ConsumedMessage Registered(const std::string& number, const std::string& program = "amo-tns") {
    reg::PersonRegistered e;
    e.set_registration_number(number);
    e.set_program(program);
    e.set_category("AGRI");
    e.set_city("Settat");
    e.set_region("Casablanca-Settat");
    *e.mutable_registered_at() = TimeUtil::SecondsToTimestamp(
        absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, 1, 31, 23, 30, 0), absl::UTCTimeZone())));
    return Message(e, program, number);
  }
  events::ConsumedMessage Merged(const std::string& number, const std::string& program = "amo-tadamon") {
    reg::PersonMerged e;
    e.set_registration_number(number);
    e.set_program(program);
    e.set_category("");
    *e.mutable_merged_at() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now()));
    return Message(e, program, number);
  }
  void Apply(const events::ConsumedMessage& m) {
    absl::StatusOr<events::Outcome> outcome = inbox_->Process(m);
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    last_outcome_ = *outcome;
  }
  std::vector<Insured> Find(const std::string& number) {
    return testing::InWrite(*db_, [&](storage::Transaction& tx) { return InsuredStore::Find(tx, number); });
  }

  absl::TimeZone zone_ = [] {
    absl::TimeZone z;
    EXPECT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &z));
    return z;
  }();
  RegistrationEvents applier_{ContributionRules::Shipped(), zone_};
  std::unique_ptr<events::InboxHandler> inbox_;
  int64_t offset_ = 0;
  events::Outcome last_outcome_ = events::Outcome::kApplied;
};

TEST_P(RegistrationEventsTest, ARegisteredInsuredIsKeptWithCategoryRegionAndTheDayInTheServicesZone) {
  Apply(Registered("100000017"));
  std::vector<Insured> found = Find("100000017");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].program, "amo-tns");
  EXPECT_EQ(found[0].category, "AGRI");
  EXPECT_EQ(found[0].region, "Casablanca-Settat");
  EXPECT_EQ(found[0].registered_on, absl::CivilDay(2026, 2, 1));
  EXPECT_EQ(found[0].source_event, "PersonRegistered");
}

TEST_P(RegistrationEventsTest, ProgramsWithoutContributionsAndOtherEventsAreAcknowledgedAndIgnored) {
  Apply(Registered("100000017", "family-allowances"));
  EXPECT_EQ(last_outcome_, events::Outcome::kApplied);
  reg::ActivationCodeRequested other;
  other.set_registration_number("100000025");
  other.set_program("amo-tns");
  Apply(Message(other, "amo-tns", "100000025"));
  EXPECT_EQ(last_outcome_, events::Outcome::kApplied);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM insured"), 0);
}

TEST_P(RegistrationEventsTest, AnEventAppliedTwiceChangesNothingAndAReplayedCopyNeither) {
  const events::ConsumedMessage m = Registered("100000017");
  Apply(m);
  Apply(m);
  EXPECT_EQ(last_outcome_, events::Outcome::kDuplicate);
  Apply(Registered("100000017"));  // the same registration under another event id
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM insured"), 1);
}

TEST_P(RegistrationEventsTest, AMergeAddsAProgramWithTheRegionAlreadyKnown) {
  Apply(Registered("100000017"));
  Apply(Merged("100000017"));
  std::vector<Insured> found = Find("100000017");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].program, "amo-tadamon");
  EXPECT_EQ(found[0].region, "Casablanca-Settat");
  EXPECT_EQ(found[0].registered_on, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(found[0].source_event, "PersonMerged");
  EXPECT_EQ(found[1].program, "amo-tns");
}

TEST_P(RegistrationEventsTest, ARegistrationAfterAMergeIntoTheSameProgramTakesTheRegistrationsDetails) {
  Apply(Merged("100000017", "amo-tns"));
  std::vector<Insured> found = Find("100000017");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].region, "");
  Apply(Registered("100000017"));
  found = Find("100000017");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].category, "AGRI");
  EXPECT_EQ(found[0].region, "Casablanca-Settat");
  EXPECT_EQ(found[0].registered_on, absl::CivilDay(2026, 2, 1));
  EXPECT_EQ(found[0].source_event, "PersonRegistered");
  Apply(Merged("100000017", "amo-tns"));  // a later merge into it changes nothing
  EXPECT_EQ(Find("100000017")[0].source_event, "PersonRegistered");
}

TEST_P(RegistrationEventsTest, AnEventWithoutItsNumberIsDeadLettered) {
  reg::PersonRegistered e;
  e.set_program("amo-tns");
  Apply(Message(e, "amo-tns", "k"));
  EXPECT_EQ(last_outcome_, events::Outcome::kRejected);
  reg::PersonMerged m;
  m.set_program("amo-tadamon");
  Apply(Message(m, "amo-tadamon", "k"));
  EXPECT_EQ(last_outcome_, events::Outcome::kRejected);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM insured"), 0);
}

INSTANTIATE_BACKENDS(RegistrationEventsTest);

}  // namespace
}  // namespace himaya::contributions
