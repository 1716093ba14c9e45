#include "claims/src/batch_upload.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "claims/src/batch_files.h"
#include "claims/src/claim_store.h"
#include "claims_file/claim_row.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"

namespace himaya::claims {
namespace {

// Files inserted per statement group.
constexpr size_t kFilesPerInsert = 500;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// The sender, as batch ids are written (1-64 of A-Z a-z 0-9 - _ .).
absl::Status CheckSender(absl::string_view sender) {
  const bool allowed = std::all_of(sender.begin(), sender.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (sender.empty() || sender.size() > 64 || !allowed) {
    return absl::InvalidArgumentError("manifest.liaison_body: the sender, 1 to 64 of A-Z, a-z, 0-9, '-', '_' and '.'");
  }
  return absl::OkStatus();
}

}  // namespace

ClaimBatchUpload::ClaimBatchUpload(const BatchIntakeContext& context, liaison::Manifest manifest)
    : context_(context),
      manifest_(std::move(manifest)),
      file_(manifest_.record_count, manifest_.sha256, claims_file::ClaimsFileRequiredColumns(),
            [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); }) {}

absl::StatusOr<std::unique_ptr<ClaimBatchUpload>> ClaimBatchUpload::Begin(const BatchIntakeContext& context,
                                                                          const liaison::Manifest& manifest) {
  RETURN_IF_ERROR(liaison::CheckManifestFields(manifest));
  RETURN_IF_ERROR(CheckSender(manifest.liaison_body));
  if (manifest.record_count > kMaxBatchRows) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.record_count: at most ", kMaxBatchRows));
  }
  std::unique_ptr<ClaimBatchUpload> upload(new ClaimBatchUpload(context, manifest));
  const std::string sha256 = absl::AsciiStrToLower(manifest.sha256);
  const int64_t now = Micros(context.clock->Now());
  bool received_before = false;
  RETURN_IF_ERROR(context.db->Write([&](storage::Transaction& tx) -> absl::Status {
    received_before = false;
    ASSIGN_OR_RETURN(std::optional<StoredBatch> earlier,
                     BatchStore::Find(tx, manifest.liaison_body, manifest.batch_id));
    if (earlier && earlier->state != kBatchRefused) {
      if (earlier->sha256 != sha256) {
        return absl::AlreadyExistsError(absl::StrCat("batch_id: ", manifest.batch_id, " of ", manifest.liaison_body,
                                                     " was already received with other contents (sha256 differs)"));
      }
      if (earlier->state != kBatchReceiving) {
        received_before = true;
        return absl::OkStatus();
      }
      if (earlier->lease_until_us > now) {
        return absl::UnavailableError(absl::StrCat("batch ", manifest.liaison_body, "/", manifest.batch_id,
                                                   " is being received by another upload"));
      }
    }
    // New, refused before, or an upload that died: start afresh.
    RETURN_IF_ERROR(BatchStore::Forget(tx, manifest.liaison_body, manifest.batch_id));
    StoredBatch batch;
    batch.sender = manifest.liaison_body;
    batch.batch_id = manifest.batch_id;
    batch.sha256 = sha256;
    batch.record_count = manifest.record_count;
    batch.state = kBatchReceiving;
    batch.received_at_us = now;
    batch.lease_until_us = now + absl::ToInt64Microseconds(context.receive_lease);
    return BatchStore::Insert(tx, batch);
  }));
  if (received_before) {
    ASSIGN_OR_RETURN(upload->existing_, GetClaimBatchStatus(*context.db, manifest.liaison_body, manifest.batch_id));
    upload->done_ = true;
  } else {
    log::Info(
        "claims batch receiving",
        {{"sender", manifest.liaison_body}, {"batch_id", manifest.batch_id}, {"record_count", manifest.record_count}});
  }
  return upload;
}

absl::Status ClaimBatchUpload::Feed(absl::string_view bytes) {
  if (existing_) return absl::OkStatus();
  if (done_) return refused_.ok() ? absl::FailedPreconditionError("upload already ended") : refused_;
  if (absl::Status status = file_.Feed(bytes); !status.ok()) return Refuse(status);
  return absl::OkStatus();
}

absl::Status ClaimBatchUpload::OnRow(int64_t row, const std::vector<std::string>& fields) {
  StagedClaimRow staged;
  staged.row_number = row;
  if (fields.size() != file_.header_size() || file_.RowTooLong()) {
    // Its values do not sit under their columns (or were not kept): it belongs to no file.
    staged.rejection = "INVALID_ROW:row";
  } else {
    auto get = [&](const std::string& column) -> const std::string& { return file_.Get(fields, column); };
    claims_file::ClaimRow read = claims_file::ReadClaimRow(row, get);
    const std::vector<std::string> too_long = file_.TooLongColumns();
    staged.claim_id = std::move(read.claim_id);
    staged.registration_number = std::move(read.registration_number);
    staged.filed_date = read.filed_date;
    staged.item = std::move(read.item);
    staged.registration_valid = identity::CheckRegistrationNumber(get("registration_number")).ok();
    staged.filed_date_valid = claims_file::ParseClaimDay("filed_date", get("filed_date")).ok();
    if (!too_long.empty() && staged.item.invalid_field.empty()) staged.item.invalid_field = too_long.front();
    if (staged.item.invalid_field == "claim_id" ||
        std::find(too_long.begin(), too_long.end(), "claim_id") != too_long.end()) {
      staged.rejection = "INVALID_ROW:claim_id";
    }
  }
  pending_.push_back(std::move(staged));
  return pending_.size() >= static_cast<size_t>(context_.stage_rows) ? Flush() : absl::OkStatus();
}

