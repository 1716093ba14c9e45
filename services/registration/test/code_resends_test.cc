// New activation codes asked for on both backends: one event per accepted request (a unique
// request id, no code), the same answer for an unknown number or an open account (nothing
// sent), and the limits per number and per phone with their window and wait.
#include "registration/src/code_resends.h"

#include <sodium.h>

#include "intake_fixture.h"
#include "rpc/status.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

class CodeResendsTest : public IntakeTest {
 protected:
  std::string Registered(const std::string& cin, const std::string& phone) {
    auto p = registrar_->Register({cin, "Tazi", "Hamza", "1990-09-09", "M", phone, "amo-tns", "TAXI", "", ""});
    EXPECT_TRUE(p.ok()) << p.status();
    return p->registration_number;
  }
  std::vector<v1::ActivationCodeRequested> Requested() {
    std::vector<v1::ActivationCodeRequested> out;
    for (const auto& [topic, envelope] : OutboxRows()) {
      if (envelope.type() != events::EventType<v1::ActivationCodeRequested>()) continue;
      EXPECT_EQ(topic, "himaya.registration.amo-tns.v1");
      EXPECT_EQ(envelope.aggregate_id(), events::Unpack<v1::ActivationCodeRequested>(envelope)->registration_number());
      out.push_back(*events::Unpack<v1::ActivationCodeRequested>(envelope));
    }
    return out;
  }

  ResendLimits limits_{.per_number = 3, .per_phone = 5, .window = absl::Hours(24)};
};

TEST_P(CodeResendsTest, AnAcceptedRequestPublishesOneEventWithItsOwnIdAndNoCode) {
  const std::string number = Registered("BK200", "0612345678");
  int woken = 0;
  CodeResends resends(*db_, Source(), limits_, [&] { ++woken; });
  ASSERT_TRUE(resends.Request(number).ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(resends.Request(number).ok());
  std::vector<v1::ActivationCodeRequested> requested = Requested();
  ASSERT_EQ(requested.size(), 2u);
  EXPECT_EQ(requested[0].registration_number(), number);
  EXPECT_EQ(requested[0].program(), "amo-tns");
  EXPECT_FALSE(requested[0].request_id().empty());
  EXPECT_NE(requested[0].request_id(), requested[1].request_id());
  EXPECT_EQ(requested[1].requested_at().seconds() - requested[0].requested_at().seconds(), 60);
  EXPECT_EQ(woken, 2) << "the relay is woken";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM activation_codes"), 0)
      << "no code is made here: notification asks for one when it sends";
  for (const auto& e : OutboxEvents()) {
    EXPECT_EQ(e.SerializeAsString().find("612345678"), std::string::npos) << "no phone in the event";
  }
}

TEST_P(CodeResendsTest, AnUnknownNumberOrAnOpenAccountIsAnsweredAlikeAndNothingIsSent) {
  const std::string open = Registered("BK201", "0612345678");
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  ASSERT_TRUE(codes.Activate(open, codes.Issue(open)->code, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA").ok());
  const std::string no_phone = Registered("BK202", "");
  const std::string unknown = identity::FormatRegistrationNumber(99999992);
  CodeResends resends(*db_, Source(), limits_);
  for (const std::string& number : {open, no_phone, unknown}) {
    for (int i = 0; i < limits_.per_number; ++i) EXPECT_TRUE(resends.Request(number).ok()) << number;
    absl::Status limited = resends.Request(number);
    EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted) << "limited alike: " << number;
    EXPECT_EQ(limited.message(), kTooManyCodeRequests);
  }
  EXPECT_TRUE(Requested().empty());
  absl::Status malformed = resends.Request("123");
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(malformed.message()), HasSubstr("registration_number: "));
}

TEST_P(CodeResendsTest, RequestsPerNumberAreLimitedWithinTheWindowAndTheWaitSaysUntilWhen) {
  const std::string number = Registered("BK203", "0612345678");
  CodeResends resends(*db_, Source(), limits_);
  for (int i = 0; i < limits_.per_number; ++i) {
    ASSERT_TRUE(resends.Request(number).ok()) << i;
    clock_.Advance(absl::Hours(1));
  }
  absl::Status limited = resends.Request(number);
  EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(rpc::RetryAfterOf(limited).has_value());
  EXPECT_EQ(*rpc::RetryAfterOf(limited), absl::Hours(21)) << "until the oldest request leaves the window";
  clock_.Advance(absl::Hours(21));
  EXPECT_TRUE(resends.Request(number).ok()) << "the oldest has left the window";
  EXPECT_EQ(resends.Request(number).code(), absl::StatusCode::kResourceExhausted) << "the others have not";
  EXPECT_EQ(Requested().size(), 4u) << "one event per accepted request";
}

TEST_P(CodeResendsTest, CodesSentToOnePhoneAreLimitedWhicheverNumberAsks) {
  // A household sharing one phone.
  std::vector<std::string> numbers;
  for (int i = 0; i < 3; ++i) numbers.push_back(Registered(absl::StrCat("BK21", i), "0612345678"));
  const std::string elsewhere = Registered("BK219", "0698765432");
  CodeResends resends(*db_, Source(), limits_);
  int accepted = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& number : numbers) {
      if (resends.Request(number).ok()) ++accepted;
    }
  }
  EXPECT_EQ(accepted, limits_.per_phone);
  absl::Status limited = resends.Request(numbers[2]);
  EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.message(), kTooManyCodeRequests) << "the same words as the limit per number";
  EXPECT_TRUE(rpc::RetryAfterOf(limited).has_value());
  EXPECT_TRUE(resends.Request(elsewhere).ok()) << "another phone is not limited";
  clock_.Advance(limits_.window + absl::Seconds(1));
  EXPECT_TRUE(resends.Request(numbers[2]).ok()) << "a new window";
  EXPECT_EQ(Requested().size(), static_cast<size_t>(limits_.per_phone + 2));
}

TEST_P(CodeResendsTest, ConcurrentRequestsCannotPassTheLimit) {
  const std::string number = Registered("BK220", "0612345678");
  CodeResends resends(*db_, Source(), limits_);
  constexpr int kRequests = 10;
  std::map<absl::StatusCode, int> answers = CallTogether(kRequests, [&] { return resends.Request(number); });
  EXPECT_EQ(answers[absl::StatusCode::kOk], limits_.per_number);
  EXPECT_EQ(answers[absl::StatusCode::kResourceExhausted], kRequests - limits_.per_number);
  EXPECT_EQ(answers.size(), 2u) << "nothing else";
  EXPECT_EQ(Requested().size(), static_cast<size_t>(limits_.per_number));
}

TEST(CodeResendLimits, ALimitThatIsNotPositiveNamesItsFlag) {
  EXPECT_TRUE(CheckResendLimits({}).ok());
  EXPECT_THAT(std::string(CheckResendLimits({.per_number = 0}).message()), HasSubstr("code_requests_per_number"));
  EXPECT_THAT(std::string(CheckResendLimits({.per_phone = 0}).message()), HasSubstr("code_requests_per_phone"));
  EXPECT_THAT(std::string(CheckResendLimits({.window = absl::ZeroDuration()}).message()),
              HasSubstr("code_request_window"));
}

INSTANTIATE_BACKENDS(CodeResendsTest);

}  // namespace
}  // namespace himaya::registration
