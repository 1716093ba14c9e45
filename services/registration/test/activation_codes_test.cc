// Activation codes on both backends: single use, expiring, limited attempts (concurrent guesses
// too), many codes and recipients in one call, only a keyed hash stored.
#include "registration/src/activation_codes.h"

#include "intake_fixture.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

class ActivationCodesTest : public IntakeTest {};

// What PortalAccounts hands over (the password's hash is its business: portal_accounts_test).
constexpr char kHash[] = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";

TEST_P(ActivationCodesTest, ActivationCodesAreSingleUseExpiringAndLimited) {
  auto p = registrar_->Register({"BK77", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto first = codes.Issue(n);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->code, ::testing::MatchesRegex("[0-9A-Z]{4}-[0-9A-Z]{4}"));
  ExpectOnlyTheKeyedHashIsStored(n, first->code);
  auto second = codes.Issue(n);  // replaces the first
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(codes.Activate(n, first->code, kHash).code(), absl::StatusCode::kPermissionDenied);
  std::string typed = absl::AsciiStrToLower(second->code);
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  EXPECT_TRUE(codes.Activate(n, typed, kHash).ok()) << "case and separators do not matter";
  EXPECT_EQ(codes.Activate(n, second->code, kHash).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(codes.Issue(n).status().code(), absl::StatusCode::kFailedPrecondition) << "already active";
  EXPECT_EQ(codes.Issue("100000025").status().code(), absl::StatusCode::kNotFound);

  auto q = registrar_->Register({"BK78", "Tazi", "Houda", "1991-09-09", "F", "", "amo-tns", "TAXI", "", ""});
  auto limited = codes.Issue(q->registration_number);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(codes.Activate(q->registration_number, "0000-0000", kHash).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(codes.Activate(q->registration_number, limited->code, kHash).code(), absl::StatusCode::kFailedPrecondition)
      << "five wrong attempts spend the code";
  auto expiring = codes.Issue(q->registration_number);
  clock_.Advance(absl::Hours(24 * 31));
  EXPECT_EQ(codes.Activate(q->registration_number, expiring->code, kHash).code(),
            absl::StatusCode::kFailedPrecondition);
  std::map<std::string, int> types;
  for (const auto& e : OutboxEvents()) ++types[e.type()];
  EXPECT_EQ(types["himaya.registration.v1.AccountActivated"], 1);
  for (const auto& e : OutboxEvents()) {
    EXPECT_EQ(e.SerializeAsString().find(second->code.substr(0, 4)), std::string::npos) << "no code in events";
  }
}

TEST_P(ActivationCodesTest, ManyCodesAndRecipientsInOneCallEachWithItsOwnAnswer) {
  auto a =
      registrar_->Register({"BK80", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
  auto b = registrar_->Register({"BK81", "Tazi", "Houda", "1991-09-09", "F", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(a.ok() && b.ok());
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto active = codes.Issue(b->registration_number);
  ASSERT_TRUE(codes.Activate(b->registration_number, active->code, kHash).ok());
  auto old = codes.Issue(a->registration_number);
  ASSERT_TRUE(old.ok());

  auto issued = codes.PrepareRecipients({{a->registration_number, true},
                                         {"000000000", true},
                                         {b->registration_number, true},
                                         {a->registration_number, true}});
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_EQ(issued->size(), 4u);
  EXPECT_TRUE((*issued)[0].code.has_value());
  EXPECT_FALSE((*issued)[1].person.has_value()) << "nobody has this number";
  EXPECT_TRUE((*issued)[2].account_active) << "already active";
  EXPECT_FALSE((*issued)[2].code.has_value());
  ASSERT_TRUE((*issued)[3].code.has_value());
  EXPECT_NE((*issued)[0].code->code, (*issued)[3].code->code);
  EXPECT_EQ(codes.Activate(a->registration_number, old->code, kHash).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(codes.Activate(a->registration_number, (*issued)[0].code->code, kHash).code(),
            absl::StatusCode::kPermissionDenied)
      << "the last code issued is the one that works";
  EXPECT_TRUE(codes.Activate(a->registration_number, (*issued)[3].code->code, kHash).ok());

  // Without codes: the persons only, and nothing issued.
  auto persons =
      codes.PrepareRecipients({{b->registration_number, false}, {"000000000", false}, {a->registration_number, false}});
  ASSERT_TRUE(persons.ok());
  ASSERT_EQ(persons->size(), 3u);
  EXPECT_EQ((*persons)[0].person->cin, "BK81");
  EXPECT_FALSE((*persons)[1].person.has_value());
  EXPECT_EQ((*persons)[2].person->phone, "+212612345678");
  EXPECT_EQ((*persons)[2].person->preferred_language, "ar");
  EXPECT_FALSE((*persons)[2].code.has_value());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM activation_codes WHERE used_at_us IS NULL"), 0)
      << "no code issued when none was asked for";

  // Too many at once.
  std::vector<RecipientQuery> too_many(kMaxRecipientQueries + 1, RecipientQuery{a->registration_number, false});
  auto refused = codes.PrepareRecipients(too_many);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("at most 1000"));
}

TEST_P(ActivationCodesTest, ThePasswordIsHashedOnlyOnceTheCodeIsRight) {
  auto p = registrar_->Register({"BK83", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto issued = codes.Issue(n);
  ASSERT_TRUE(issued.ok());
  int hashed = 0;
  auto hash_password = [&]() -> absl::StatusOr<std::string> {
    ++hashed;
    return std::string(kHash);
  };
  const std::string wrong = issued->code == "0000-0000" ? "1111-1111" : "0000-0000";
  EXPECT_EQ(codes.Activate(n, wrong, hash_password).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(hashed, 0) << "a wrong code costs no hash";
  EXPECT_EQ(codes.Activate("000000000", wrong, hash_password).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(hashed, 0) << "nor does a number without a code";
  EXPECT_EQ(codes
                .Activate(n, issued->code,
                          [&]() -> absl::StatusOr<std::string> {
                            ++hashed;
                            return absl::ResourceExhaustedError("no memory for the hash");
                          })
                .code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM accounts"), 0) << "no account without its hash";
  EXPECT_TRUE(codes.Activate(n, issued->code, hash_password).ok()) << "the code is still good";
  EXPECT_EQ(hashed, 2);
  EXPECT_EQ(codes.Activate(n, issued->code, hash_password).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(hashed, 2) << "a used code costs no hash";
}

TEST_P(ActivationCodesTest, ACodeUsedOrReplacedWhileThePasswordIsHashedOpensNothing) {
  auto p = registrar_->Register({"BK84", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto first = codes.Issue(n);
  ASSERT_TRUE(first.ok());
  std::optional<IssuedCode> newer;
  absl::Status replaced = codes.Activate(n, first->code, [&]() -> absl::StatusOr<std::string> {
    auto again = codes.Issue(n);  // a resend while the password is hashed
    if (again.ok()) newer = *again;
    return std::string(kHash);
  });
  EXPECT_EQ(replaced.code(), absl::StatusCode::kFailedPrecondition) << replaced;
  EXPECT_THAT(std::string(replaced.message()), HasSubstr("replaced"));
  ASSERT_TRUE(newer.has_value());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM accounts"), 0);

  absl::Status used = codes.Activate(n, newer->code, [&]() -> absl::StatusOr<std::string> {
    EXPECT_TRUE(codes.Activate(n, newer->code, kHash).ok()) << "the same code sent twice at once";
    return std::string(kHash);
  });
  EXPECT_EQ(used.code(), absl::StatusCode::kFailedPrecondition) << used;
  EXPECT_THAT(std::string(used.message()), HasSubstr("already used"));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM accounts"), 1) << "opened once";
}

TEST_P(ActivationCodesTest, ConcurrentWrongGuessesCannotPassTheAttemptLimit) {
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  const int limit = ReferenceData::Shipped().activation_code_max_attempts;
  // Several persons, since one round of a race may happen to line up.
  for (int person = 0; person < 4; ++person) {
    auto p = registrar_->Register(
        {absl::StrCat("BK9", person), "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
    ASSERT_TRUE(p.ok());
    auto code = codes.Issue(p->registration_number);
    ASSERT_TRUE(code.ok());
    const std::string wrong = code->code == "0000-0000" ? "1111-1111" : "0000-0000";
    constexpr int kGuesses = 24;
    std::atomic<int> ready{0};
    std::atomic<int> denied{0}, refused{0}, other{0};
    std::vector<std::thread> guessers;
    for (int i = 0; i < kGuesses; ++i) {
      guessers.emplace_back([&] {
        ++ready;
        while (ready.load() < kGuesses) std::this_thread::yield();  // all start together
        absl::Status s = codes.Activate(p->registration_number, wrong, kHash);
        if (absl::IsPermissionDenied(s)) {
          ++denied;
        } else if (absl::IsFailedPrecondition(s)) {
          ++refused;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : guessers) t.join();
    EXPECT_EQ(denied.load(), limit) << "wrong guesses compared with the code, person " << person;
    EXPECT_EQ(refused.load(), kGuesses - limit);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(testing::Count(*db_, "SELECT attempts FROM activation_codes WHERE registration_number = '" +
                                       p->registration_number + "'"),
              limit);
    EXPECT_EQ(codes.Activate(p->registration_number, code->code, kHash).code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST_P(ActivationCodesTest, ANewCodeDoesNotResetTheWrongAttempts) {
  auto p = registrar_->Register({"BK91", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  const int limit = ReferenceData::Shipped().activation_code_max_attempts;
  for (int i = 0; i < limit; ++i) {
    auto issued = codes.Issue(n);  // a new code before every guess
    ASSERT_TRUE(issued.ok());
    const std::string wrong = issued->code == "0000-0000" ? "1111-1111" : "0000-0000";
    EXPECT_EQ(codes.Activate(n, wrong, kHash).code(), absl::StatusCode::kPermissionDenied) << i;
  }
  auto fresh = codes.Issue(n);
  ASSERT_TRUE(fresh.ok());
  absl::Status blocked = codes.Activate(n, fresh->code, kHash);
  EXPECT_EQ(blocked.code(), absl::StatusCode::kFailedPrecondition) << "even the right code, until the window ends";
  EXPECT_THAT(std::string(blocked.message()), HasSubstr("too many wrong attempts"));
  clock_.Advance(absl::Hours(ReferenceData::Shipped().activation_attempt_window_hours) + absl::Minutes(1));
  EXPECT_TRUE(codes.Activate(n, fresh->code, kHash).ok()) << "a new window, a new count";
}

INSTANTIATE_BACKENDS(ActivationCodesTest);

}  // namespace
}  // namespace himaya::registration
