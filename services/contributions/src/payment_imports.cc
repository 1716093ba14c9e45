#include "contributions/src/payment_imports.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "contributions/src/call_store.h"
#include "contributions/src/coverage_suspensions.h"
#include "contributions/src/insured_store.h"
#include "contributions/src/payment_application.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::contributions {
namespace {

absl::Status OtherBytes() {
  return absl::AlreadyExistsError("file_id: a file of this id was imported with other bytes");
}

}  // namespace

PaymentImports::PaymentImports(storage::Database& db, const ContributionRules& rules, events::EventSource source,
                               PaymentImportsOptions options, std::function<void()> on_committed,
                               std::function<void()> on_imported)
    : db_(db),
      rules_(rules),
      source_(std::move(source)),
      options_(options),
      on_committed_(std::move(on_committed)),
      on_imported_(std::move(on_imported)) {}

absl::StatusOr<std::optional<ImportResult>> PaymentImports::Earlier(const PaymentManifest& manifest) {
  std::optional<ImportedFile> file;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(file, PaymentStore::FindFile(tx, manifest.file_id));
    return absl::OkStatus();
  }));
  if (!file) return std::nullopt;
  if (!absl::EqualsIgnoreCase(file->sha256, manifest.sha256)) return OtherBytes();
  return file->result;
}

absl::Status PaymentImports::Begin(const PaymentManifest& manifest) {
  std::string first;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(first, PaymentStore::BeginFile(tx, manifest.file_id, manifest.sha256, source_.clock->Now()));
    return absl::OkStatus();
  }));
  // An import of other bytes stopped halfway: its rows are applied under this id.
  if (!absl::EqualsIgnoreCase(first, manifest.sha256)) return OtherBytes();
  return absl::OkStatus();
}

absl::StatusOr<RowOutcome> PaymentImports::Apply(storage::Transaction& tx, const std::string& file_id,
                                                 const PaymentRow& row, absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::optional<Payment> earlier, PaymentStore::FindPayment(tx, row.payment_id));
  if (earlier) {
    // This very row, applied by an import of this file stopped before its end.
    const bool resumed = earlier->file_id == file_id && earlier->row == row.row;
    return resumed ? RowOutcome::kApplied : RowOutcome::kDuplicatePayment;
  }
  ASSIGN_OR_RETURN(std::vector<Insured> insured, InsuredStore::Find(tx, row.registration_number));
  if (insured.empty()) return RowOutcome::kUnknownInsured;
  const absl::Time now = source_.clock->Now();
  RETURN_IF_ERROR(ApplyPayment(tx, source_, row, row.amount_centimes, insured.front().program, [&](int64_t left) {
                    return PaymentStore::InsertPayment(
                        tx, {row.payment_id, row.registration_number, row.amount_centimes, left, row.paid_on, file_id,
                             row.row, now});
                  }).status());
  RETURN_IF_ERROR(CoverageSuspensions::RestoreAfterPayment(tx, rules_, source_, row.registration_number, row.paid_on,
                                                           row.payment_id, today));
  return RowOutcome::kApplied;
}

absl::StatusOr<ImportResult> PaymentImports::Import(const PaymentManifest& manifest, std::vector<PaymentRow> rows) {
  ASSIGN_OR_RETURN(std::optional<ImportResult> earlier, Earlier(manifest));
  if (earlier) return *earlier;
  RETURN_IF_ERROR(Begin(manifest));
  const absl::CivilDay today = absl::ToCivilDay(source_.clock->Now(), options_.zone);
  for (size_t start = 0; start < rows.size(); start += options_.page_rows) {
    const size_t end = std::min(rows.size(), start + static_cast<size_t>(options_.page_rows));
    std::vector<PaymentRow> page(rows.begin() + start, rows.begin() + end);
    bool wrote_events = false;
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      page.assign(rows.begin() + start, rows.begin() + end);  // a retried transaction starts again
      wrote_events = false;
      std::vector<std::string> paying;
      for (const PaymentRow& row : page) {
        if (row.outcome == RowOutcome::kApplied) paying.push_back(row.registration_number);
      }
      RETURN_IF_ERROR(CallStore::LockUnpaidInNumberOrder(tx, std::move(paying)));
      for (PaymentRow& row : page) {
        if (row.outcome != RowOutcome::kApplied) continue;
        if (row.paid_on > today) {
          row.outcome = RowOutcome::kInvalid;
          row.reason = "paid_on: after today";
          continue;
        }
        ASSIGN_OR_RETURN(row.outcome, Apply(tx, manifest.file_id, row, today));
        if (row.outcome == RowOutcome::kDuplicatePayment) row.reason = "payment_id: applied from another file";
        wrote_events = wrote_events || row.outcome == RowOutcome::kApplied;
      }
      return PaymentStore::InsertRows(tx, manifest.file_id, page);
    }));
    std::copy(page.begin(), page.end(), rows.begin() + start);
    if (wrote_events) on_committed_();
  }
  ImportResult result;
  result.file_id = manifest.file_id;
  result.rows = static_cast<int64_t>(rows.size());
  for (const PaymentRow& row : rows) {
    switch (row.outcome) {
      case RowOutcome::kApplied:
        ++result.applied;
        result.applied_centimes += row.amount_centimes;
        continue;
      case RowOutcome::kUnknownInsured:
        ++result.unknown_insured;
        break;
      case RowOutcome::kDuplicatePayment:
        ++result.duplicate_payment;
        break;
      case RowOutcome::kInvalid:
        ++result.invalid;
        break;
    }
    if (result.not_applied.size() < kMaxRowsListed) result.not_applied.push_back(row);
  }
  absl::Status recorded = db_.Write([&](storage::Transaction& tx) {
    return PaymentStore::InsertFile(tx, manifest.sha256, result, source_.clock->Now());
  });
  if (absl::IsAlreadyExists(recorded)) {
    // Another import of the same file finished first: its result is the first.
    ASSIGN_OR_RETURN(std::optional<ImportResult> first, Earlier(manifest));
    if (first) return *first;
  }
  RETURN_IF_ERROR(recorded);
  log::Info("payment file imported", {{"file_id", result.file_id},
                                      {"rows", result.rows},
                                      {"applied", result.applied},
                                      {"unknown_insured", result.unknown_insured},
                                      {"duplicate_payment", result.duplicate_payment},
                                      {"invalid", result.invalid}});
  on_imported_();
  return result;
}

}  // namespace himaya::contributions
