#include "registration/src/batch_upload.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "registration/src/batch_reports.h"
#include "registration/src/batch_store.h"
#include "registration/src/manifest_checks.h"
#include "registration/src/name_key.h"
#include "registration/src/person_rules.h"

namespace himaya::registration {
namespace {

// Rows per staging transaction.
constexpr size_t kStageRows = 5000;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// The columns a batch of `program` must have.
std::vector<std::string> RequiredColumns(const ReferenceData& reference, const std::string& program) {
  std::vector<std::string> required = {"record_id", "cin", "last_name", "first_name", "birth_date", "sex"};
  const ProgramRules* rules = reference.Program(program);
  if (rules != nullptr && !rules->categories.empty()) required.push_back("category");
  if (rules != nullptr && rules->households) {
    required.push_back("household_id");
    required.push_back("relationship");
  }
  return required;
}

}  // namespace

BatchUpload::BatchUpload(const IntakeContext& context, liaison::Manifest manifest)
    : context_(context),
      manifest_(std::move(manifest)),
      key_(BatchKey(manifest_.liaison_body, manifest_.batch_id)),
      file_(manifest_.record_count, manifest_.sha256, RequiredColumns(*context_.reference, manifest_.program),
            [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); }) {
  processing_date_ = absl::FormatCivilTime(absl::ToCivilDay(context_.source.clock->Now(), absl::UTCTimeZone()));
  last_flush_ = context_.source.clock->Now();
}

absl::StatusOr<std::unique_ptr<BatchUpload>> BatchUpload::Begin(const IntakeContext& context,
                                                                const liaison::Manifest& manifest) {
  RETURN_IF_ERROR(CheckBatchManifest(manifest, *context.reference));
  if (std::find(context.programs.begin(), context.programs.end(), manifest.program) == context.programs.end()) {
    return absl::FailedPreconditionError(absl::StrCat("program: this registration process serves ",
                                                      absl::StrJoin(context.programs, ", "), ", not ",
                                                      manifest.program));
  }
  std::unique_ptr<BatchUpload> upload(new BatchUpload(context, manifest));
  const std::string& key = upload->key_;
  const int64_t now = Micros(context.source.clock->Now());
  bool received_before = false;
  RETURN_IF_ERROR(context.db->Write([&](storage::Transaction& tx) -> absl::Status {
    received_before = false;
    ASSIGN_OR_RETURN(std::optional<StoredUpload> earlier, BatchStore::FindUpload(tx, key));
    if (earlier && earlier->state != kBatchRefused) {
      if (absl::AsciiStrToLower(earlier->sha256) != absl::AsciiStrToLower(manifest.sha256)) {
        return absl::AlreadyExistsError(absl::StrCat("batch_id: ", manifest.batch_id, " of ", manifest.liaison_body,
                                                     " was already received with other contents (sha256 differs)"));
      }
      if (earlier->state != kBatchReceiving) {
        received_before = true;
        return absl::OkStatus();
      }
      if (earlier->leased && earlier->lease_until_us > now) {
        return absl::UnavailableError(absl::StrCat("batch ", key, " is being received by another upload"));
      }
    }
    // New, refused before, or an upload that died: start afresh.
    RETURN_IF_ERROR(BatchStore::Forget(tx, key));
    return BatchStore::Insert(tx,
                              {key, manifest.batch_id, manifest.liaison_body, manifest.program, manifest.record_count,
                               absl::AsciiStrToLower(manifest.sha256), manifest.produced_at, upload->processing_date_,
                               context.instance_id, now + absl::ToInt64Microseconds(context.receive_lease), now});
  }));
  if (received_before) {
    ASSIGN_OR_RETURN(upload->existing_, GetBatchStatus(*context.db, manifest.liaison_body, manifest.batch_id));
    upload->done_ = true;
  } else {
    log::Info("batch receiving",
              {{"batch", key}, {"program", manifest.program}, {"record_count", manifest.record_count}});
  }
  return upload;
}

absl::Status BatchUpload::Feed(absl::string_view bytes) {
  if (done_) return refused_.ok() ? absl::FailedPreconditionError("upload already ended") : refused_;
  absl::Status status = file_.Feed(bytes);
  if (!status.ok()) return Refuse(status);
  return absl::OkStatus();
}