absl::Status ClaimBatchUpload::Flush() {
  const int64_t lease_until = Micros(context_.clock->Now()) + absl::ToInt64Microseconds(context_.receive_lease);
  RETURN_IF_ERROR(context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(bool held,
                     BatchStore::RenewLease(tx, manifest_.liaison_body, manifest_.batch_id, file_.rows(), lease_until));
    if (!held) {
      // Not ABORTED, which the storage layer would retry: the sender starts again and meets the
      // other upload.
      claim_lost_ = true;
      return absl::UnavailableError(absl::StrCat("batch ", manifest_.liaison_body, "/", manifest_.batch_id,
                                                 " is being received by another upload"));
    }
    return BatchStore::Stage(tx, manifest_.liaison_body, manifest_.batch_id, pending_);
  }));
  pending_.clear();
  return absl::OkStatus();
}

absl::Status ClaimBatchUpload::MakeFiles(storage::Transaction& tx) {
  const absl::Time received_at = context_.clock->Now();
  const absl::CivilDay received_day = absl::ToCivilDay(received_at, context_.options.zone);
  const BatchReceipt receipt{manifest_.liaison_body, manifest_.batch_id, received_at, received_day,
                             received_day + context_.options.due_days};
  std::vector<StagedClaimRow> group;  // the rows of one claim_id
  std::vector<std::vector<StagedClaimRow>> groups;
  std::vector<Claim> files;
  auto make = [&]() -> absl::Status {
    std::vector<std::string> ids;
    for (const auto& g : groups) ids.push_back(g.front().claim_id);
    ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> taken, ClaimStore::Existing(tx, ids));
    for (const auto& g : groups) {
      if (taken.contains(g.front().claim_id)) {
        std::vector<int64_t> rows;
        for (const StagedClaimRow& r : g) rows.push_back(r.row_number);
        RETURN_IF_ERROR(BatchStore::Reject(tx, receipt.sender, receipt.batch_id, rows, "CLAIM_ID_TAKEN"));
        continue;
      }
      BatchFile file = FileOfRows(g, receipt);
      RETURN_IF_ERROR(
          BatchStore::Reject(tx, receipt.sender, receipt.batch_id, file.rows_beyond_limit, "INVALID_ROW:claim_id"));
      files.push_back(std::move(file.claim));
    }
    groups.clear();
    if (files.size() >= kFilesPerInsert) {
      RETURN_IF_ERROR(ClaimStore::InsertMany(tx, files));
      files.clear();
    }
    return absl::OkStatus();
  };
  std::optional<std::pair<std::string, int64_t>> after;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<StagedClaimRow> page,
                     BatchStore::RowsByFile(tx, receipt.sender, receipt.batch_id, after, context_.file_rows_page));
    for (StagedClaimRow& row : page) {
      after = std::make_pair(row.claim_id, row.row_number);
      if (!group.empty() && group.front().claim_id != row.claim_id) {
        groups.push_back(std::move(group));
        group.clear();  // moved from: empty for the next file
      }
      group.push_back(std::move(row));
    }
    RETURN_IF_ERROR(make());
    if (page.size() < static_cast<size_t>(context_.file_rows_page)) break;
  }
  if (!group.empty()) groups.push_back(std::move(group));
  RETURN_IF_ERROR(make());
  if (!files.empty()) RETURN_IF_ERROR(ClaimStore::InsertMany(tx, files));
  return BatchStore::MarkDeciding(tx, receipt.sender, receipt.batch_id, file_.rows());
}

absl::Status ClaimBatchUpload::Refuse(const absl::Status& reason) {
  if (done_) return refused_;
  done_ = true;
  refused_ = reason;
  pending_.clear();
  if (claim_lost_) return reason;  // the batch is another upload's now: leave it alone
  log::Warn("claims batch refused",
            {{"sender", manifest_.liaison_body}, {"batch_id", manifest_.batch_id}, {"reason", reason}});
  absl::Status recorded = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    return BatchStore::Refuse(tx, manifest_.liaison_body, manifest_.batch_id, reason.message(), file_.rows());
  });
  if (!recorded.ok()) log::Error("claims batch refusal not recorded", {{"error", recorded}});
  if (context_.options.metrics != nullptr) context_.options.metrics->Batch("refused");
  return reason;
}

absl::StatusOr<ClaimBatchStatus> ClaimBatchUpload::Finish() {
  if (existing_) return *existing_;
  if (done_) return refused_.ok() ? absl::FailedPreconditionError("upload already ended") : refused_;
  if (absl::Status s = file_.Finish(); !s.ok()) return Refuse(s);
  if (absl::Status s = Flush(); !s.ok()) return Refuse(s);
  if (absl::Status s = context_.db->Write([&](storage::Transaction& tx) { return MakeFiles(tx); }); !s.ok()) {
    return Refuse(s);
  }
  done_ = true;
  log::Info("claims batch received",
            {{"sender", manifest_.liaison_body}, {"batch_id", manifest_.batch_id}, {"rows", file_.rows()}});
  ASSIGN_OR_RETURN(ClaimBatchStatus status,
                   GetClaimBatchStatus(*context_.db, manifest_.liaison_body, manifest_.batch_id));
  if (context_.options.metrics != nullptr) {
    context_.options.metrics->Batch("received");
    context_.options.metrics->FilesReceived(BatchChannel(manifest_.liaison_body, manifest_.batch_id),
                                            status.claims_received);
  }
  if (context_.on_received) context_.on_received();
  return status;
}

}  // namespace himaya::claims
