#include "registration/src/coverage_import.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "registration/api/manifest_proto.h"
#include "registration/src/manifest_checks.h"
#include "registration/src/person_rules.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

constexpr size_t kStageRows = 1000;
constexpr size_t kErrorsKept = 100;

absl::StatusOr<v1::CoverageImportResult> StoredResult(storage::Transaction& tx, const v1::Manifest& m) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256, rows_received, coverages_added, "
                                       "coverages_updated, rows_invalid, errors FROM coverage_imports "
                                       "WHERE operator = $1 AND batch_id = $2",
                                       {m.liaison_body(), m.batch_id()}));
  if (rows.empty()) return absl::NotFoundError("not imported");
  if (rows[0].Text(0) != absl::AsciiStrToLower(m.sha256())) {
    return absl::AlreadyExistsError(absl::StrCat("batch_id: ", m.batch_id(), " of ", m.liaison_body(),
                                                 " was already imported with other contents"));
  }
  v1::CoverageImportResult result;
  result.set_batch_id(m.batch_id());
  result.set_operator_(m.liaison_body());
  result.set_rows_received(rows[0].Int(1));
  result.set_coverages_added(rows[0].Int(2));
  result.set_coverages_updated(rows[0].Int(3));
  result.set_rows_invalid(rows[0].Int(4));
  for (absl::string_view e : absl::StrSplit(rows[0].Text(5), '\n', absl::SkipEmpty())) {
    result.add_errors(std::string(e));
  }
  return result;
}

}  // namespace

CoverageUpload::CoverageUpload(storage::Database& db, const core::Clock& clock, v1::Manifest manifest)
    : db_(db),
      clock_(clock),
      manifest_(std::move(manifest)),
      file_(manifest_.record_count(), manifest_.sha256(), {"cin", "scheme", "valid_from", "valid_to"},
            [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); }) {}

absl::StatusOr<std::unique_ptr<CoverageUpload>> CoverageUpload::Begin(storage::Database& db,
                                                                      const ReferenceData& reference,
                                                                      const core::Clock& clock,
                                                                      const v1::Manifest& manifest) {
  RETURN_IF_ERROR(CheckCoverageManifest(ManifestFromProto(manifest), reference));
  std::unique_ptr<CoverageUpload> upload(new CoverageUpload(db, clock, manifest));
  RETURN_IF_ERROR(db.Write([&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::CoverageImportResult> stored = StoredResult(tx, manifest);
    if (stored.ok()) {
      upload->existing_ = *stored;
      upload->done_ = true;
      return absl::OkStatus();
    }
    if (!absl::IsNotFound(stored.status())) return stored.status();
    return tx
        .Execute("DELETE FROM coverage_staging WHERE operator = $1 AND batch_id = $2",
                 {manifest.liaison_body(), manifest.batch_id()})
        .status();
  }));
  return upload;
}

absl::Status CoverageUpload::Feed(absl::string_view bytes) {
  if (done_) return absl::FailedPreconditionError("upload already ended");
  absl::Status status = file_.Feed(bytes);
  return status.ok() ? status : Discard(status);
}

absl::Status CoverageUpload::OnRow(int64_t row, const std::vector<std::string>& fields) {
  auto get = [&](const char* name) -> const std::string& { return file_.Get(fields, name); };
  std::vector<std::string> problems;
  if (fields.size() != file_.header_size()) {
    problems.push_back(absl::StrCat("row: ", fields.size(), " fields where the header has ", file_.header_size()));
  } else if (file_.RowTooLong() || !file_.TooLongColumns().empty()) {
    problems.push_back("row: a field or the row is past the limits of a liaison file");
  }
  if (!problems.empty()) {
    ++invalid_;
    if (errors_.size() < kErrorsKept) errors_.push_back(absl::StrCat("row ", row, ": ", problems.front()));
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> cin = NormalizeCin(get("cin"));
  if (!cin.ok()) problems.push_back(std::string(cin.status().message()));
  std::string scheme = absl::AsciiStrToUpper(get("scheme"));
  if (absl::Status s = CheckRequiredIdentifier("scheme", scheme); !s.ok()) {
    problems.push_back(std::string(s.message()));
  }
  const absl::CivilDay far_future(9999, 12, 31);
  absl::StatusOr<absl::CivilDay> from = ParseBirthDate(get("valid_from"), far_future);
  if (!from.ok()) problems.push_back("valid_from: must be a real date written YYYY-MM-DD");
  std::string to_text = get("valid_to");
  if (!to_text.empty()) {
    absl::StatusOr<absl::CivilDay> to = ParseBirthDate(to_text, far_future);
    if (!to.ok()) {
      problems.push_back("valid_to: must be empty or a real date written YYYY-MM-DD");
    } else if (from.ok() && *to < *from) {
      problems.push_back("valid_to: is before valid_from");
    }
  }
  if (!problems.empty()) {
    ++invalid_;
    if (errors_.size() < kErrorsKept) {
      errors_.push_back(absl::StrCat("row ", row, ": ", absl::StrJoin(problems, "; ")));
    }
    return absl::OkStatus();
  }
  pending_.push_back({manifest_.liaison_body(), manifest_.batch_id(), row, *cin, scheme, absl::FormatCivilTime(*from),
                      to_text.empty() ? storage::Value() : storage::Value(to_text)});
  if (pending_.size() >= kStageRows) return Flush();
  return absl::OkStatus();
}

absl::Status CoverageUpload::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return storage::InsertRows(tx, "coverage_staging",
                               {"operator", "batch_id", "line", "cin", "scheme", "valid_from", "valid_to"}, pending_)
        .status();
  }));
  pending_.clear();
  return absl::OkStatus();
}

