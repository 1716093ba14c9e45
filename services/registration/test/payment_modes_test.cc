// Payment modes on both backends: a choice stored and shown masked, PaymentModeChosen in the
// outbox on the person's program's topic without the account, the same mode again changing and
// publishing nothing, a new mode replacing the old (kept in the history), every bad choice
// refused with its reason and field before anything is written, and whole accounts read many at
// once, in order, bounded.
#include "registration/src/payment_modes.h"

#include "intake_fixture.h"
#include "registration/src/payment_mode_store.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kRib[] = "007780000123456789012396";
constexpr char kOtherRib[] = "230810000012345678901231";

class PaymentModesTest : public IntakeTest {
 protected:
  void SetUp() override {
    IntakeTest::SetUp();
    if (HasFatalFailure()) return;
    modes_ = std::make_unique<PaymentModes>(*db_, Source(), [this] { ++commits_; });
    auto person =
        registrar_->Register({"BK300", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tadamon", "", "", "ar"});
    ASSERT_TRUE(person.ok()) << person.status();
    number_ = person->registration_number;
  }
  // The PaymentModeChosen events in the outbox, with their topics.
  std::vector<std::pair<std::string, v1::PaymentModeChosen>> Chosen() {
    std::vector<std::pair<std::string, v1::PaymentModeChosen>> out;
    for (auto& [topic, envelope] : OutboxRows()) {
      auto chosen = events::Unpack<v1::PaymentModeChosen>(envelope);
      if (chosen.ok()) out.emplace_back(topic, *chosen);
    }
    return out;
  }
  PaymentModeChoice Rib(const std::string& rib, const std::string& by = "PORTAL") {
    return {number_, PaymentMethod::kBankTransfer, rib, "", by};
  }
  PaymentModeChoice Wallet(const std::string& phone, const std::string& by = "AGENT:desk-7") {
    return {number_, PaymentMethod::kMobileWallet, "", phone, by};
  }

  std::unique_ptr<PaymentModes> modes_;
  std::string number_;
  int commits_ = 0;
};

TEST_P(PaymentModesTest, AChoiceIsStoredShownMaskedAndPublishedWithoutTheAccount) {
  const size_t before = OutboxRows().size();
  absl::StatusOr<ShownPaymentMode> chosen = modes_->Choose(Rib("007 780 0001234567890123 96"));
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->registration_number, number_);
  EXPECT_EQ(chosen->method, PaymentMethod::kBankTransfer);
  EXPECT_EQ(chosen->account_masked, "**** 2396");
  EXPECT_EQ(chosen->chosen_at, clock_.Now());
  EXPECT_EQ(chosen->chosen_by, "PORTAL");
  EXPECT_EQ(commits_, 1);

  auto shown = modes_->Get(number_);
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->account_masked, "**** 2396");
  EXPECT_EQ(shown->method, PaymentMethod::kBankTransfer);

  auto rows = OutboxRows();
  ASSERT_EQ(rows.size(), before + 1);
  const auto& [topic, envelope] = rows.back();
  EXPECT_EQ(topic, "himaya.registration.amo-tadamon.v1");
  EXPECT_EQ(envelope.program(), "amo-tadamon");
  EXPECT_EQ(envelope.aggregate_id(), number_);
  auto event = events::Unpack<v1::PaymentModeChosen>(envelope);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->registration_number(), number_);
  EXPECT_EQ(event->program(), "amo-tadamon");
  EXPECT_EQ(event->method(), "BANK_TRANSFER");
  EXPECT_EQ(event->chosen_by(), "PORTAL");
  EXPECT_EQ(event->chosen_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  // No part of the account anywhere in the envelope, not even its last four digits.
  const std::string bytes = envelope.SerializeAsString();
  for (absl::string_view part :
       {absl::string_view(kRib), absl::string_view(kRib).substr(6, 16), absl::string_view("2396")}) {
    EXPECT_THAT(bytes, Not(HasSubstr(part)));
  }
}

