// The rules of a payment mode (how an insured pays contributions and is paid allowances): a
// Moroccan bank account by its RIB, or a mobile wallet by its phone number; who chose it; and how
// an account is shown to its owner. No storage, no proto: the domain class and the handler call
// these.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::registration {

enum class PaymentMethod { kUnspecified, kBankTransfer, kMobileWallet };

// "BANK_TRANSFER", "MOBILE_WALLET" (as stored and published), "UNSPECIFIED".
absl::string_view PaymentMethodName(PaymentMethod method);
// The method of a stored name; kUnspecified for any other text.
PaymentMethod PaymentMethodOf(absl::string_view name);

// A RIB (relevé d'identité bancaire) is 24 digits: bank 3, city 3, account 16, key 2.
inline constexpr size_t kRibDigits = 24;

// The key (01 to 97) of a RIB's first 22 digits: 97 - (those digits x 100 mod 97), so that the
// whole 24-digit number is a multiple of 97. `first22` must be 22 ASCII digits.
int RibKey(absl::string_view first22);

// The RIB's 24 digits, spaces (and tabs) ignored wherever they are typed. INVALID_ARGUMENT, field
// `rib`, with a reason leading the message ("RIB_KEY: rib: ..."): RIB_DIGITS when a character is
// neither a digit nor a space, RIB_LENGTH when there are not 24 digits (none included), RIB_KEY
// when the last two are not the key of the first 22. The value is never quoted.
absl::StatusOr<std::string> NormalizeRib(absl::string_view rib);

// A Moroccan mobile number (06/07 and 8 digits, +2126/+2127 and 8 digits, or 00212...) in E.164
// (+2126XXXXXXXX). INVALID_ARGUMENT "WALLET_PHONE: wallet_phone: ..." otherwise, empty included.
absl::StatusOr<std::string> NormalizeWalletPhone(absl::string_view phone);

// Who chooses: "PORTAL" (the insured, on the portal) or "AGENT:<id>" (an agent, id 1 to 64
// printable characters without spaces). INVALID_ARGUMENT "CHOSEN_BY: chosen_by: ..." otherwise.
absl::Status CheckChosenBy(absl::string_view chosen_by);
// "PORTAL" or "AGENT": who chose, as an event tells it (never the agent's id).
std::string ChooserKind(absl::string_view chosen_by);

// An account as shown to its owner: "**** " and its last four characters ("**** 1234"); only
// stars when it is shorter than eight.
std::string MaskAccount(absl::string_view account);

// INVALID_ARGUMENT "REASON: field: message", the form of every refused payment mode (the portal
// reads the reason and the field from the message).
absl::Status PaymentModeViolation(absl::string_view field, absl::string_view reason, absl::string_view message);

}  // namespace himaya::registration