absl::Status CoverageUpload::Discard(const absl::Status& reason) {
  done_ = true;
  db_.Write([&](storage::Transaction& tx) {
       return tx
           .Execute("DELETE FROM coverage_staging WHERE operator = $1 AND batch_id = $2",
                    {manifest_.liaison_body(), manifest_.batch_id()})
           .status();
     })
      .IgnoreError();
  log::Warn("coverage file refused", {{"operator", manifest_.liaison_body()}, {"reason", reason}});
  return reason;
}

void CoverageUpload::Abort() {
  if (!done_) Discard(absl::CancelledError("upload interrupted before the end")).IgnoreError();
}

absl::StatusOr<v1::CoverageImportResult> CoverageUpload::Finish() {
  if (existing_) return *existing_;
  if (done_) return absl::FailedPreconditionError("upload already ended");
  if (absl::Status s = file_.Finish(); !s.ok()) return Discard(s);
  if (absl::Status s = Flush(); !s.ok()) return Discard(s);
  done_ = true;
  v1::CoverageImportResult result;
  result.set_batch_id(manifest_.batch_id());
  result.set_operator_(manifest_.liaison_body());
  result.set_rows_received(file_.rows());
  result.set_rows_invalid(invalid_);
  for (const std::string& e : errors_) result.add_errors(e);
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  const std::string& op = manifest_.liaison_body();
  const std::string& id = manifest_.batch_id();
  // Of several lines for one (cin, scheme), the last wins.
  const std::string latest =
      "s.line = (SELECT MAX(t.line) FROM coverage_staging t WHERE t.operator = s.operator "
      "AND t.batch_id = s.batch_id AND t.cin = s.cin AND t.scheme = s.scheme)";
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto counts,
                     tx.Query(absl::StrCat("SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM coverages c "
                                           "WHERE c.cin = s.cin AND c.scheme = s.scheme AND c.operator = s.operator) "
                                           "THEN 1 ELSE 0 END) FROM coverage_staging s "
                                           "WHERE s.operator = $1 AND s.batch_id = $2 AND ",
                                           latest),
                              {op, id}));
    const int64_t distinct = counts[0].Int(0);
    const int64_t updated = counts[0].IsNull(1) ? 0 : counts[0].Int(1);
    result.set_coverages_added(distinct - updated);
    result.set_coverages_updated(updated);
    RETURN_IF_ERROR(
        tx.Execute(absl::StrCat("INSERT INTO coverages (cin, scheme, operator, valid_from, valid_to, "
                                "source_batch, updated_at_us) SELECT s.cin, s.scheme, s.operator, s.valid_from, "
                                "s.valid_to, s.batch_id, $3 FROM coverage_staging s WHERE s.operator = $1 "
                                "AND s.batch_id = $2 AND ",
                                latest,
                                " ON CONFLICT (cin, scheme, operator) DO UPDATE SET valid_from = excluded.valid_from, "
                                "valid_to = excluded.valid_to, source_batch = excluded.source_batch, "
                                "updated_at_us = excluded.updated_at_us"),
                   {op, id, now})
            .status());
    RETURN_IF_ERROR(
        tx.Execute("DELETE FROM coverage_staging WHERE operator = $1 AND batch_id = $2", {op, id}).status());
    return tx
        .Execute(
            "INSERT INTO coverage_imports (operator, batch_id, sha256, rows_received, "
            "coverages_added, coverages_updated, rows_invalid, errors, imported_at_us) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {op, id, absl::AsciiStrToLower(manifest_.sha256()), file_.rows(), result.coverages_added(),
             result.coverages_updated(), invalid_, absl::StrJoin(errors_, "\n"), now})
        .status();
  }));
  log::Info("coverage imported", {{"operator", op},
                                  {"batch_id", id},
                                  {"rows", file_.rows()},
                                  {"added", result.coverages_added()},
                                  {"updated", result.coverages_updated()},
                                  {"invalid", invalid_}});
  return result;
}

}  // namespace himaya::registration
