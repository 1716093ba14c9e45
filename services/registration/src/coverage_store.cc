#include "registration/src/coverage_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

// Of several lines for one (cin, scheme), the last wins.
constexpr char kLatest[] =
    "s.line = (SELECT MAX(t.line) FROM coverage_staging t WHERE t.operator = s.operator "
    "AND t.batch_id = s.batch_id AND t.cin = s.cin AND t.scheme = s.scheme)";

}  // namespace

absl::StatusOr<std::optional<StoredCoverageImport>> CoverageStore::FindImport(storage::Transaction& tx,
                                                                              absl::string_view op,
                                                                              absl::string_view batch_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256, rows_received, coverages_added, "
                                       "coverages_updated, rows_invalid, errors FROM coverage_imports "
                                       "WHERE operator = $1 AND batch_id = $2",
                                       {op, batch_id}));
  if (rows.empty()) return std::nullopt;
  return StoredCoverageImport{rows[0].Text(0), rows[0].Int(1), rows[0].Int(2),
                              rows[0].Int(3),  rows[0].Int(4), rows[0].Text(5)};
}

absl::Status CoverageStore::Stage(storage::Transaction& tx, absl::string_view op, absl::string_view batch_id,
                                  const std::vector<CoverageLine>& lines) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(lines.size());
  for (const CoverageLine& l : lines) rows.push_back({op, batch_id, l.line, l.cin, l.scheme, l.valid_from, l.valid_to});
  return storage::InsertRows(tx, "coverage_staging",
                             {"operator", "batch_id", "line", "cin", "scheme", "valid_from", "valid_to"}, rows)
      .status();
}

absl::Status CoverageStore::DropStaged(storage::Transaction& tx, absl::string_view op, absl::string_view batch_id) {
  return tx.Execute("DELETE FROM coverage_staging WHERE operator = $1 AND batch_id = $2", {op, batch_id}).status();
}

absl::StatusOr<CoverageCounts> CoverageStore::ApplyStaged(storage::Transaction& tx, absl::string_view op,
                                                          absl::string_view id, int64_t now) {
  ASSIGN_OR_RETURN(auto counts,
                   tx.Query(absl::StrCat("SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM coverages c "
                                         "WHERE c.cin = s.cin AND c.scheme = s.scheme AND c.operator = s.operator) "
                                         "THEN 1 ELSE 0 END) FROM coverage_staging s "
                                         "WHERE s.operator = $1 AND s.batch_id = $2 AND ",
                                         kLatest),
                            {op, id}));
  const int64_t distinct = counts[0].Int(0);
  const int64_t updated = counts[0].IsNull(1) ? 0 : counts[0].Int(1);
  RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("INSERT INTO coverages (cin, scheme, operator, valid_from, valid_to, "
                              "source_batch, updated_at_us) SELECT s.cin, s.scheme, s.operator, s.valid_from, "
                              "s.valid_to, s.batch_id, $3 FROM coverage_staging s WHERE s.operator = $1 "
                              "AND s.batch_id = $2 AND ",
                              kLatest,
                              " ON CONFLICT (cin, scheme, operator) DO UPDATE SET valid_from = excluded.valid_from, "
                              "valid_to = excluded.valid_to, source_batch = excluded.source_batch, "
                              "updated_at_us = excluded.updated_at_us"),
                 {op, id, now})
          .status());
  RETURN_IF_ERROR(DropStaged(tx, op, id));
  return CoverageCounts{distinct - updated, updated};
}

absl::Status CoverageStore::RecordImport(storage::Transaction& tx, absl::string_view op, absl::string_view id,
                                         const StoredCoverageImport& i, int64_t now) {
  return tx
      .Execute(
          "INSERT INTO coverage_imports (operator, batch_id, sha256, rows_received, "
          "coverages_added, coverages_updated, rows_invalid, errors, imported_at_us) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {op, id, i.sha256, i.rows_received, i.coverages_added, i.coverages_updated, i.rows_invalid, i.errors, now})
      .status();
}

}  // namespace himaya::registration
