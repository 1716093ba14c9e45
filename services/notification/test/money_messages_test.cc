// CoverageSuspended, CoverageRestored and AllowancePaid -> one SMS each to the insured, through
// the inbox, on both backends: recorded once per event with what its template needs (the day as
// DD/MM/YYYY, the month as MM/YYYY, the amount in dirhams), in the audience's language, sent by
// the dispatcher in French or Arabic; broken events dead-lettered, other events ignored.
#include "notification/src/money_messages.h"

#include <map>

#include "events/inbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/events.pb.h"
#include "himaya/contributions/v1/events.pb.h"
#include "notification/src/audience_store.h"
#include "notification/src/dispatcher.h"
#include "notification/src/message_store.h"
#include "notification/test/dispatch_fakes.h"
#include "notification/test/notification_database.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::notification {
namespace {

namespace contrib = himaya::contributions::v1;
using himaya::beneficiary::v1::AllowancePaid;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class MoneyMessagesTest : public NotificationDatabaseTest {
 protected:
  void SetUp() override {
    NotificationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 2, 10, 0, 0), absl::UTCTimeZone()));
  }
  template <typename Event>
  events::ConsumedMessage Consumed(const Event& e, const std::string& topic, const std::string& program,
                                   int64_t offset) {
    events::Envelope env =
        events::NewEnvelope({"contributions", &clock_, &random_}, e, program, e.registration_number());
    return {topic, 0, offset, e.registration_number(), env.SerializeAsString()};
  }
  events::ConsumedMessage Suspended(const std::string& number, const std::string& from, int64_t arrears,
                                    int64_t offset = 0) {
    contrib::CoverageSuspended e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_from_date(from);
    e.set_arrears_centimes(arrears);
    return Consumed(e, "himaya.contributions.amo-tns.v1", "amo-tns", offset);
  }
  events::ConsumedMessage Restored(const std::string& number, const std::string& from, int64_t offset = 0) {
    contrib::CoverageRestored e;
    e.set_registration_number(number);
    e.set_program("amo-tns");
    e.set_from_date(from);
    return Consumed(e, "himaya.contributions.amo-tns.v1", "amo-tns", offset);
  }
  events::ConsumedMessage Paid(const std::string& number, const std::string& month, int64_t paid, int64_t offset = 0) {
    AllowancePaid e;
    e.set_registration_number(number);
    e.set_program("family-allowances");
    e.set_run_id("AR-2026-10");
    e.set_month(month);
    e.set_children_with_right(4);
    e.set_amount_centimes(93600);
    e.set_paid_centimes(paid);
    return Consumed(e, "himaya.beneficiary.family-allowances.v1", "family-allowances", offset);
  }
  testing::FakeClock clock_;
  testing::SeededRandom random_{13};
  std::vector<std::string> recorded_;
  EventMessages::RecordedFn announce_ = [this](const std::string& program, const std::string& template_key) {
    recorded_.push_back(program + "/" + template_key);
  };
  CoverageMessages coverage_{clock_, random_, announce_};
  AllowanceMessages allowances_{clock_, random_, announce_};
};

TEST_P(MoneyMessagesTest, ASuspensionAndARestorationAreOneMessageEachHoweverOftenDelivered) {
  InAudience("100000017", "fr", clock_.Now());
  events::InboxHandler inbox(*db_, "notification-contributions", coverage_, clock_);
  events::ConsumedMessage suspended = Suspended("100000017", "2026-12-01", 28665);
  EXPECT_EQ(*inbox.Process(suspended), events::Outcome::kApplied);
  EXPECT_EQ(*inbox.Process(suspended), events::Outcome::kDuplicate);
  EXPECT_EQ(*inbox.Process(Restored("100000017", "2027-01-15", 1)), events::Outcome::kApplied);
  std::vector<Message> messages = MessagesOf("100000017");
  ASSERT_EQ(messages.size(), 2u);
  std::vector<DueMessage> due = DueAt(clock_.Now());
  ASSERT_EQ(due.size(), 2u);
  std::map<std::string, std::map<std::string, std::string>> values;
  for (const DueMessage& d : due) {
    EXPECT_EQ(d.message.language, "fr");
    EXPECT_EQ(d.message.program, "amo-tns");
    values[d.message.template_key] = d.message.template_values;
  }
  EXPECT_THAT(values["coverage_suspended"], ElementsAre(Pair("amount", "286.65"), Pair("date", "01/12/2026")));
  EXPECT_THAT(values["coverage_restored"], ElementsAre(Pair("date", "15/01/2027")));
  EXPECT_EQ(recorded_, (std::vector<std::string>{"amo-tns/coverage_suspended", "amo-tns/coverage_restored"}));
}

