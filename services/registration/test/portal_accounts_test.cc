// Portal accounts on both backends: opened with a code and a password (only its Argon2id hash
// kept; a bad password spends no attempt of the code), logins answered alike for a wrong
// password, an unknown number and an account not opened, the lock-out of a number known or not
// and its end, and neither password nor code in the log.
#include "registration/src/portal_accounts.h"

#include <sodium.h>

#include <sstream>

#include "core/log.h"
#include "intake_fixture.h"
#include "rpc/status.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPassword[] = "sel et poivre 2022";
constexpr PasswordHashing kCheap{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

class PortalAccountsTest : public IntakeTest {
 protected:
  void SetUp() override {
    IntakeTest::SetUp();
    if (HasFatalFailure()) return;
    codes_ = std::make_unique<ActivationCodes>(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
    accounts_ = Accounts(kCheap);
  }
  std::unique_ptr<PortalAccounts> Accounts(PasswordHashing hashing) {
    return std::make_unique<PortalAccounts>(*db_, *codes_, clock_, hashing, limits_);
  }
  // A registered person's number, with a code issued for it in `code`.
  std::string Registered(const std::string& cin, std::string* code) {
    auto p = registrar_->Register({cin, "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
    EXPECT_TRUE(p.ok()) << p.status();
    auto issued = codes_->Issue(p->registration_number);
    EXPECT_TRUE(issued.ok()) << issued.status();
    *code = issued->code;
    return p->registration_number;
  }
  std::string Opened(const std::string& cin) {
    std::string code;
    const std::string number = Registered(cin, &code);
    EXPECT_TRUE(accounts_->Activate(number, code, kPassword).ok());
    return number;
  }
  std::string StoredHash(const std::string& number) {
    std::string hash;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT password_hash FROM accounts "
                                                          "WHERE registration_number = $1",
                                                          {number}));
                     if (rows.size() == 1) hash = rows[0].Text(0);
                     return absl::OkStatus();
                   })
                    .ok());
    return hash;
  }

  LoginLimits limits_{.failures = 3, .window = absl::Minutes(15), .lockout = absl::Minutes(10)};
  std::unique_ptr<ActivationCodes> codes_;
  std::unique_ptr<PortalAccounts> accounts_;
};

TEST_P(PortalAccountsTest, ActivationKeepsOnlyTheHashOfThePasswordAndTheCodeIsConsumed) {
  std::string code;
  const std::string number = Registered("BK100", &code);
  ASSERT_TRUE(accounts_->Activate(number, code, kPassword).ok());
  const std::string stored = StoredHash(number);
  EXPECT_THAT(stored, StartsWith("$argon2id$"));
  EXPECT_THAT(stored, Not(HasSubstr("poivre")));
  EXPECT_TRUE(PasswordHasher::Verify(stored, kPassword));
  EXPECT_EQ(accounts_->Activate(number, code, kPassword).code(), absl::StatusCode::kFailedPrecondition)
      << "already active";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM activation_codes WHERE used_at_us IS NOT NULL"), 1);
  std::map<std::string, int> types;
  for (const auto& e : OutboxEvents()) {
    ++types[e.type()];
    EXPECT_EQ(e.SerializeAsString().find("poivre"), std::string::npos) << "no password in events";
  }
  EXPECT_EQ(types["himaya.registration.v1.AccountActivated"], 1);
}

