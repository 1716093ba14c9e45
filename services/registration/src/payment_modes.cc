#include "registration/src/payment_modes.h"

#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "registration/src/payment_mode_store.h"
#include "registration/src/person_store.h"

namespace himaya::registration {
namespace {

// The method's account, normalised; the other method's account must be empty.
absl::StatusOr<std::string> AccountOf(const PaymentModeChoice& choice) {
  switch (choice.method) {
    case PaymentMethod::kBankTransfer:
      if (!choice.wallet_phone.empty()) {
        return PaymentModeViolation("wallet_phone", "METHOD", "a bank transfer takes a rib, not a wallet_phone");
      }
      return NormalizeRib(choice.rib);
    case PaymentMethod::kMobileWallet:
      if (!choice.rib.empty()) {
        return PaymentModeViolation("rib", "METHOD", "a mobile wallet takes a wallet_phone, not a rib");
      }
      return NormalizeWalletPhone(choice.wallet_phone);
    case PaymentMethod::kUnspecified:
      break;
  }
  return PaymentModeViolation("method", "METHOD", "choose BANK_TRANSFER or MOBILE_WALLET");
}

ShownPaymentMode Shown(const StoredPaymentMode& mode) {
  return {mode.registration_number, PaymentMethodOf(mode.method), MaskAccount(mode.account), mode.chosen_at,
          mode.chosen_by};
}

events::Envelope PaymentModeChosenEvent(const events::EventSource& source, const StoredPaymentMode& mode,
                                        const std::string& program) {
  v1::PaymentModeChosen event;  // never the account: a paying service asks GetPaymentAccounts
  event.set_registration_number(mode.registration_number);
  event.set_program(program);
  event.set_method(mode.method);
  event.set_chosen_by(ChooserKind(mode.chosen_by));
  *event.mutable_chosen_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(mode.chosen_at));
  return events::NewEnvelope(source, event, program, mode.registration_number);
}

}  // namespace

absl::StatusOr<ShownPaymentMode> PaymentModes::Choose(const PaymentModeChoice& choice) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(choice.registration_number));
  RETURN_IF_ERROR(CheckChosenBy(choice.chosen_by));
  ASSIGN_OR_RETURN(std::string account, AccountOf(choice));
  StoredPaymentMode next{choice.registration_number, std::string(PaymentMethodName(choice.method)), std::move(account),
                         source_.clock->Now(), choice.chosen_by};
  StoredPaymentMode in_force;
  bool changed = false;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<Person> person, PersonStore::FindByNumber(tx, next.registration_number));
    if (!person) return absl::NotFoundError("registration_number: no person has this number");
    ASSIGN_OR_RETURN(std::optional<StoredPaymentMode> current, PaymentModeStore::Find(tx, next.registration_number));
    if (current && current->method == next.method && current->account == next.account) {
      in_force = *std::move(current);  // the same mode: kept as it was chosen, nothing published
      changed = false;
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(current ? PaymentModeStore::Replace(tx, *current, next) : PaymentModeStore::Insert(tx, next));
    in_force = next;
    changed = true;
    return events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, person->program),
                                  PaymentModeChosenEvent(source_, next, person->program), *source_.clock);
  }));
  if (changed) {
    log::Info("payment mode chosen", {{"registration_number", in_force.registration_number},
                                      {"method", in_force.method},
                                      {"chosen_by", ChooserKind(in_force.chosen_by)}});
    on_commit_();
  }
  return Shown(in_force);
}

absl::StatusOr<ShownPaymentMode> PaymentModes::Get(absl::string_view registration_number) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  std::optional<StoredPaymentMode> mode;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(mode, PaymentModeStore::Find(tx, registration_number));
    return absl::OkStatus();
  }));
  if (!mode) return absl::NotFoundError("payment mode: none chosen for this registration number");
  return Shown(*mode);
}

absl::StatusOr<std::vector<PaymentAccount>> PaymentModes::Accounts(const std::vector<std::string>& numbers) {
  if (numbers.size() > kMaxPaymentAccounts) {
    return absl::InvalidArgumentError(absl::StrCat("registration_numbers: at most ", kMaxPaymentAccounts, " at once"));
  }
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!identity::CheckRegistrationNumber(numbers[i]).ok()) {
      return absl::InvalidArgumentError(absl::StrCat("registration_numbers[", i, "]: not a registration number"));
    }
  }
  std::vector<StoredPaymentMode> stored;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, PaymentModeStore::FindMany(tx, numbers));
    return absl::OkStatus();
  }));
  absl::flat_hash_map<std::string, const StoredPaymentMode*> by_number;
  for (const StoredPaymentMode& m : stored) by_number[m.registration_number] = &m;
  std::vector<PaymentAccount> accounts(numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    accounts[i].registration_number = numbers[i];
    auto it = by_number.find(numbers[i]);
    if (it == by_number.end()) continue;
    accounts[i].method = PaymentMethodOf(it->second->method);
    accounts[i].account = it->second->account;
  }
  return accounts;
}

}  // namespace himaya::registration