TEST_P(MoneyMessagesTest, AnAllowancePaidIsOneMessageWithTheMonthAndTheNetAmount) {
  InAudience("100000017", "ar", clock_.Now());
  events::InboxHandler inbox(*db_, "notification-allowances", allowances_, clock_);
  EXPECT_EQ(*inbox.Process(Paid("100000017", "2026-10", 90000)), events::Outcome::kApplied);
  std::vector<DueMessage> due = DueAt(clock_.Now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].message.template_key, "allowance_paid");
  EXPECT_EQ(due[0].message.program, "family-allowances");
  EXPECT_EQ(due[0].message.language, "ar");
  EXPECT_THAT(due[0].message.template_values, ElementsAre(Pair("amount", "900.00"), Pair("month", "10/2026")));
}

TEST_P(MoneyMessagesTest, BrokenEventsAreRejectedAndOtherEventsChangeNothing) {
  events::InboxHandler coverage(*db_, "notification-contributions", coverage_, clock_);
  events::InboxHandler allowances(*db_, "notification-allowances", allowances_, clock_);
  int64_t offset = 0;
  EXPECT_EQ(*coverage.Process(Suspended("", "2026-12-01", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*coverage.Process(Suspended("100000017", "2026-02-30", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*coverage.Process(Suspended("100000017", "1/12/2026", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*coverage.Process(Suspended("100000017", "2026-12-01", -1, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*coverage.Process(Restored("100000017", "", offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*allowances.Process(Paid("", "2026-10", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*allowances.Process(Paid("100000017", "2026-13", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*allowances.Process(Paid("100000017", "2026-1", 100, offset++)), events::Outcome::kRejected);
  EXPECT_EQ(*allowances.Process(Paid("100000017", "2026-10", -5, offset++)), events::Outcome::kRejected);
  contrib::ContributionCalled called;
  called.set_registration_number("100000017");
  called.set_period("2026-10");
  EXPECT_EQ(*coverage.Process(Consumed(called, "himaya.contributions.amo-tns.v1", "amo-tns", offset++)),
            events::Outcome::kApplied);
  EXPECT_TRUE(MessagesOf("100000017").empty());
  EXPECT_TRUE(MessagesOf("").empty());
  EXPECT_TRUE(recorded_.empty());
}

// Sent in the person's language: the texts say the day, the month and the amount.
TEST_P(MoneyMessagesTest, TheDispatcherSendsThemInFrenchAndArabic) {
  InAudience("100000017", "fr", clock_.Now());
  InAudience("100000025", "ar", clock_.Now());
  events::InboxHandler coverage(*db_, "notification-contributions", coverage_, clock_);
  events::InboxHandler allowances(*db_, "notification-allowances", allowances_, clock_);
  EXPECT_EQ(*coverage.Process(Suspended("100000017", "2026-12-01", 28665, 0)), events::Outcome::kApplied);
  EXPECT_EQ(*coverage.Process(Restored("100000025", "2027-01-15", 1)), events::Outcome::kApplied);
  EXPECT_EQ(*allowances.Process(Paid("100000025", "2026-10", 90000, 0)), events::Outcome::kApplied);
  FakeProvider provider;
  FakeDirectory directory;
  directory.phones = {{"100000017", "+212612345678"}, {"100000025", "+212712345678"}};
  Dispatcher dispatcher(*db_, provider, directory, Templates::Shipped(),
                        events::EventSource{"notification", &clock_, &random_}, DispatchOptions{});
  auto counts = dispatcher.DispatchOnce();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->submitted, 3);
  std::vector<std::string> to_fr, to_ar;
  for (const OutgoingSms& sms : provider.sent) (sms.to == "+212612345678" ? to_fr : to_ar).push_back(sms.text);
  ASSERT_EQ(to_fr.size(), 1u);
  EXPECT_THAT(to_fr[0], HasSubstr("suspendues depuis le 01/12/2026"));
  EXPECT_THAT(to_fr[0], HasSubstr("(286.65 DH)"));
  ASSERT_EQ(to_ar.size(), 2u);
  const std::string both = to_ar[0] + "\n" + to_ar[1];
  EXPECT_THAT(both, HasSubstr("ابتداء من 15/01/2027"));
  EXPECT_THAT(both, HasSubstr("عن شهر 10/2026"));
  EXPECT_THAT(both, HasSubstr("900.00 درهم"));
}

INSTANTIATE_BACKENDS(MoneyMessagesTest);

}  // namespace
}  // namespace himaya::notification
