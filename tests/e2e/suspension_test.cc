// Coverage suspended for unpaid contributions, seen through eligibility and a claim, on the real
// stack: CoverageSuspended and CoverageRestored sent through the broker on the contributions
// topic, as the contributions service sends them, reach beneficiary; the insured and their child
// answer CONTRIBUTIONS_UNPAID on the suspended days and only then, a claim for care given on
// one is refused with that reason, and a restoration covers from its day while the suspended
// days stay answerable.
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "claims_e2e.h"
#include "core/clock.h"
#include "core/random.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "himaya/contributions/v1/events.pb.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace ben = himaya::beneficiary::v1;
namespace cl = himaya::claims::v1;
namespace contrib = himaya::contributions::v1;

class SuspensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = *std::move(started);
    beneficiary_ = ben::BeneficiaryService::NewStub(rpc::NewChannel(stack_->endpoint("beneficiary").grpc));
  }
  // Sends `event` for `number` on the contributions topic of amo-tns, as contributions would.
  void Send(const google::protobuf::Message& event, const std::string& number) {
    auto producer = events::KafkaProducer::Create({stack_->bootstrap_servers()});
    ASSERT_TRUE(producer.ok()) << producer.status();
    events::Envelope env = events::NewEnvelope({"contributions", &clock_, &random_}, event, "amo-tns", number);
    events::Record record{events::Topic(events::kContributionsDomain, "amo-tns"), number, env.SerializeAsString()};
    for (const absl::Status& s : (*producer)->Publish({record})) ASSERT_TRUE(s.ok()) << s;
  }
  // "covered", or the reason, of `id` on `date`.
  std::string On(const std::string& id, const std::string& date) {
    ben::EligibilityQuestion q;
    q.set_beneficiary_id(id);
    q.set_date(date);
    auto a = rpc::Call(*beneficiary_, &ben::BeneficiaryService::Stub::CheckEligibility, q);
    if (!a.ok()) return a.status().ToString();
    return a->covered() ? "covered" : a->reason();
  }
  // Waits until `id` answers `want` on `date`.
  void WaitFor(const std::string& id, const std::string& date, const std::string& want) {
    std::string last;
    EXPECT_TRUE(stack::WaitUntil([&] { return (last = On(id, date)) == want; }, absl::Seconds(60),
                                 absl::StrCat(id, " on ", date, " to be ", want))
                    .ok())
        << "last: " << last;
  }

  testing::TempDir dir_;
  std::unique_ptr<stack::LocalStack> stack_;
  std::unique_ptr<ben::BeneficiaryService::Stub> beneficiary_;
  core::SystemClock clock_;
  core::SystemRandom random_;
};

TEST_F(SuspensionTest, TheInsuredAndTheFamilyAreRefusedOnTheSuspendedDaysAndCoveredFromTheRestoration) {
  auto registered = e2e::RegisterInsured(*stack_, dir_.path(), 1, 77, "fr");
  ASSERT_TRUE(registered.ok()) << registered.status();
  const std::string insured = registered->at(0);
  ben::DeclareFamilyMemberRequest declare;
  declare.set_registration_number(insured);
  declare.set_relationship(ben::RELATIONSHIP_CHILD);
  declare.set_first_name("Sara");
  declare.set_last_name("Alaoui");
  declare.set_birth_date("2016-04-12");
  declare.set_sex("F");
  declare.set_declared_by("AGENT:agent.e2e");
  auto declared = rpc::Call(*beneficiary_, &ben::BeneficiaryService::Stub::DeclareFamilyMember, declare);
  ASSERT_TRUE(declared.ok()) << declared.status();
  const std::string child = declared->beneficiary().beneficiary_id();
  const std::string today = e2e::CasablancaToday();
  absl::CivilDay day;
  ASSERT_TRUE(absl::ParseCivilTime(today, &day));
  const std::string tomorrow = absl::FormatCivilTime(day + 1);
  ASSERT_EQ(On(insured, today), "covered");

  contrib::CoverageSuspended suspended;
  suspended.set_registration_number(insured);
  suspended.set_program("amo-tns");
  suspended.set_from_date(today);
  suspended.set_arrears_centimes(28665);
  suspended.set_oldest_unpaid_period("2026-07");
  Send(suspended, insured);
  WaitFor(insured, today, "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On(child, today), "CONTRIBUTIONS_UNPAID") << "the family with the insured";
  EXPECT_EQ(On(insured, tomorrow), "CONTRIBUTIONS_UNPAID") << "until restored";

  // A claim for care given on a suspended day is refused with the reason.
  auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(stack_->endpoint("claims").grpc));
  ASSERT_TRUE(e2e::ImportTestTariff(*claims).ok());
  const std::vector<e2e::ClaimsFileRow> rows = {{"E2E-SUSP-1", insured, child, today, today, "C", 1, "100.00"}};
  auto submitted = e2e::SubmitClaimsFile(*claims, "CASHPLUS", "CASHPLUS-SUSP-1", e2e::ClaimsCsv(rows), 1);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  cl::GetClaimRequest which;
  which.set_claim_id("E2E-SUSP-1");
  cl::Claim claim;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = rpc::Call(*claims, &cl::ClaimsService::Stub::GetClaim, which);
                    if (!got.ok()) return false;
                    claim = *got;
                    return claim.state() == "DECIDED";
                  },
                  absl::Seconds(120), "the file to be decided")
                  .ok())
      << claim.ShortDebugString();
  ASSERT_EQ(claim.items_size(), 1);
  EXPECT_EQ(claim.items(0).outcome(), "REJECTED");
  EXPECT_EQ(claim.items(0).reason(), "NOT_COVERED");
  EXPECT_EQ(claim.items(0).reason_detail(), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(claim.reimbursed_centimes(), 0);

  // Restored from tomorrow: covered from then on, today stays a suspended day.
  contrib::CoverageRestored restored;
  restored.set_registration_number(insured);
  restored.set_program("amo-tns");
  restored.set_from_date(tomorrow);
  restored.set_payment_id("PAY-E2E-1");
  Send(restored, insured);
  WaitFor(insured, tomorrow, "covered");
  EXPECT_EQ(On(child, tomorrow), "covered");
  EXPECT_EQ(On(insured, today), "CONTRIBUTIONS_UNPAID");
  EXPECT_EQ(On(child, today), "CONTRIBUTIONS_UNPAID");
}

}  // namespace
}  // namespace himaya
