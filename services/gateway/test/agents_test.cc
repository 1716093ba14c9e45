// Agents on both backends: accounts added with their checks (id, name, roles, password length),
// listed without hashes, disabled with their sessions revoked; logins checked against the
// Argon2id hash, and the lock-out after repeated failures applied to a known, an unknown and a
// disabled id alike, with the same answers and a Retry-After, lifted after its time; concurrent
// wrong passwords cannot pass the limit.
#include "gateway/src/agents.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gateway/src/api_error.h"
#include "gateway/src/sessions.h"
#include "gateway_database.h"
#include "gmock/gmock.h"
#include "rpc/status.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPassword[] = "a long passphrase";

class AgentsTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    agents_ = std::make_unique<Agents>(*db_, clock_, PasswordCost::Minimum(),
                                       LockoutPolicy{.max_failures = 3, .lock_for = absl::Minutes(15)});
  }
  absl::StatusOr<AgentView> AddAmal() {
    return agents_->Add({"agent.amal", "Amal Idrissi", {"support", "supervisor"}, kPassword});
  }
  static void ExpectInvalidCredentials(const absl::StatusOr<AgentView>& login) {
    EXPECT_TRUE(absl::IsUnauthenticated(login.status())) << login.status();
    EXPECT_EQ(login.status().message(), "INVALID_CREDENTIALS: the id or the password is wrong");
  }
  static void ExpectLocked(const absl::StatusOr<AgentView>& login, absl::Duration retry_after) {
    EXPECT_TRUE(absl::IsResourceExhausted(login.status())) << login.status();
    EXPECT_THAT(std::string(login.status().message()), StartsWith("ACCOUNT_LOCKED: "));
    EXPECT_EQ(rpc::RetryAfterOf(login.status()), retry_after);
  }
  std::unique_ptr<Agents> agents_;
};

TEST_P(AgentsTest, AnAgentAddedIsListedWithoutItsPasswordAndRolesSorted) {
  auto added = AddAmal();
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->roles, (std::vector<std::string>{"supervisor", "support"}));
  EXPECT_FALSE(added->disabled);
  EXPECT_EQ(added->created_at, clock_.Now());
  ASSERT_TRUE(agents_->Add({"agent.badr", "Badr", {"support", "support"}, kPassword}).ok());
  auto listed = agents_->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].agent_id, "agent.amal");
  EXPECT_EQ((*listed)[0].display_name, "Amal Idrissi");
  EXPECT_EQ((*listed)[1].roles, std::vector<std::string>{"support"});
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM agents WHERE password_hash LIKE '$argon2id$%'"), 2);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM agents WHERE password_hash LIKE '%passphrase%'"), 0);
}

TEST_P(AgentsTest, EachBadFieldIsRefusedByName) {
  auto refused = [&](NewAgent agent, const std::string& says) {
    absl::StatusOr<AgentView> added = agents_->Add(agent);
    EXPECT_TRUE(absl::IsInvalidArgument(added.status())) << added.status();
    EXPECT_THAT(std::string(added.status().message()), StartsWith(says));
  };
  refused({"ab", "Amal", {"support"}, kPassword}, "agent_id: ");
  refused({"Agent.Amal", "Amal", {"support"}, kPassword}, "agent_id: ");
  refused({std::string(65, 'a'), "Amal", {"support"}, kPassword}, "agent_id: ");
  refused({"agent amal", "Amal", {"support"}, kPassword}, "agent_id: ");
  refused({"agent.amal", "", {"support"}, kPassword}, "display_name: ");
  refused({"agent.amal", "Amal", {}, kPassword}, "roles: ");
  refused({"agent.amal", "Amal", {"admin"}, kPassword}, "roles: ");
  refused({"agent.amal", "Amal", {"support"}, "eleven char"}, "password: at least 12");
  refused({"agent.amal", "Amal", {"support"}, std::string(1025, 'p')}, "password: at most");
  EXPECT_TRUE(agents_->Add({"agent.amal", "Amal", {"support"}, "twelve chars"}).ok());
  auto again = AddAmal();
  EXPECT_TRUE(absl::IsAlreadyExists(again.status())) << again.status();
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("agent_id"));
}

TEST_P(AgentsTest, ALoginChecksThePassword) {
  ASSERT_TRUE(AddAmal().ok());
  auto ok = agents_->Authenticate("agent.amal", kPassword);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->agent_id, "agent.amal");
  EXPECT_EQ(ok->roles, (std::vector<std::string>{"supervisor", "support"}));
  ExpectInvalidCredentials(agents_->Authenticate("agent.amal", "a long passphrasE"));
  ExpectInvalidCredentials(agents_->Authenticate("agent.nobody", kPassword));
  ExpectInvalidCredentials(agents_->Authenticate(std::string(500, 'x'), kPassword));
}

