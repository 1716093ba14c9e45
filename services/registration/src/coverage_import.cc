#include "registration/src/coverage_import.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "registration/src/manifest_checks.h"
#include "registration/src/person_rules.h"

namespace himaya::registration {
namespace {

constexpr size_t kStageRows = 1000;
constexpr size_t kErrorsKept = 100;

absl::StatusOr<CoverageImportResult> StoredResult(storage::Transaction& tx, const liaison::Manifest& m) {
  ASSIGN_OR_RETURN(std::optional<StoredCoverageImport> stored,
                   CoverageStore::FindImport(tx, m.liaison_body, m.batch_id));
  if (!stored) return absl::NotFoundError("not imported");
  if (stored->sha256 != absl::AsciiStrToLower(m.sha256)) {
    return absl::AlreadyExistsError(
        absl::StrCat("batch_id: ", m.batch_id, " of ", m.liaison_body, " was already imported with other contents"));
  }
  CoverageImportResult result;
  result.batch_id = m.batch_id;
  result.operator_name = m.liaison_body;
  result.rows_received = stored->rows_received;
  result.coverages_added = stored->coverages_added;
  result.coverages_updated = stored->coverages_updated;
  result.rows_invalid = stored->rows_invalid;
  for (absl::string_view e : absl::StrSplit(stored->errors, '\n', absl::SkipEmpty())) {
    result.errors.push_back(std::string(e));
  }
  return result;
}

}  // namespace

CoverageUpload::CoverageUpload(storage::Database& db, const core::Clock& clock, liaison::Manifest manifest)
    : db_(db),
      clock_(clock),
      manifest_(std::move(manifest)),
      file_(manifest_.record_count, manifest_.sha256, {"cin", "scheme", "valid_from", "valid_to"},
            [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); }) {}

absl::StatusOr<std::unique_ptr<CoverageUpload>> CoverageUpload::Begin(storage::Database& db,
                                                                      const ReferenceData& reference,
                                                                      const core::Clock& clock,
                                                                      const liaison::Manifest& manifest) {
  RETURN_IF_ERROR(CheckCoverageManifest(manifest, reference));
  std::unique_ptr<CoverageUpload> upload(new CoverageUpload(db, clock, manifest));
  RETURN_IF_ERROR(db.Write([&](storage::Transaction& tx) -> absl::Status {
    absl::StatusOr<CoverageImportResult> stored = StoredResult(tx, manifest);
    if (stored.ok()) {
      upload->existing_ = *stored;
      upload->done_ = true;
      return absl::OkStatus();
    }
    if (!absl::IsNotFound(stored.status())) return stored.status();
    return CoverageStore::DropStaged(tx, manifest.liaison_body, manifest.batch_id);
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
  pending_.push_back({row, *cin, scheme, absl::FormatCivilTime(*from),
                      to_text.empty() ? std::nullopt : std::optional<std::string>(to_text)});
  if (pending_.size() >= kStageRows) return Flush();
  return absl::OkStatus();
}

absl::Status CoverageUpload::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return CoverageStore::Stage(tx, manifest_.liaison_body, manifest_.batch_id, pending_);
  }));
  pending_.clear();
  return absl::OkStatus();
}

absl::Status CoverageUpload::Discard(const absl::Status& reason) {
  done_ = true;
  db_.Write([&](storage::Transaction& tx) {
       return CoverageStore::DropStaged(tx, manifest_.liaison_body, manifest_.batch_id);
     })
      .IgnoreError();
  log::Warn("coverage file refused", {{"operator", manifest_.liaison_body}, {"reason", reason}});
  return reason;
}

void CoverageUpload::Abort() {
  if (!done_) Discard(absl::CancelledError("upload interrupted before the end")).IgnoreError();
}

absl::StatusOr<CoverageImportResult> CoverageUpload::Finish() {
  if (existing_) return *existing_;
  if (done_) return absl::FailedPreconditionError("upload already ended");
  if (absl::Status s = file_.Finish(); !s.ok()) return Discard(s);
  if (absl::Status s = Flush(); !s.ok()) return Discard(s);
  done_ = true;
  CoverageImportResult result;
  result.batch_id = manifest_.batch_id;
  result.operator_name = manifest_.liaison_body;
  result.rows_received = file_.rows();
  result.rows_invalid = invalid_;
  result.errors = errors_;
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  const std::string& op = manifest_.liaison_body;
  const std::string& id = manifest_.batch_id;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(CoverageCounts counts, CoverageStore::ApplyStaged(tx, op, id, now));
    result.coverages_added = counts.added;
    result.coverages_updated = counts.updated;
    return CoverageStore::RecordImport(tx, op, id,
                                       {absl::AsciiStrToLower(manifest_.sha256), file_.rows(), result.coverages_added,
                                        result.coverages_updated, invalid_, absl::StrJoin(errors_, "\n")},
                                       now);
  }));
  log::Info("coverage imported", {{"operator", op},
                                  {"batch_id", id},
                                  {"rows", file_.rows()},
                                  {"added", result.coverages_added},
                                  {"updated", result.coverages_updated},
                                  {"invalid", invalid_}});
  return result;
}

}  // namespace himaya::registration
