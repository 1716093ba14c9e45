// Payment modes: how an insured pays contributions and is paid allowances (a bank account by its
// RIB, or a mobile wallet by its phone). A choice replaces the earlier one (kept in the history)
// and publishes PaymentModeChosen, without the account, in the same transaction; the same mode
// chosen again changes nothing and publishes nothing. The owner sees the account masked; the
// services that pay read whole accounts, many at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "events/envelope.h"
#include "registration/src/payment_mode_rules.h"
#include "storage/database.h"

namespace himaya::registration {

// A choice as asked: the account of the method chosen only.
struct PaymentModeChoice {
  std::string registration_number;
  PaymentMethod method = PaymentMethod::kUnspecified;
  std::string rib;           // BANK_TRANSFER: 24 digits, spaces allowed
  std::string wallet_phone;  // MOBILE_WALLET: a Moroccan mobile number
  std::string chosen_by;     // PORTAL or AGENT:<id>
};

// A mode as its owner sees it.
struct ShownPaymentMode {
  std::string registration_number;
  PaymentMethod method = PaymentMethod::kUnspecified;
  std::string account_masked;  // "**** 1234"
  absl::Time chosen_at;
  std::string chosen_by;
};

// A mode as a paying service reads it: kUnspecified and no account when none was chosen.
struct PaymentAccount {
  std::string registration_number;
  PaymentMethod method = PaymentMethod::kUnspecified;
  std::string account;  // the RIB's 24 digits, or the wallet's phone in E.164
};

inline constexpr size_t kMaxPaymentAccounts = 1000;

class PaymentModes {
 public:
  // `on_commit` runs after each choice that changed a mode (the service wakes its relay there).
  PaymentModes(
      storage::Database& db, events::EventSource source, std::function<void()> on_commit = [] {})
      : db_(db), source_(std::move(source)), on_commit_(std::move(on_commit)) {}

  // The mode now in force. INVALID_ARGUMENT "REASON: field: ..." for a bad choice (rib:
  // RIB_LENGTH, RIB_DIGITS, RIB_KEY; wallet_phone: WALLET_PHONE; method: METHOD, also for the
  // other method's account given; chosen_by: CHOSEN_BY) or a malformed number; NOT_FOUND when no
  // person has the number.
  absl::StatusOr<ShownPaymentMode> Choose(const PaymentModeChoice& choice);

  // NOT_FOUND when the insured has chosen none (INVALID_ARGUMENT for a malformed number).
  absl::StatusOr<ShownPaymentMode> Get(absl::string_view registration_number);

  // Each number's whole account, in the order asked, read in one statement. INVALID_ARGUMENT
  // beyond kMaxPaymentAccounts numbers, or naming the position of a malformed one.
  absl::StatusOr<std::vector<PaymentAccount>> Accounts(const std::vector<std::string>& registration_numbers);

 private:
  storage::Database& db_;
  events::EventSource source_;
  std::function<void()> on_commit_;
};

}  // namespace himaya::registration
