// Liaison household members waiting for their details, on both backends: decided when
// registration answers (ACTIVE with BeneficiaryDeclared, or REFUSED with the code), left waiting
// while it cannot, and never decided twice.
#include "beneficiary/src/household_details.h"

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "core/status_macros.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/events.pb.h"
#include "stack/local_stack.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

class HouseholdDetailsTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    details_ = std::make_unique<HouseholdDetails>(
        *db_, FamilyRules::Shipped(), directory_, clock_, events::EventSource{"beneficiary", &clock_, &random_},
        HouseholdDetailsOptions{.batch_size = 2, .retry_after = absl::Milliseconds(10)}, [this] { ++published_; });
  }
  // A pending member of insured `number`, recorded as registration_events.cc does.
  void Pending(const std::string& number, int rank, const std::string& member_id, absl::string_view relationship) {
    Dependent d;
    d.beneficiary_id = DependentId(number, rank);
    d.registration_number = number;
    d.relationship = std::string(relationship);
    d.program = "amo-tadamon";
    d.source = kSourceLiaisonBatch;
    d.member_id = member_id;
    d.state = DependentState::kDetailsPending;
    d.declared_at = clock_.Now() + absl::Seconds(rank);
    d.periods.push_back({absl::CivilDay(2026, 3, 1), std::nullopt, "", ""});
    ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                  RETURN_IF_ERROR(
                      InsuredStore::RecordRegistered(tx, {number, "amo-tadamon", "RAMED", "Fes", "Fes-Meknes",
                                                          absl::CivilDay(2026, 2, 1), true, 0})
                          .status());
                  return BeneficiaryStore::Insert(tx, d);
                }).ok());
  }
  MemberDetails Details(const std::string& member_id, const std::string& first_name, const std::string& cin = "") {
    MemberDetails m;
    m.member_id = member_id;
    m.relationship = "CHILD";
    m.cin = cin;
    m.last_name = "Alaoui";
    m.first_name = first_name;
    m.birth_date = "2015-06-01";
    m.sex = "F";
    m.program = "amo-tadamon";
    return m;
  }
  std::optional<Dependent> Find(const std::string& id) {
    return InWrite([&](storage::Transaction& tx) { return BeneficiaryStore::Find(tx, id); });
  }
  std::vector<v1::BeneficiaryDeclared> Published() {
    std::vector<v1::BeneficiaryDeclared> out;
    for (const storage::Row& r : testing::Rows(*db_, "SELECT topic, payload FROM outbox ORDER BY id")) {
      EXPECT_EQ(r.Text(0), "himaya.beneficiary.amo-tadamon.v1");
      auto env = events::ParseEnvelope(r.Text(1));
      EXPECT_TRUE(env.ok());
      auto e = events::Unpack<v1::BeneficiaryDeclared>(*env);
      EXPECT_TRUE(e.ok());
      if (e.ok()) out.push_back(*e);
    }
    return out;
  }
  FakeRegistrationDirectory directory_;
  std::unique_ptr<HouseholdDetails> details_;
  int published_ = 0;
};

TEST_P(HouseholdDetailsTest, MembersBecomeDependentsWithTheirEventOnceRegistrationTellsWhoTheyAre) {
  Pending("100000017", 1, "M-1", kSpouse);
  Pending("100000017", 2, "M-2", kChild);
  Pending("100000017", 3, "M-3", kChild);
  MemberDetails spouse = Details("M-1", "Amina", "BK1");
  spouse.relationship = "SPOUSE";
  spouse.birth_date = "1990-01-02";
  directory_.AddMember(spouse);
  directory_.AddMember(Details("M-2", "Sara"));
  directory_.AddMember(Details("M-3", "Omar"));
  EXPECT_EQ(*details_->DecideBatch(), 2) << "two at a time";
  EXPECT_EQ(*details_->DecideBatch(), 1);
  EXPECT_EQ(*details_->DecideBatch(), 0);
  EXPECT_EQ(published_, 2);
  std::optional<Dependent> got = Find("100000017-01");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->state, DependentState::kActive);
  EXPECT_EQ(got->first_name, "Amina");
  EXPECT_EQ(got->cin, "BK1");
  EXPECT_EQ(got->identity_key, "NAME:ALAOUI|AMINA|1990-01-02");
  EXPECT_EQ(got->birth_date, absl::CivilDay(1990, 1, 2));
  EXPECT_EQ(Find("100000017-02")->identity_key, "NAME:ALAOUI|SARA|2015-06-01");
  std::vector<v1::BeneficiaryDeclared> events = Published();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].registration_number(), "100000017");
  EXPECT_EQ(events[0].beneficiary_id(), "100000017-01");
  EXPECT_EQ(events[0].relationship(), "SPOUSE");
  EXPECT_EQ(events[0].program(), "amo-tadamon");
  EXPECT_EQ(events[0].source(), "LIAISON_BATCH");
  EXPECT_EQ(events[0].start_date(), "2026-03-01");
  EXPECT_EQ(testing::Count(*db_, "SELECT family_version FROM insured WHERE registration_number = '100000017'"), 3);
}