absl::Status BatchUpload::OnRow(int64_t row, const std::vector<std::string>& fields) {
  if (fields.size() != file_.header_size() || file_.RowTooLong()) {
    // Its values do not sit under their columns (or were not kept): nothing of it is read.
    StagedRow staged;
    staged.row_number = row;
    staged.reasons = file_.RowTooLong() ? "row:TOO_LONG" : "row:FIELD_COUNT";
    hints_.Mark(staged);
    pending_.push_back(std::move(staged));
    return FlushIfDue();
  }
  auto get = [&](const char* name) -> const std::string& { return file_.Get(fields, name); };
  // Columns past the limit of a field were delivered empty: they are reported TOO_LONG, and
  // no other rule is applied to them.
  const std::vector<std::string> too_long = file_.TooLongColumns();
  auto is_too_long = [&](const std::string& field) {
    return std::find(too_long.begin(), too_long.end(), field) != too_long.end();
  };
  const std::string relationship = absl::AsciiStrToUpper(get("relationship"));
  const std::string household_id = get("household_id");
  const std::string record_id = get("record_id");
  PersonApplication application{
      get("cin"),   get("last_name"),  get("first_name"), get("birth_date"), get("sex"),
      get("phone"), manifest_.program, get("category"),   get("city"),       get("preferred_language")};
  const absl::CivilDay today = absl::ToCivilDay(context_.source.clock->Now(), absl::UTCTimeZone());
  Validated validated = Validate(application, today, *context_.reference);
  std::vector<FieldViolation>& violations = validated.violations;
  const Person& p = validated.person;
  auto drop_violations_of = [&](auto&& matches) {
    violations.erase(std::remove_if(violations.begin(), violations.end(), matches), violations.end());
  };
  if (relationship == "CHILD" && application.cin.empty() && !is_too_long("cin")) {
    // Children may come without a CIN.
    drop_violations_of([](const FieldViolation& v) { return v.field == "cin"; });
  }
  drop_violations_of([&](const FieldViolation& v) { return is_too_long(v.field); });
  for (const std::string& column : too_long) {
    violations.push_back({column, "TOO_LONG", absl::StrCat("is longer than ", liaison::kMaxFieldBytes, " bytes")});
  }
  auto check = [&](const char* field, const absl::Status& status) {
    if (!status.ok() && !is_too_long(field)) violations.push_back(ViolationOf(status));
  };
  if (record_id.empty() && !is_too_long("record_id")) violations.push_back({"record_id", "REQUIRED", ""});
  check("record_id", CheckIdentifier("record_id", record_id));
  check("household_id", CheckIdentifier("household_id", household_id));
  check("professional_id", CheckIdentifier("professional_id", get("professional_id")));
  check("address", CheckText("address", get("address"), kMaxAddressChars));
  const LiaisonBody* body = context_.reference->Body(manifest_.liaison_body);
  bool category_ok =
      std::none_of(violations.begin(), violations.end(), [](const FieldViolation& v) { return v.field == "category"; });
  if (category_ok && !p.category.empty() && body != nullptr && body->categories.count(p.category) == 0) {
    violations.push_back({"category", "CATEGORY_NOT_ALLOWED_FOR_BODY", ""});
  }
  const ProgramRules* rules = context_.reference->Program(manifest_.program);
  if (rules != nullptr && rules->households && household_id.empty() && !is_too_long("household_id")) {
    violations.push_back({"household_id", "REQUIRED", ""});
  }
  if (!household_id.empty()) {
    if (relationship.empty()) {
      violations.push_back({"relationship", "REQUIRED", ""});
    } else if (relationship != "HEAD" && relationship != "SPOUSE" && relationship != "CHILD") {
      violations.push_back({"relationship", "RELATIONSHIP_CODE", ""});
    }
  }
  const std::string email = get("email");
  if (absl::Status text = CheckText("email", email, kMaxEmailChars); !text.ok()) {
    check("email", text);
  } else if (!email.empty()) {
    size_t at = email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == email.size() || email.find('@', at + 1) != std::string::npos) {
      violations.push_back({"email", "EMAIL_FORMAT", ""});
    }
  }
  auto arabic = [&](const char* field) {
    absl::StatusOr<std::string> name = NormalizeArabicName(field, get(field));
    check(field, name.status());
    return name.ok() ? *std::move(name) : std::string();
  };
  const std::string last_name_ar = arabic("last_name_ar");
  const std::string first_name_ar = arabic("first_name_ar");

  auto faulty = [&](const char* field) {
    return std::any_of(violations.begin(), violations.end(), [&](const FieldViolation& v) { return v.field == field; });
  };
  // What breaks a limit is not kept: the row is INVALID and its report names the column.
  auto bounded = [&](const char* field, const std::string& value) {
    const bool unbounded = std::any_of(violations.begin(), violations.end(), [&](const FieldViolation& v) {
      return v.field == field && (v.reason == "TOO_LONG" || v.reason == "NOT_PRINTABLE");
    });
    return unbounded ? std::nullopt : NonEmpty(value);
  };
  std::string reasons = absl::StrJoin(
      violations, ";", [](std::string* out, const FieldViolation& v) { absl::StrAppend(out, v.field, ":", v.reason); });
  StagedRow staged;
  staged.row_number = row;
  staged.record_id = bounded("record_id", record_id);
  staged.cin = faulty("cin") ? std::nullopt : NonEmpty(p.cin);
  staged.last_name = p.last_name;
  staged.first_name = p.first_name;
  staged.last_name_ar = NonEmpty(last_name_ar);
  staged.first_name_ar = NonEmpty(first_name_ar);
  staged.birth_date = p.birth_date;
  staged.sex = p.sex;
  staged.phone = NonEmpty(p.phone);
  staged.email = bounded("email", email);
  staged.preferred_language = p.preferred_language;
  staged.address = bounded("address", get("address"));
  staged.city = NonEmpty(p.city);
  staged.category = NonEmpty(p.category);
  staged.professional_id = bounded("professional_id", get("professional_id"));
  staged.household_id = bounded("household_id", household_id);
  staged.relationship = household_id.empty() || faulty("household_id") ? std::nullopt : NonEmpty(relationship);
  staged.name_key = PersonNameKey(p.last_name, p.first_name);
  staged.reasons = NonEmpty(reasons);
  hints_.Mark(staged);
  pending_.push_back(std::move(staged));
  return FlushIfDue();
}

