// Payment modes in the database (`payment_modes`, the current mode of each insured, and
// `payment_mode_history`, the modes replaced). The SQL of these tables lives here, and only here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::registration {

// A mode as kept: the whole account.
struct StoredPaymentMode {
  std::string registration_number;
  std::string method;   // BANK_TRANSFER or MOBILE_WALLET
  std::string account;  // the RIB's 24 digits or the wallet's phone (E.164)
  absl::Time chosen_at;
  std::string chosen_by;  // PORTAL or AGENT:<id>
};

// The most modes FindMany reads at once.
inline constexpr size_t kMaxPaymentModesRead = 1000;

class PaymentModeStore {
 public:
  // The person's current mode; nullopt when none was chosen.
  static absl::StatusOr<std::optional<StoredPaymentMode>> Find(storage::Transaction& tx,
                                                               absl::string_view registration_number);
  // The first mode of a person. ABORTED when another transaction gave one first (Database::Write
  // then runs the caller again, which finds it).
  static absl::Status Insert(storage::Transaction& tx, const StoredPaymentMode& mode);
  // Replaces `current` (as Find read it) by `next`, keeping `current` in the history as replaced
  // at next.chosen_at. ABORTED when the current mode is no longer `current` (another choice
  // committed in between).
  static absl::Status Replace(storage::Transaction& tx, const StoredPaymentMode& current,
                              const StoredPaymentMode& next);
  // The modes replaced for a person, oldest first.
  static absl::StatusOr<std::vector<StoredPaymentMode>> History(storage::Transaction& tx,
                                                                absl::string_view registration_number);
  // The current modes of the persons among `numbers`, in no particular order (a number without
  // a mode has no row), read in one statement. INVALID_ARGUMENT beyond kMaxPaymentModesRead.
  static absl::StatusOr<std::vector<StoredPaymentMode>> FindMany(storage::Transaction& tx,
                                                                 const std::vector<std::string>& numbers);
};

}  // namespace himaya::registration