TEST_P(HouseholdDetailsTest, WhileRegistrationCannotAnswerMembersWaitThenAreDecided) {
  Pending("100000017", 1, "M-1", kChild);
  directory_.AddMember(Details("M-1", "Sara"));
  for (absl::StatusCode code :
       {absl::StatusCode::kUnavailable, absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kUnimplemented}) {
    directory_.FailWith(absl::Status(code, "registration"));
    EXPECT_EQ(details_->DecideBatch().status().code(), code);
    EXPECT_EQ(Find("100000017-01")->state, DependentState::kDetailsPending);
  }
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 0);
  // The loop keeps trying, and decides once registration is back.
  details_->Start();
  directory_.FailWith(absl::OkStatus());
  ASSERT_TRUE(stack::WaitUntil([&] { return Find("100000017-01")->state == DependentState::kActive; },
                               absl::Seconds(10), "the member decided")
                  .ok());
  details_->Stop();
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 1);
}

TEST_P(HouseholdDetailsTest, EveryMemberEndsWithARecordedOutcome) {
  Pending("100000017", 1, "M-1", kChild);  // a child of another family already
  Pending("100000025", 1, "M-2", kChild);  // the same child again
  Pending("100000025", 2, "M-3", kChild);  // unknown to registration
  Pending("100000025", 3, "M-4", kChild);  // no valid birth date
  directory_.AddMember(Details("M-1", "Sara"));
  directory_.AddMember(Details("M-2", "Sara"));
  MemberDetails broken = Details("M-4", "Omar");
  broken.birth_date = "2015-02-30";
  directory_.AddMember(broken);
  while (*details_->DecideBatch() > 0) {
  }
  EXPECT_EQ(Find("100000017-01")->state, DependentState::kActive);
  std::optional<Dependent> again = Find("100000025-01");
  EXPECT_EQ(again->state, DependentState::kRefused);
  EXPECT_EQ(again->refusal, "ALREADY_DEPENDENT");
  EXPECT_EQ(Find("100000025-02")->refusal, "MEMBER_UNKNOWN");
  EXPECT_EQ(Find("100000025-03")->refusal, "DETAILS_INVALID");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM beneficiaries WHERE state = 'DETAILS_PENDING'"), 0);
  EXPECT_EQ(Published().size(), 1u) << "refused members publish nothing";
  EXPECT_EQ(testing::Count(*db_, "SELECT family_version FROM insured WHERE registration_number = '100000025'"), 0);
}

TEST_P(HouseholdDetailsTest, AMemberInsuredDirectlyOrInTheFamilyAlreadyIsRefused) {
  Pending("100000017", 1, "M-1", kChild);
  Pending("100000017", 2, "M-2", kChild);  // M-1 again, without the CIN
  Pending("100000025", 1, "M-3", kChild);  // a registered person's CIN
  directory_.AddMember(Details("M-1", "Sara", "BK1"));
  directory_.AddMember(Details("M-2", "Sara"));
  directory_.AddMember(Details("M-3", "Omar", "BK9"));
  directory_.AddRegisteredCin("BK9");
  while (*details_->DecideBatch() > 0) {
  }
  EXPECT_EQ(Find("100000017-01")->state, DependentState::kActive);
  EXPECT_EQ(Find("100000017-02")->refusal, "ALREADY_DECLARED");
  EXPECT_EQ(Find("100000025-01")->refusal, "DIRECTLY_INSURED");
  EXPECT_EQ(directory_.cin_calls(), 2) << "BK1 and BK9, asked before the transaction";
  EXPECT_EQ(Published().size(), 1u);
  // Registration cannot tell whether a CIN is registered: the member waits.
  Pending("100000033", 1, "M-4", kChild);
  directory_.AddMember(Details("M-4", "Nora", "BK4"));
  directory_.FailWith(absl::UnavailableError("down"));
  EXPECT_EQ(details_->DecideBatch().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Find("100000033-01")->state, DependentState::kDetailsPending);
}

INSTANTIATE_BACKENDS(HouseholdDetailsTest);

}  // namespace
}  // namespace himaya::beneficiary
