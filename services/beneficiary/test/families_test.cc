// Families under concurrent calls, on both backends: two declarations into one family, two of
// one person into two families, a household decision beside a declaration of the same person.
// Each ends one after the other (the insured's row, then the person's identity rows, are taken
// before anything is checked): exactly one succeeds. On PostgreSQL the test holds the families'
// rows while the calls start, and lets go once every call waits on a lock, so that they all
// pass whatever they do before their first lock at the same time.
#include "beneficiary/src/families.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/synchronization/notification.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/household_details.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "core/status_macros.h"
#include "gtest/gtest.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

class FamiliesTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    families_ = std::make_unique<Families>(*db_, FamilyRules::Shipped(), registration_, clock_,
                                           events::EventSource{"beneficiary", &clock_, &random_});
    details_ = std::make_unique<HouseholdDetails>(*db_, FamilyRules::Shipped(), registration_, clock_,
                                                  events::EventSource{"beneficiary", &clock_, &random_});
    for (const char* number : {"100000017", "100000025"}) {
      InWrite([&](storage::Transaction& tx) {
        return InsuredStore::RecordRegistered(
            tx, {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2022, 4, 1), true, 0});
      });
    }
  }
  static Declaration Member(Relationship relationship, const std::string& first_name, const std::string& cin,
                            const std::string& number = "100000017") {
    Declaration d;
    d.registration_number = number;
    d.relationship = relationship;
    d.first_name = first_name;
    d.last_name = "Alaoui";
    d.birth_date = relationship == Relationship::kSpouse ? "1990-01-02" : "2015-06-01";
    d.sex = "F";
    d.cin = cin;
    d.start_date = "2026-03-01";
    return d;
  }
  // Runs `calls` at once, each on its own thread, and returns their statuses in order. On
  // PostgreSQL the rows of the insured `numbers` are held until every call waits on a lock.
  std::vector<absl::Status> AtOnce(const std::vector<std::string>& numbers,
                                   const std::vector<std::function<absl::Status()>>& calls) {
    std::vector<absl::Status> out(calls.size());
    absl::Notification held;
    absl::Notification release;
    std::thread holder;
    if (GetParam() == testing::Backend::kPostgres) {
      holder = std::thread([&] {
        absl::Status s = db_->Write([&](storage::Transaction& tx) -> absl::Status {
          for (const std::string& number : numbers) {
            RETURN_IF_ERROR(
                tx.Query("SELECT 1 FROM insured WHERE registration_number = $1 FOR UPDATE", {number}).status());
          }
          held.Notify();
          release.WaitForNotification();
          return absl::OkStatus();
        });
        EXPECT_TRUE(s.ok()) << s;
      });
      held.WaitForNotification();
    }
    std::atomic<size_t> ready{0};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < calls.size(); ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < calls.size()) std::this_thread::yield();  // all start together
        out[i] = calls[i]();
      });
    }
    if (holder.joinable()) {
      EXPECT_TRUE(testing::WaitForLockWaiters(*db_, static_cast<int64_t>(calls.size())).ok())
          << "every call waiting on a lock";
      release.Notify();
      holder.join();
    }
    for (std::thread& t : threads) t.join();
    return out;
  }
  absl::Status Declare(const Declaration& d) { return families_->Declare(d).status(); }
  int64_t Active(const std::string& where) {
    return testing::Count(*db_, "SELECT COUNT(*) FROM beneficiaries WHERE state = 'ACTIVE' AND " + where);
  }
  // The refusals' names among `statuses`, "OK" for a success, "ERROR" for another failure.
  static std::multiset<std::string> Outcomes(const std::vector<absl::Status>& statuses) {
    std::multiset<std::string> out;
    for (const absl::Status& s : statuses) {
      out.insert(s.ok() ? "OK" : RefusalOf(s) == RefusalCode::kNone ? "ERROR" : std::string(RefusalName(RefusalOf(s))));
    }
    return out;
  }
  FakeRegistrationDirectory registration_;
  std::unique_ptr<Families> families_;
  std::unique_ptr<HouseholdDetails> details_;
};

