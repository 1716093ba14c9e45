#include "registration/src/payment_mode_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::registration {
namespace {

constexpr absl::string_view kColumns = "registration_number, method, account, chosen_at_us, chosen_by";

StoredPaymentMode FromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), r.Text(2), absl::FromUnixMicros(r.Int(3)), r.Text(4)};
}

}  // namespace

absl::StatusOr<std::optional<StoredPaymentMode>> PaymentModeStore::Find(storage::Transaction& tx,
                                                                        absl::string_view registration_number) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM payment_modes WHERE registration_number = $1"),
                            {registration_number}));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows.front());
}

absl::Status PaymentModeStore::Insert(storage::Transaction& tx, const StoredPaymentMode& mode) {
  absl::StatusOr<int64_t> inserted = tx.Execute(
      absl::StrCat("INSERT INTO payment_modes (", kColumns, ") VALUES ($1, $2, $3, $4, $5)"),
      {mode.registration_number, mode.method, mode.account, absl::ToUnixMicros(mode.chosen_at), mode.chosen_by});
  if (absl::IsAlreadyExists(inserted.status())) {
    return absl::AbortedError("payment mode: chosen by another request at the same time");
  }
  return inserted.status();
}

absl::Status PaymentModeStore::Replace(storage::Transaction& tx, const StoredPaymentMode& current,
                                       const StoredPaymentMode& next) {
  // Only the mode that was read is replaced: a choice committed in between makes this one run
  // again, so that the history keeps every mode replaced.
  ASSIGN_OR_RETURN(
      int64_t updated,
      tx.Execute("UPDATE payment_modes SET method = $2, account = $3, chosen_at_us = $4, chosen_by = $5 "
                 "WHERE registration_number = $1 AND method = $6 AND account = $7 AND chosen_at_us = $8",
                 {next.registration_number, next.method, next.account, absl::ToUnixMicros(next.chosen_at),
                  next.chosen_by, current.method, current.account, absl::ToUnixMicros(current.chosen_at)}));
  if (updated != 1) return absl::AbortedError("payment mode: changed by another request at the same time");
  return tx
      .Execute(absl::StrCat("INSERT INTO payment_mode_history (", kColumns,
                            ", replaced_at_us) VALUES ($1, $2, $3, $4, $5, $6)"),
               {current.registration_number, current.method, current.account, absl::ToUnixMicros(current.chosen_at),
                current.chosen_by, absl::ToUnixMicros(next.chosen_at)})
      .status();
}

absl::StatusOr<std::vector<StoredPaymentMode>> PaymentModeStore::History(storage::Transaction& tx,
                                                                         absl::string_view registration_number) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM payment_mode_history WHERE registration_number = $1 "
                                         "ORDER BY replaced_at_us, chosen_at_us"),
                            {registration_number}));
  std::vector<StoredPaymentMode> modes;
  for (const storage::Row& r : rows) modes.push_back(FromRow(r));
  return modes;
}

absl::StatusOr<std::vector<StoredPaymentMode>> PaymentModeStore::FindMany(storage::Transaction& tx,
                                                                          const std::vector<std::string>& numbers) {
  // One statement of 1, 10, 100 or 1000 numbers (each prepared once per connection, not one per
  // count), padded with NULLs, which match nothing.
  static const auto* const statements = [] {
    auto* texts = new std::vector<std::pair<size_t, std::string>>;
    for (size_t size = 1; size <= kMaxPaymentModesRead; size *= 10) {
      std::string sql = absl::StrCat("SELECT ", kColumns, " FROM payment_modes WHERE registration_number IN (");
      for (size_t i = 0; i < size; ++i) absl::StrAppend(&sql, i ? ", $" : "$", i + 1);
      texts->emplace_back(size, absl::StrCat(sql, ")"));
    }
    return texts;
  }();
  if (numbers.empty()) return std::vector<StoredPaymentMode>();
  if (numbers.size() > kMaxPaymentModesRead) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxPaymentModesRead, " payment modes at once"));
  }
  size_t chosen = 0;
  while (statements->at(chosen).first < numbers.size()) ++chosen;
  const auto& [size, sql] = statements->at(chosen);
  std::vector<storage::Value> params(size);
  for (size_t i = 0; i < numbers.size(); ++i) params[i] = numbers[i];
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows, tx.Query(sql, params));
  std::vector<StoredPaymentMode> modes;
  modes.reserve(rows.size());
  for (const storage::Row& r : rows) modes.push_back(FromRow(r));
  return modes;
}

}  // namespace himaya::registration
