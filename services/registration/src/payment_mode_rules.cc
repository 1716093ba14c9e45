#include "registration/src/payment_mode_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "registration/src/person_rules.h"

namespace himaya::registration {

absl::string_view PaymentMethodName(PaymentMethod method) {
  switch (method) {
    case PaymentMethod::kBankTransfer:
      return "BANK_TRANSFER";
    case PaymentMethod::kMobileWallet:
      return "MOBILE_WALLET";
    case PaymentMethod::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

PaymentMethod PaymentMethodOf(absl::string_view name) {
  if (name == "BANK_TRANSFER") return PaymentMethod::kBankTransfer;
  if (name == "MOBILE_WALLET") return PaymentMethod::kMobileWallet;
  return PaymentMethod::kUnspecified;
}

absl::Status PaymentModeViolation(absl::string_view field, absl::string_view reason, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(reason, ": ", field, ": ", message));
}

// The key of a Moroccan RIB is the French RIB's rule over 24 digits instead of 23: the whole
// number is a multiple of 97, the key is 97 - (the digits before it x 100 mod 97), from 01 to 97.
// Sources: fr.wikipedia.org/wiki/Clé_RIB (the rule: "R ≡ 0 (mod 97), 1 <= K <= 97"); La Vie éco,
// "Banques : pas de RIB complet, pas de virement" (lavieeco.com: the Moroccan RIB's 24 digits, bank,
// city, account and key, required by the SIMT since 2004); and a Moroccan validator checking the
// 24 digits modulo 97 (gist.github.com/med-ezzairi/7c4e0047d715d4c40c99fce3a727cab7).
int RibKey(absl::string_view first22) {
  int remainder = 0;  // Horner's rule digit by digit: 22 digits do not fit in 64 bits
  for (char c : first22) remainder = (remainder * 10 + (c - '0')) % 97;
  return 97 - (remainder * 100) % 97;
}

absl::StatusOr<std::string> NormalizeRib(absl::string_view rib) {
  std::string digits;
  for (char c : rib) {
    if (c == ' ' || c == '\t') continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return PaymentModeViolation("rib", "RIB_DIGITS", "a RIB holds digits only (spaces allowed)");
    }
    if (digits.size() <= kRibDigits) digits.push_back(c);  // one too many is enough to refuse
  }
  if (digits.size() != kRibDigits) {
    return PaymentModeViolation("rib", "RIB_LENGTH", "a RIB has 24 digits (bank 3, city 3, account 16, key 2)");
  }
  const int key = (digits[22] - '0') * 10 + (digits[23] - '0');
  if (key != RibKey(absl::string_view(digits).substr(0, 22))) {
    return PaymentModeViolation("rib", "RIB_KEY",
                                "the key (last two digits) does not match the account: a typing error?");
  }
  return digits;
}

absl::StatusOr<std::string> NormalizeWalletPhone(absl::string_view phone) {
  absl::StatusOr<std::string> normalized = NormalizePhone(phone);
  if (!normalized.ok() || normalized->empty()) {
    return PaymentModeViolation("wallet_phone", "WALLET_PHONE",
                                "a mobile wallet is a Moroccan mobile number (06/07 and 8 digits)");
  }
  return normalized;
}

absl::Status CheckChosenBy(absl::string_view chosen_by) {
  if (chosen_by == "PORTAL") return absl::OkStatus();
  absl::string_view agent = chosen_by;
  if (absl::ConsumePrefix(&agent, "AGENT:") && !agent.empty() && agent.size() <= kMaxIdentifierChars) {
    bool graphic = true;
    for (char c : agent) graphic = graphic && absl::ascii_isgraph(static_cast<unsigned char>(c));
    if (graphic) return absl::OkStatus();
  }
  return PaymentModeViolation("chosen_by", "CHOSEN_BY", "must be PORTAL or AGENT:<id> (up to 64 characters)");
}

std::string ChooserKind(absl::string_view chosen_by) {
  return absl::StartsWith(chosen_by, "AGENT:") ? "AGENT" : "PORTAL";
}

std::string MaskAccount(absl::string_view account) {
  constexpr size_t kShown = 4;
  if (account.size() < 2 * kShown) return "****";
  return absl::StrCat("**** ", account.substr(account.size() - kShown));
}

}  // namespace himaya::registration