BatchUpload::~BatchUpload() { WaitForWrite().IgnoreError(); }

absl::Status BatchUpload::FlushIfDue() {
  // A slice is written when full, and at least three times per receive lease however slowly
  // the rows come, so that the lease is renewed before it lapses.
  if (pending_.size() >= kStageRows || context_.source.clock->Now() - last_flush_ >= context_.receive_lease / 3) {
    return Flush();
  }
  return absl::OkStatus();
}

absl::Status BatchUpload::Flush() {
  RETURN_IF_ERROR(WaitForWrite());
  last_flush_ = context_.source.clock->Now();
  write_ = std::async(std::launch::async,
                      [this, rows = std::move(pending_), received = file_.rows()] { return Stage(rows, received); });
  pending_.clear();
  pending_.reserve(kStageRows);
  return absl::OkStatus();
}

absl::Status BatchUpload::WaitForWrite() {
  if (!write_.valid()) return absl::OkStatus();
  return write_.get();
}

absl::Status BatchUpload::Stage(const std::vector<StagedRow>& rows, int64_t rows_received) {
  const int64_t now = Micros(context_.source.clock->Now());
  return context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    if (!rows.empty()) RETURN_IF_ERROR(BatchStore::Stage(tx, key_, rows));
    ASSIGN_OR_RETURN(bool claimed,
                     BatchStore::RenewReceiveLease(tx, key_, context_.instance_id, rows_received,
                                                   now + absl::ToInt64Microseconds(context_.receive_lease)));
    if (!claimed) {
      // Another upload of the batch took over (ours was silent past its lease). Not ABORTED,
      // which the storage layer would retry: the sender starts again and meets the other one.
      claim_lost_ = true;
      return absl::UnavailableError(absl::StrCat("batch ", key_, " is being received by another upload"));
    }
    return absl::OkStatus();
  });
}

absl::Status BatchUpload::Refuse(const absl::Status& reason) {
  if (done_) return refused_;
  done_ = true;
  refused_ = reason;
  pending_.clear();
  WaitForWrite().IgnoreError();    // its error, if any, is what `reason` reports
  if (claim_lost_) return reason;  // the batch is another upload's now: leave it alone
  log::Warn("batch refused", {{"batch", key_}, {"reason", reason}});
  CountBatch(context_, manifest_.program, "refused");
  absl::Status cleaned = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    return BatchStore::Refuse(tx, key_, reason.message(), file_.rows());
  });
  if (!cleaned.ok()) log::Error("batch refusal not recorded", {{"batch", key_}, {"error", cleaned}});
  return reason;
}

void BatchUpload::Abort() {
  if (!done_) Refuse(absl::CancelledError("upload interrupted before the end")).IgnoreError();
}

absl::StatusOr<BatchStatus> BatchUpload::Finish() {
  if (done_) {
    if (existing_) return *existing_;
    return refused_.ok() ? absl::FailedPreconditionError("upload already ended") : refused_;
  }
  if (absl::Status s = file_.Finish(); !s.ok()) return Refuse(s);
  if (absl::Status s = Flush(); !s.ok()) return Refuse(s);
  if (absl::Status s = WaitForWrite(); !s.ok()) return Refuse(s);
  absl::Status ready = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    // Exactly one HEAD per household; otherwise every row of the household is invalid.
    RETURN_IF_ERROR(BatchStore::MarkHouseholdsWithoutOneHead(tx, key_));
    return BatchStore::MarkReceived(tx, key_);
  });
  if (!ready.ok()) return Refuse(ready);
  done_ = true;
  log::Info("batch received", {{"batch", key_}, {"rows", file_.rows()}});
  CountBatch(context_, manifest_.program, "received");
  context_.on_received();
  return GetBatchStatus(*context_.db, manifest_.liaison_body, manifest_.batch_id);
}

}  // namespace himaya::registration