TEST_P(AgentsTest, RepeatedFailuresLockAKnownIdEvenAgainstTheRightPasswordUntilTheTimeIsUp) {
  ASSERT_TRUE(AddAmal().ok());
  for (int i = 0; i < 3; ++i) ExpectInvalidCredentials(agents_->Authenticate("agent.amal", "wrong password"));
  ExpectLocked(agents_->Authenticate("agent.amal", kPassword), absl::Minutes(15));
  clock_.Advance(absl::Minutes(10));
  ExpectLocked(agents_->Authenticate("agent.amal", kPassword), absl::Minutes(5));
  clock_.Advance(absl::Minutes(5));
  EXPECT_TRUE(agents_->Authenticate("agent.amal", kPassword).ok()) << "unlocked when the time is up";
}

TEST_P(AgentsTest, ConcurrentWrongPasswordsCannotPassTheLimit) {
  ASSERT_TRUE(AddAmal().ok());
  // Several rounds, since one round of a race may happen to line up.
  for (int round = 0; round < 3; ++round) {
    constexpr int kGuesses = 12;
    std::atomic<int> ready{0}, wrong{0}, locked{0}, other{0};
    std::vector<std::thread> guessers;
    for (int i = 0; i < kGuesses; ++i) {
      guessers.emplace_back([&] {
        ++ready;
        while (ready.load() < kGuesses) std::this_thread::yield();  // all start together
        absl::StatusOr<AgentView> login = agents_->Authenticate("agent.amal", "wrong password");
        if (absl::IsUnauthenticated(login.status())) {
          ++wrong;
        } else if (absl::IsResourceExhausted(login.status())) {
          ++locked;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : guessers) t.join();
    EXPECT_EQ(wrong.load(), 3) << "passwords checked, round " << round;
    EXPECT_EQ(locked.load(), kGuesses - 3);
    EXPECT_EQ(other.load(), 0);
    ExpectLocked(agents_->Authenticate("agent.amal", kPassword), absl::Minutes(15));
    clock_.Advance(absl::Minutes(15));
    ASSERT_TRUE(agents_->Authenticate("agent.amal", kPassword).ok()) << "unlocked when the time is up";
  }
}

TEST_P(AgentsTest, AnUnknownIdLocksLikeAKnownOne) {
  for (int i = 0; i < 3; ++i) ExpectInvalidCredentials(agents_->Authenticate("agent.nobody", kPassword));
  ExpectLocked(agents_->Authenticate("agent.nobody", kPassword), absl::Minutes(15));
}

TEST_P(AgentsTest, ASuccessForgetsEarlierFailures) {
  ASSERT_TRUE(AddAmal().ok());
  for (int i = 0; i < 2; ++i) ExpectInvalidCredentials(agents_->Authenticate("agent.amal", "wrong password"));
  ASSERT_TRUE(agents_->Authenticate("agent.amal", kPassword).ok());
  for (int i = 0; i < 2; ++i) ExpectInvalidCredentials(agents_->Authenticate("agent.amal", "wrong password"));
  EXPECT_TRUE(agents_->Authenticate("agent.amal", kPassword).ok()) << "two failures since the success: not locked";
}

TEST_P(AgentsTest, ADisabledAgentCannotLogInAndItsSessionsAreRevoked) {
  ASSERT_TRUE(AddAmal().ok());
  Sessions sessions(*db_, clock_, SessionOptions{});
  auto opened = sessions.Open(SessionKind::kAgent, "agent.amal", {"support"});
  ASSERT_TRUE(opened.ok());
  auto disabled = agents_->Disable("agent.amal");
  ASSERT_TRUE(disabled.ok()) << disabled.status();
  EXPECT_TRUE(disabled->disabled);
  EXPECT_TRUE(absl::IsUnauthenticated(sessions.Resume(opened->token).status()));
  ExpectInvalidCredentials(agents_->Authenticate("agent.amal", kPassword));
  EXPECT_TRUE(agents_->Disable("agent.amal").ok()) << "disabling again is no error";
  auto unknown = agents_->Disable("agent.nobody");
  EXPECT_TRUE(absl::IsNotFound(unknown.status())) << unknown.status();
}

TEST_P(AgentsTest, FailuresIdleLongerThanTheLockOutAreForgotten) {
  ExpectInvalidCredentials(agents_->Authenticate("agent.nobody", kPassword));
  clock_.Advance(absl::Minutes(10));
  ExpectInvalidCredentials(agents_->Authenticate("agent.other", kPassword));
  clock_.Advance(absl::Minutes(6));
  auto purged = agents_->PurgeFailures();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM agent_login_failures WHERE agent_id = 'agent.other'"), 1);
}

INSTANTIATE_BACKENDS(AgentsTest);

}  // namespace
}  // namespace himaya::gateway