TEST_P(PortalAccountsTest, ABadPasswordIsRefusedBeforeTheCodeAndSpendsNoAttempt) {
  std::string code;
  const std::string number = Registered("BK101", &code);
  const std::string wrong_code = code == "0000-0000" ? "1111-1111" : "0000-0000";
  for (const std::string& password : {std::string(), std::string(11, 'x'), std::string(129, 'x')}) {
    for (const std::string& typed : {code, wrong_code}) {
      absl::Status refused = accounts_->Activate(number, typed, password);
      EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << password.size();
      EXPECT_THAT(std::string(refused.message()), StartsWith("password: "));
    }
  }
  EXPECT_EQ(testing::Count(*db_, "SELECT attempts FROM activation_codes"), 0) << "no attempt spent";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM accounts"), 0);
  EXPECT_EQ(accounts_->Activate(number, "", kPassword).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(accounts_->Activate(number, code, kPassword).ok()) << "the code still works";
}

TEST_P(PortalAccountsTest, ALoginAnswersTheAccountOrOneRefusalForAnyWrongCredential) {
  const std::string number = Opened("BK102");
  absl::StatusOr<AuthenticatedAccount> account = accounts_->Authenticate(number, kPassword);
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->registration_number, number);
  EXPECT_EQ(account->program, "amo-tns");
  EXPECT_EQ(account->preferred_language, "ar");

  std::string code;
  const std::string not_opened = Registered("BK103", &code);
  const std::string unknown = identity::FormatRegistrationNumber(99999990);
  for (const auto& [who, password] : std::vector<std::pair<std::string, std::string>>{
           {number, "sel et poivre 2023"}, {number, "short"}, {unknown, kPassword}, {not_opened, kPassword}}) {
    absl::Status refused = accounts_->Authenticate(who, password).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << who;
    EXPECT_EQ(refused.message(), kInvalidCredentials) << "the same words for every case";
  }
  absl::Status malformed = accounts_->Authenticate("12345", kPassword).status();
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(malformed.message()), StartsWith("registration_number: "));
  EXPECT_EQ(accounts_->Authenticate(number, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(PortalAccountsTest, RepeatedFailuresLockANumberKnownOrNotUntilTheLockOutEnds) {
  const std::string known = Opened("BK104");
  const std::string unknown = identity::FormatRegistrationNumber(99999991);
  for (const std::string& number : {known, unknown}) {
    for (int i = 0; i < limits_.failures; ++i) {
      EXPECT_EQ(accounts_->Authenticate(number, "not the password").status().code(),
                absl::StatusCode::kUnauthenticated);
    }
    absl::Status locked = accounts_->Authenticate(number, kPassword).status();
    EXPECT_EQ(locked.code(), absl::StatusCode::kResourceExhausted) << "even the right password";
    EXPECT_EQ(locked.message(), kAccountLocked) << "the same words, known or not";
    ASSERT_TRUE(rpc::RetryAfterOf(locked).has_value());
    EXPECT_EQ(*rpc::RetryAfterOf(locked), limits_.lockout);
    clock_.Advance(absl::Minutes(4));
    EXPECT_EQ(*rpc::RetryAfterOf(accounts_->Authenticate(number, kPassword).status()), absl::Minutes(6))
        << "the wait shrinks; tries while locked do not extend it";
    clock_.Advance(absl::Minutes(6));
  }
  EXPECT_TRUE(accounts_->Authenticate(known, kPassword).ok()) << "the lock-out is over";
  EXPECT_EQ(accounts_->Authenticate(unknown, kPassword).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_P(PortalAccountsTest, ALockOutOutlastingTheWindowHoldsToItsEnd) {
  limits_ = {.failures = 2, .window = absl::Minutes(1), .lockout = absl::Minutes(30)};
  accounts_ = Accounts(kCheap);
  const std::string number = Opened("BK105");
  EXPECT_FALSE(accounts_->Authenticate(number, "not the password").ok());
  EXPECT_FALSE(accounts_->Authenticate(number, "not the password").ok());
  clock_.Advance(absl::Minutes(5));  // past the window, not the lock-out
  EXPECT_EQ(accounts_->Authenticate(number, kPassword).status().code(), absl::StatusCode::kResourceExhausted);
  clock_.Advance(absl::Minutes(26));
  EXPECT_TRUE(accounts_->Authenticate(number, kPassword).ok());
}

TEST_P(PortalAccountsTest, ASuccessForgetsTheFailuresAndFailuresOfAnOldWindowAreForgotten) {
  const std::string number = Opened("BK106");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < limits_.failures - 1; ++i) EXPECT_FALSE(accounts_->Authenticate(number, "nope nope nope").ok());
    EXPECT_TRUE(accounts_->Authenticate(number, kPassword).ok()) << round;
  }
  for (int i = 0; i < limits_.failures - 1; ++i) EXPECT_FALSE(accounts_->Authenticate(number, "nope nope nope").ok());
  clock_.Advance(limits_.window + absl::Seconds(1));
  EXPECT_FALSE(accounts_->Authenticate(number, "nope nope nope").ok());
  EXPECT_TRUE(accounts_->Authenticate(number, kPassword).ok()) << "a new window, a new count";
}

TEST_P(PortalAccountsTest, ConcurrentGuessesCannotPassTheLimit) {
  const std::string number = Opened("BK107");
  constexpr int kGuesses = 12;
  std::map<absl::StatusCode, int> answers =
      CallTogether(kGuesses, [&] { return accounts_->Authenticate(number, "not the password").status(); });
  EXPECT_EQ(answers[absl::StatusCode::kUnauthenticated], limits_.failures) << "passwords compared";
  EXPECT_EQ(answers[absl::StatusCode::kResourceExhausted], kGuesses - limits_.failures);
  EXPECT_EQ(answers.size(), 2u) << "nothing else";
}

TEST_P(PortalAccountsTest, AHashOfAnotherCostIsMadeAgainAtTheNextLogin) {
  const std::string number = Opened("BK108");
  const std::string before = StoredHash(number);
  const PasswordHashing dearer{kCheap.ops + 1, kCheap.memory_bytes * 2};
  std::unique_ptr<PortalAccounts> upgraded = Accounts(dearer);
  ASSERT_TRUE(upgraded->Authenticate(number, kPassword).ok());
  const std::string after = StoredHash(number);
  EXPECT_NE(after, before);
  EXPECT_FALSE(PasswordHasher(dearer).NeedsRehash(after));
  EXPECT_TRUE(upgraded->Authenticate(number, kPassword).ok());
  EXPECT_EQ(StoredHash(number), after) << "made again once";
}

TEST_P(PortalAccountsTest, NeitherPasswordNorCodeIsLogged) {
  std::ostringstream logged;
  log::SetSinkForTesting(&logged);
  std::string code;
  const std::string number = Registered("BK109", &code);
  const std::string wrong_code = code == "0000-0000" ? "1111-1111" : "0000-0000";
  EXPECT_FALSE(accounts_->Activate(number, wrong_code, kPassword).ok());
  EXPECT_FALSE(accounts_->Activate(number, code, "short").ok());
  EXPECT_TRUE(accounts_->Activate(number, code, kPassword).ok());
  EXPECT_TRUE(accounts_->Authenticate(number, kPassword).ok());
  for (int i = 0; i <= limits_.failures; ++i) EXPECT_FALSE(accounts_->Authenticate(number, "sel et poivre 2099").ok());
  log::SetSinkForTesting(nullptr);
  const std::string log = logged.str();
  EXPECT_THAT(log, HasSubstr("account activated")) << "the log was written here";
  std::string undashed = code;
  undashed.erase(std::remove(undashed.begin(), undashed.end(), '-'), undashed.end());
  for (const std::string& secret :
       {std::string(kPassword), std::string("sel et poivre 2099"), std::string("poivre"), code, undashed, wrong_code}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the log: " << secret;
  }
}

INSTANTIATE_BACKENDS(PortalAccountsTest);

}  // namespace
}  // namespace himaya::registration