TEST_P(PaymentModesTest, TheSameModeAgainChangesNothingAndPublishesNothing) {
  ASSERT_TRUE(modes_->Choose(Rib(kRib)).ok());
  const size_t events = Chosen().size();
  const absl::Time first = clock_.Now();
  clock_.Advance(absl::Hours(3));
  // Typed differently, chosen by someone else: the same account.
  auto again = modes_->Choose(Rib("0077 8000 0123 4567 8901 2396", "AGENT:desk-7"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->chosen_at, first) << "the mode as it was chosen";
  EXPECT_EQ(again->chosen_by, "PORTAL");
  EXPECT_EQ(Chosen().size(), events);
  EXPECT_EQ(commits_, 1) << "nothing for the relay";
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   auto history = PaymentModeStore::History(tx, number_);
                   EXPECT_TRUE(history.ok() && history->empty());
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_P(PaymentModesTest, ANewModeReplacesTheOldWhichIsKept) {
  ASSERT_TRUE(modes_->Choose(Rib(kRib)).ok());
  clock_.Advance(absl::Hours(1));
  auto wallet = modes_->Choose(Wallet("0712345678"));
  ASSERT_TRUE(wallet.ok()) << wallet.status();
  EXPECT_EQ(wallet->method, PaymentMethod::kMobileWallet);
  EXPECT_EQ(wallet->account_masked, "**** 5678");
  EXPECT_EQ(wallet->chosen_by, "AGENT:desk-7");
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(modes_->Choose(Rib(kOtherRib)).ok()) << "another account of the same method";
  EXPECT_EQ(modes_->Get(number_)->account_masked, "**** 1231");

  const auto chosen = Chosen();
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[1].second.method(), "MOBILE_WALLET");
  EXPECT_EQ(chosen[1].second.chosen_by(), "AGENT") << "the kind of chooser, never the agent";
  EXPECT_THAT(chosen[1].second.SerializeAsString(), Not(HasSubstr("desk-7")));
  EXPECT_THAT(chosen[1].second.SerializeAsString(), Not(HasSubstr("12345678")));
  EXPECT_EQ(chosen[2].second.method(), "BANK_TRANSFER");
  EXPECT_EQ(commits_, 3);
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   auto history = PaymentModeStore::History(tx, number_);
                   EXPECT_TRUE(history.ok());
                   EXPECT_EQ(history->size(), 2u);
                   if (history->size() == 2) {
                     EXPECT_EQ((*history)[0].account, kRib);
                     EXPECT_EQ((*history)[1].account, "+212712345678");
                   }
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_P(PaymentModesTest, EveryBadChoiceIsRefusedWithItsReasonAndWritesNothing) {
  const size_t before = OutboxRows().size();
  struct Case {
    PaymentModeChoice choice;
    std::string prefix;
  };
  const std::vector<Case> cases = {
      {Rib("00778000012345678901239"), "RIB_LENGTH: rib: "},
      {Rib(""), "RIB_LENGTH: rib: "},
      {Rib("00778000012345678901239O"), "RIB_DIGITS: rib: "},
      {Rib("007780000123456789012395"), "RIB_KEY: rib: "},
      {Wallet("0512345678"), "WALLET_PHONE: wallet_phone: "},
      {Wallet(""), "WALLET_PHONE: wallet_phone: "},
      {{number_, PaymentMethod::kUnspecified, kRib, "", "PORTAL"}, "METHOD: method: "},
      {{number_, PaymentMethod::kBankTransfer, kRib, "0612345678", "PORTAL"}, "METHOD: wallet_phone: "},
      {{number_, PaymentMethod::kMobileWallet, kRib, "0612345678", "PORTAL"}, "METHOD: rib: "},
      {Rib(kRib, ""), "CHOSEN_BY: chosen_by: "},
      {Rib(kRib, "AGENT:"), "CHOSEN_BY: chosen_by: "},
  };
  for (const Case& c : cases) {
    const absl::Status status = modes_->Choose(c.choice).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(std::string(status.message()), StartsWith(c.prefix));
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("12345678"))) << "the account is never quoted";
  }
  PaymentModeChoice malformed = Rib(kRib);
  malformed.registration_number = "12";
  EXPECT_EQ(modes_->Choose(malformed).status().code(), absl::StatusCode::kInvalidArgument);
  PaymentModeChoice unknown = Rib(kRib);
  unknown.registration_number = identity::FormatRegistrationNumber(99999993);
  const absl::Status missing = modes_->Choose(unknown).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_THAT(std::string(missing.message()), StartsWith("registration_number: "));

  EXPECT_EQ(OutboxRows().size(), before);
  EXPECT_EQ(commits_, 0);
  EXPECT_EQ(modes_->Get(number_).status().code(), absl::StatusCode::kNotFound) << "none chosen";
  EXPECT_EQ(modes_->Get("12").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(PaymentModesTest, AccountsAreReadWholeInTheOrderAskedAndBounded) {
  auto other = registrar_->Register({"BK301", "Tazi", "Salma", "1992-02-02", "F", "", "amo-tns", "TAXI", "", "fr"});
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(modes_->Choose(Rib(kRib)).ok());
  PaymentModeChoice wallet{other->registration_number, PaymentMethod::kMobileWallet, "", "+212612345678", "PORTAL"};
  ASSERT_TRUE(modes_->Choose(wallet).ok());
  const std::string none = identity::FormatRegistrationNumber(99999993);

  auto accounts = modes_->Accounts({other->registration_number, none, number_, other->registration_number});
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  ASSERT_EQ(accounts->size(), 4u);
  EXPECT_EQ((*accounts)[0].registration_number, other->registration_number);
  EXPECT_EQ((*accounts)[0].method, PaymentMethod::kMobileWallet);
  EXPECT_EQ((*accounts)[0].account, "+212612345678");
  EXPECT_EQ((*accounts)[1].registration_number, none);
  EXPECT_EQ((*accounts)[1].method, PaymentMethod::kUnspecified) << "none chosen";
  EXPECT_EQ((*accounts)[1].account, "");
  EXPECT_EQ((*accounts)[2].method, PaymentMethod::kBankTransfer);
  EXPECT_EQ((*accounts)[2].account, kRib) << "the whole account";
  EXPECT_EQ((*accounts)[3].account, "+212612345678") << "asked twice, answered twice";
  EXPECT_TRUE(modes_->Accounts({})->empty());

  std::vector<std::string> thousand(kMaxPaymentAccounts, none);
  thousand[999] = number_;
  auto full = modes_->Accounts(thousand);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->size(), kMaxPaymentAccounts);
  EXPECT_EQ(full->back().account, kRib);
  thousand.push_back(none);
  const absl::Status too_many = modes_->Accounts(thousand).status();
  EXPECT_EQ(too_many.code(), absl::StatusCode::kInvalidArgument) << too_many;
  EXPECT_THAT(std::string(too_many.message()), HasSubstr("1000"));
  const absl::Status malformed = modes_->Accounts({number_, "not-a-number"}).status();
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument) << malformed;
  EXPECT_THAT(std::string(malformed.message()), StartsWith("registration_numbers[1]: "));
  EXPECT_THAT(std::string(malformed.message()), Not(HasSubstr("not-a-number")));
}

INSTANTIATE_BACKENDS(PaymentModesTest);

}  // namespace
}  // namespace himaya::registration