TEST_P(FamiliesTest, TwoSpousesDeclaredAtOnceNeverPassTheLimit) {
  for (const char* cin : {"BK1", "BK2", "BK3"}) {
    ASSERT_TRUE(Declare(Member(Relationship::kSpouse, cin, cin)).ok()) << cin;
  }
  std::vector<absl::Status> got =
      AtOnce({"100000017"}, {[&] { return Declare(Member(Relationship::kSpouse, "Zineb", "BK4")); },
                             [&] { return Declare(Member(Relationship::kSpouse, "Salma", "BK5")); }});
  EXPECT_EQ(Outcomes(got), (std::multiset<std::string>{"OK", "SPOUSE_LIMIT"})) << got[0] << " / " << got[1];
  EXPECT_EQ(Active("relationship = 'SPOUSE'"), 4);
}

TEST_P(FamiliesTest, OneChildDeclaredTwiceAtOnceIsDeclaredOnce) {
  std::vector<absl::Status> got =
      AtOnce({"100000017"}, {[&] { return Declare(Member(Relationship::kChild, "Sara", "")); },
                             [&] { return Declare(Member(Relationship::kChild, "Sara", "")); }});
  EXPECT_EQ(Outcomes(got), (std::multiset<std::string>{"OK", "ALREADY_DECLARED"})) << got[0] << " / " << got[1];
  EXPECT_EQ(Active("relationship = 'CHILD'"), 1);
}

TEST_P(FamiliesTest, OneChildDeclaredIntoTwoFamiliesAtOnceIsADependentOfOne) {
  std::vector<absl::Status> got = AtOnce(
      {"100000017", "100000025"}, {[&] { return Declare(Member(Relationship::kChild, "Sara", "BK7", "100000017")); },
                                   [&] { return Declare(Member(Relationship::kChild, "Sarah", "BK7", "100000025")); }});
  EXPECT_EQ(Outcomes(got), (std::multiset<std::string>{"OK", "ALREADY_DEPENDENT"})) << got[0] << " / " << got[1];
  EXPECT_EQ(Active("cin = 'BK7'"), 1);
}

TEST_P(FamiliesTest, AHouseholdMemberDecidedBesideTheSameChildsDeclarationIsCoveredOnce) {
  Dependent pending;
  pending.beneficiary_id = "100000017-01";
  pending.registration_number = "100000017";
  pending.relationship = kChild;
  pending.program = "amo-tns";
  pending.source = kSourceLiaisonBatch;
  pending.member_id = "M-1";
  pending.state = DependentState::kDetailsPending;
  pending.declared_at = clock_.Now();
  pending.periods.push_back({absl::CivilDay(2026, 3, 1), std::nullopt, "", ""});
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                RETURN_IF_ERROR(InsuredStore::TakeRank(tx, "100000017").status());
                return BeneficiaryStore::Insert(tx, pending);
              }).ok());
  MemberDetails member;
  member.member_id = "M-1";
  member.relationship = "CHILD";
  member.last_name = "Alaoui";
  member.first_name = "Sara";
  member.birth_date = "2015-06-01";
  member.sex = "F";
  registration_.AddMember(member);
  std::vector<absl::Status> got =
      AtOnce({"100000017"}, {[&] { return details_->DecideBatch().status(); },
                             [&] { return Declare(Member(Relationship::kChild, "Sara", "")); }});
  EXPECT_TRUE(got[0].ok()) << got[0];
  EXPECT_EQ(Active("relationship = 'CHILD'"), 1) << got[1];
  EXPECT_TRUE(got[1].ok() || RefusalOf(got[1]) == RefusalCode::kAlreadyDeclared) << got[1];
}

INSTANTIATE_BACKENDS(FamiliesTest);

}  // namespace
}  // namespace himaya::beneficiary
