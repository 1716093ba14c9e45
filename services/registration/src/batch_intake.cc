#include "registration/src/batch_intake.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "nlohmann/json.hpp"
#include "registration/api/manifest_proto.h"
#include "registration/src/households.h"
#include "registration/src/manifest_checks.h"
#include "registration/src/name_key.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"
#include "registration/src/registrar.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

constexpr size_t kStageRows = 1000;
constexpr absl::Duration kApplyLease = absl::Seconds(15);

constexpr char kReceiving[] = "RECEIVING";
constexpr char kApplying[] = "APPLYING";
constexpr char kCompleted[] = "COMPLETED";
constexpr char kRefused[] = "REFUSED";

// Staged row columns, in the order of the values BatchUpload builds and the chunk query reads.
const std::vector<std::string>& StagedColumns() {
  static const auto* const columns = new std::vector<std::string>{
      "batch_key",          "row_number",    "record_id",  "cin",      "last_name",       "first_name",
      "last_name_ar",       "first_name_ar", "birth_date", "sex",      "phone",           "email",
      "preferred_language", "address",       "city",       "category", "professional_id", "household_id",
      "relationship",       "name_key",      "reasons"};
  return *columns;
}

storage::Value Optional(const std::string& v) { return v.empty() ? storage::Value() : storage::Value(v); }

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// A count kept in JSON (outcome_counts); 0 when it is not a whole number.
int64_t AsCount(const nlohmann::json& n) { return n.is_number_integer() ? n.get<int64_t>() : 0; }

google::protobuf::Timestamp ToTimestamp(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

v1::BatchState StateOf(const std::string& state) {
  if (state == kReceiving) return v1::BATCH_STATE_RECEIVING;
  if (state == kApplying) return v1::BATCH_STATE_APPLYING;
  if (state == kCompleted) return v1::BATCH_STATE_COMPLETED;
  if (state == kRefused) return v1::BATCH_STATE_REFUSED;
  return v1::BATCH_STATE_UNSPECIFIED;
}

// One CSV field of a report, quoted when it must be (RFC 4180). A spreadsheet would run a
// field that starts like a formula: such a field starts with a quote mark instead.
std::string CsvField(absl::string_view field) {
  std::string v(field);
  if (!v.empty() && absl::string_view("=+-@\t\r").find(v.front()) != absl::string_view::npos) v.insert(0, "'");
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

IntakeMetrics::IntakeMetrics(prometheus::Registry& registry)
    : rows(prometheus::BuildCounter()
               .Name("himaya_registration_batch_rows_total")
               .Help("Liaison batch rows decided, by program and outcome")
               .Register(registry)),
      batches(prometheus::BuildCounter()
                  .Name("himaya_registration_batches_total")
                  .Help("Liaison batches by program and what became of them (received, refused, completed)")
                  .Register(registry)) {}

namespace {

void CountBatch(const IntakeContext& context, const std::string& program, const char* what) {
  if (context.metrics) context.metrics->batches.Add({{"program", program}, {"what", what}}).Increment();
}

}  // namespace

absl::Status CheckIntakeSettings(int chunk_rows, absl::Duration receive_lease) {
  if (chunk_rows < 1) return absl::InvalidArgumentError("batch_chunk_rows: must be at least 1");
  if (receive_lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("batch_receive_lease: must be a positive duration, e.g. 30s");
  }
  return absl::OkStatus();
}

std::string BatchKey(absl::string_view liaison_body, absl::string_view batch_id) {
  return absl::StrCat(liaison_body, "/", batch_id);
}

namespace {

// The liaison body of `batch_id` when the caller gave none: NOT_FOUND when no body sent such a
// batch, FAILED_PRECONDITION when several did.
absl::StatusOr<std::string> ResolveBody(storage::Database& db, absl::string_view liaison_body,
                                        absl::string_view batch_id) {
  RETURN_IF_ERROR(CheckRequiredIdentifier("batch_id", batch_id));
  RETURN_IF_ERROR(CheckIdentifier("liaison_body", liaison_body));
  if (!liaison_body.empty()) return std::string(liaison_body);
  std::vector<std::string> bodies;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT liaison_body FROM batches WHERE batch_id = $1 LIMIT 2", {batch_id}));
    for (const auto& r : rows) bodies.push_back(r.Text(0));
    return absl::OkStatus();
  }));
  if (bodies.empty()) return absl::NotFoundError(absl::StrCat("batch ", batch_id, " is unknown"));
  if (bodies.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("batch ", batch_id, " was sent by several liaison bodies: name one (BODY/", batch_id, ")"));
  }
  return bodies.front();
}

}  // namespace

absl::StatusOr<v1::BatchStatus> GetBatchStatus(storage::Database& db, absl::string_view given_body,
                                               absl::string_view batch_id) {
  ASSIGN_OR_RETURN(const std::string liaison_body, ResolveBody(db, given_body, batch_id));
  v1::BatchStatus status;
  bool found = false;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT batch_id, liaison_body, program, state, rows_received, "
                                         "rows_applied, refusal, received_at_us, completed_at_us, outcome_counts "
                                         "FROM batches WHERE batch_key = $1",
                                         {BatchKey(liaison_body, batch_id)}));
    if (rows.empty()) return absl::OkStatus();
    found = true;
    const storage::Row& r = rows.front();
    status.set_batch_id(r.Text(0));
    status.set_liaison_body(r.Text(1));
    status.set_program(r.Text(2));
    status.set_state(StateOf(r.Text(3)));
    status.set_rows_received(r.Int(4));
    status.set_rows_applied(r.Int(5));
    status.set_refusal(r.Text(6));
    *status.mutable_received_at() = ToTimestamp(r.Int(7));
    if (!r.IsNull(8)) *status.mutable_completed_at() = ToTimestamp(r.Int(8));
    nlohmann::json counts = nlohmann::json::parse(r.Text(9), nullptr, false);
    if (counts.is_object()) {
      for (const auto& [outcome, n] : counts.items()) (*status.mutable_outcomes())[outcome] = AsCount(n);
    }
    return absl::OkStatus();
  }));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("batch ", liaison_body, "/", batch_id, " is unknown"));
  }
  return status;
}

absl::StatusOr<ReportPage> ReadBatchReportPage(storage::Database& db, absl::string_view given_body,
                                               absl::string_view batch_id, std::optional<int64_t> after_row,
                                               int page_rows) {
  ASSIGN_OR_RETURN(const std::string liaison_body, ResolveBody(db, given_body, batch_id));
  ReportPage page;
  if (!after_row) {
    ASSIGN_OR_RETURN(v1::BatchStatus status, GetBatchStatus(db, liaison_body, batch_id));
    if (status.state() != v1::BATCH_STATE_COMPLETED) {
      return absl::FailedPreconditionError(absl::StrCat("batch ", liaison_body, "/", batch_id, " is ",
                                                        v1::BatchState_Name(status.state()).substr(12),
                                                        ": its report exists once it is COMPLETED"));
    }
    page.csv = "record_id,row_number,outcome,registration_number,reasons\n";
    page.next_after_row = -1;
    return page;
  }
  page.next_after_row = *after_row;
  int64_t rows_read = 0;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    page.csv.clear();
    page.next_after_row = *after_row;
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT row_number, record_id, outcome, registration_number, reasons "
                                         "FROM batch_outcomes WHERE batch_key = $1 AND row_number > $2 "
                                         "ORDER BY row_number LIMIT $3",
                                         {BatchKey(liaison_body, batch_id), *after_row, int64_t{page_rows}}));
    rows_read = static_cast<int64_t>(rows.size());
    for (const storage::Row& r : rows) {
      page.next_after_row = r.Int(0);
      absl::StrAppend(&page.csv, CsvField(r.Text(1)), ",", r.Int(0), ",", CsvField(r.Text(2)), ",", CsvField(r.Text(3)),
                      ",", CsvField(r.Text(4)), "\n");
    }
    return absl::OkStatus();
  }));
  page.last = rows_read < page_rows;
  return page;
}

absl::Status WriteBatchReport(storage::Database& db, absl::string_view liaison_body, absl::string_view batch_id,
                              const std::function<absl::Status(const std::string&)>& emit) {
  std::optional<int64_t> after_row;
  while (true) {
    ASSIGN_OR_RETURN(ReportPage page, ReadBatchReportPage(db, liaison_body, batch_id, after_row));
    if (!page.csv.empty()) RETURN_IF_ERROR(emit(page.csv));
    if (page.last) return absl::OkStatus();
    after_row = page.next_after_row;
  }
}

// --- Receiving --------------------------------------------------------------------------------

// The columns a batch of `program` must have.
static std::vector<std::string> RequiredColumns(const ReferenceData& reference, const std::string& program) {
  std::vector<std::string> required = {"record_id", "cin", "last_name", "first_name", "birth_date", "sex"};
  const ProgramRules* rules = reference.Program(program);
  if (rules != nullptr && !rules->categories.empty()) required.push_back("category");
  if (rules != nullptr && rules->households) {
    required.push_back("household_id");
    required.push_back("relationship");
  }
  return required;
}

BatchUpload::BatchUpload(const IntakeContext& context, v1::Manifest manifest)
    : context_(context),
      manifest_(std::move(manifest)),
      key_(BatchKey(manifest_.liaison_body(), manifest_.batch_id())),
      file_(manifest_.record_count(), manifest_.sha256(), RequiredColumns(*context_.reference, manifest_.program()),
            [this](int64_t row, const std::vector<std::string>& fields) { return OnRow(row, fields); }) {
  processing_date_ = absl::FormatCivilTime(absl::ToCivilDay(context_.source.clock->Now(), absl::UTCTimeZone()));
}

absl::StatusOr<std::unique_ptr<BatchUpload>> BatchUpload::Begin(const IntakeContext& context,
                                                                const v1::Manifest& manifest) {
  RETURN_IF_ERROR(CheckBatchManifest(ManifestFromProto(manifest), *context.reference));
  if (std::find(context.programs.begin(), context.programs.end(), manifest.program()) == context.programs.end()) {
    return absl::FailedPreconditionError(absl::StrCat("program: this registration process serves ",
                                                      absl::StrJoin(context.programs, ", "), ", not ",
                                                      manifest.program()));
  }
  std::unique_ptr<BatchUpload> upload(new BatchUpload(context, manifest));
  const std::string& key = upload->key_;
  const int64_t now = Micros(context.source.clock->Now());
  bool received_before = false;
  RETURN_IF_ERROR(context.db->Write([&](storage::Transaction& tx) -> absl::Status {
    received_before = false;
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT sha256, state, lease_owner, lease_until_us "
                                         "FROM batches WHERE batch_key = $1",
                                         {key}));
    if (!rows.empty() && rows[0].Text(1) != kRefused) {
      if (absl::AsciiStrToLower(rows[0].Text(0)) != absl::AsciiStrToLower(manifest.sha256())) {
        return absl::AlreadyExistsError(absl::StrCat("batch_id: ", manifest.batch_id(), " of ", manifest.liaison_body(),
                                                     " was already received with other contents (sha256 differs)"));
      }
      if (rows[0].Text(1) != kReceiving) {
        received_before = true;
        return absl::OkStatus();
      }
      if (!rows[0].IsNull(2) && rows[0].Int(3) > now) {
        return absl::UnavailableError(absl::StrCat("batch ", key, " is being received by another upload"));
      }
    }
    // New, refused before, or an upload that died: start afresh.
    RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_rows WHERE batch_key = $1", {key}).status());
    RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_outcomes WHERE batch_key = $1", {key}).status());
    RETURN_IF_ERROR(tx.Execute("DELETE FROM batches WHERE batch_key = $1", {key}).status());
    return tx
        .Execute(
            "INSERT INTO batches (batch_key, batch_id, liaison_body, program, record_count, "
            "sha256, produced_at, state, processing_date, lease_owner, lease_until_us, "
            "received_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            {key, manifest.batch_id(), manifest.liaison_body(), manifest.program(), manifest.record_count(),
             absl::AsciiStrToLower(manifest.sha256()), manifest.produced_at(), kReceiving, upload->processing_date_,
             context.instance_id, now + absl::ToInt64Microseconds(context.receive_lease), now})
        .status();
  }));
  if (received_before) {
    ASSIGN_OR_RETURN(upload->existing_, GetBatchStatus(*context.db, manifest.liaison_body(), manifest.batch_id()));
    upload->done_ = true;
  } else {
    log::Info("batch receiving",
              {{"batch", key}, {"program", manifest.program()}, {"record_count", manifest.record_count()}});
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
    std::vector<storage::Value> staged(StagedColumns().size());
    staged.front() = key_;
    staged[1] = row;
    staged.back() = file_.RowTooLong() ? "row:TOO_LONG" : "row:FIELD_COUNT";
    pending_.push_back(std::move(staged));
    return pending_.size() >= kStageRows ? Flush() : absl::OkStatus();
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
      get("cin"),   get("last_name"),    get("first_name"), get("birth_date"), get("sex"),
      get("phone"), manifest_.program(), get("category"),   get("city"),       get("preferred_language")};
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
  check("address", CheckLength("address", get("address"), kMaxAddressChars));
  const LiaisonBody* body = context_.reference->Body(manifest_.liaison_body());
  bool category_ok =
      std::none_of(violations.begin(), violations.end(), [](const FieldViolation& v) { return v.field == "category"; });
  if (category_ok && !p.category.empty() && body != nullptr && body->categories.count(p.category) == 0) {
    violations.push_back({"category", "CATEGORY_NOT_ALLOWED_FOR_BODY", ""});
  }
  const ProgramRules* rules = context_.reference->Program(manifest_.program());
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
  if (absl::Status length = CheckLength("email", email, kMaxEmailChars); !length.ok()) {
    check("email", length);
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
    return unbounded ? storage::Value() : Optional(value);
  };
  std::string reasons = absl::StrJoin(
      violations, ";", [](std::string* out, const FieldViolation& v) { absl::StrAppend(out, v.field, ":", v.reason); });
  pending_.push_back({key_,
                      row,
                      bounded("record_id", record_id),
                      faulty("cin") ? storage::Value() : Optional(p.cin),
                      p.last_name,
                      p.first_name,
                      Optional(last_name_ar),
                      Optional(first_name_ar),
                      p.birth_date,
                      p.sex,
                      Optional(p.phone),
                      bounded("email", email),
                      p.preferred_language,
                      bounded("address", get("address")),
                      Optional(p.city),
                      Optional(p.category),
                      bounded("professional_id", get("professional_id")),
                      bounded("household_id", household_id),
                      household_id.empty() || faulty("household_id") ? storage::Value() : Optional(relationship),
                      PersonNameKey(p.last_name, p.first_name),
                      Optional(reasons)});
  if (pending_.size() >= kStageRows) return Flush();
  return absl::OkStatus();
}

absl::Status BatchUpload::Flush() {
  const int64_t now = Micros(context_.source.clock->Now());
  RETURN_IF_ERROR(context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    if (!pending_.empty()) {
      RETURN_IF_ERROR(storage::InsertRows(tx, "batch_rows", StagedColumns(), pending_).status());
    }
    ASSIGN_OR_RETURN(int64_t claimed,
                     tx.Execute("UPDATE batches SET rows_received = $2, lease_until_us = $3 "
                                "WHERE batch_key = $1 AND lease_owner = $4",
                                {key_, file_.rows(), now + absl::ToInt64Microseconds(context_.receive_lease),
                                 context_.instance_id}));
    if (claimed != 1) {
      // Another upload of the batch took over (ours was silent past its lease). Not ABORTED,
      // which the storage layer would retry: the sender starts again and meets the other one.
      claim_lost_ = true;
      return absl::UnavailableError(absl::StrCat("batch ", key_, " is being received by another upload"));
    }
    return absl::OkStatus();
  }));
  pending_.clear();
  return absl::OkStatus();
}

absl::Status BatchUpload::Refuse(const absl::Status& reason) {
  if (done_) return refused_;
  done_ = true;
  refused_ = reason;
  pending_.clear();
  if (claim_lost_) return reason;  // the batch is another upload's now: leave it alone
  log::Warn("batch refused", {{"batch", key_}, {"reason", reason}});
  CountBatch(context_, manifest_.program(), "refused");
  absl::Status cleaned = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute("DELETE FROM batch_rows WHERE batch_key = $1", {key_}).status());
    return tx
        .Execute(
            "UPDATE batches SET state = $2, refusal = $3, lease_owner = NULL, "
            "lease_until_us = NULL, rows_received = $4 WHERE batch_key = $1",
            {key_, kRefused, std::string(reason.message()), file_.rows()})
        .status();
  });
  if (!cleaned.ok()) log::Error("batch refusal not recorded", {{"batch", key_}, {"error", cleaned}});
  return reason;
}

void BatchUpload::Abort() {
  if (!done_) Refuse(absl::CancelledError("upload interrupted before the end")).IgnoreError();
}

absl::StatusOr<v1::BatchStatus> BatchUpload::Finish() {
  if (done_) {
    if (existing_) return *existing_;
    return refused_.ok() ? absl::FailedPreconditionError("upload already ended") : refused_;
  }
  if (absl::Status s = file_.Finish(); !s.ok()) return Refuse(s);
  if (absl::Status s = Flush(); !s.ok()) return Refuse(s);
  absl::Status ready = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    // Exactly one HEAD per household; otherwise every row of the household is invalid.
    RETURN_IF_ERROR(tx.Execute("UPDATE batch_rows SET reasons = CASE WHEN reasons IS NULL "
                               "THEN 'relationship:HOUSEHOLD_HEAD_COUNT' "
                               "ELSE reasons || ';relationship:HOUSEHOLD_HEAD_COUNT' END "
                               "WHERE batch_key = $1 AND household_id IN (SELECT household_id FROM batch_rows "
                               "WHERE batch_key = $1 AND household_id IS NOT NULL GROUP BY household_id "
                               "HAVING SUM(CASE WHEN relationship = 'HEAD' THEN 1 ELSE 0 END) <> 1)",
                               {key_})
                        .status());
    return tx
        .Execute(
            "UPDATE batches SET state = $2, lease_owner = NULL, lease_until_us = NULL "
            "WHERE batch_key = $1",
            {key_, kApplying})
        .status();
  });
  if (!ready.ok()) return Refuse(ready);
  done_ = true;
  log::Info("batch received", {{"batch", key_}, {"rows", file_.rows()}});
  CountBatch(context_, manifest_.program(), "received");
  context_.on_received();
  return GetBatchStatus(*context_.db, manifest_.liaison_body(), manifest_.batch_id());
}

// --- Applying ---------------------------------------------------------------------------------

namespace {

// The chunk query: each staged row with what decides its outcome, computed by the database.
// $1 batch key, $2 cursor (last row applied), $3 processing date, $4 chunk size.
std::string ChunkQuery(int phase) {
  return absl::StrCat(
      "SELECT r.row_number, r.record_id, r.cin, r.last_name, r.first_name, r.last_name_ar, "
      "r.first_name_ar, r.birth_date, r.sex, r.phone, r.email, r.preferred_language, r.address, "
      "r.city, r.category, r.professional_id, r.household_id, r.relationship, r.name_key, "
      "r.reasons, "
      // 20: the first earlier row with the same record_id
      "(SELECT e.record_id FROM batch_rows e WHERE e.batch_key = r.batch_key "
      " AND e.record_id = r.record_id AND e.row_number < r.row_number LIMIT 1), "
      // 21: the first earlier valid row with the same CIN
      "(SELECT e.record_id FROM batch_rows e WHERE e.batch_key = r.batch_key AND e.cin = r.cin "
      " AND e.reasons IS NULL AND e.row_number < r.row_number ORDER BY e.row_number LIMIT 1), "
      // 22: the person already registered with this CIN (or merged under it)
      "COALESCE((SELECT p.registration_number FROM persons p WHERE p.cin = r.cin), "
      " (SELECT a.registration_number FROM cin_aliases a WHERE a.cin = r.cin)), "
      // 23: a coverage of another scheme valid on the processing date
      "(SELECT c.scheme FROM coverages c WHERE c.cin = r.cin AND c.valid_from <= $3 "
      " AND (c.valid_to IS NULL OR c.valid_to >= $3) ORDER BY c.scheme LIMIT 1), "
      // 24: a look-alike: same birth date, sex and name key under another CIN
      "(SELECT l.registration_number FROM persons l WHERE l.birth_date = r.birth_date "
      " AND l.sex = r.sex AND l.name_key = r.name_key AND l.cin <> r.cin "
      " ORDER BY l.registration_number LIMIT 1), "
      // 25: the registration number of the household's head, once decided
      "(SELECT o.registration_number FROM batch_rows h JOIN batch_outcomes o "
      " ON o.batch_key = h.batch_key AND o.row_number = h.row_number "
      " WHERE h.batch_key = r.batch_key AND h.household_id = r.household_id "
      " AND h.relationship = 'HEAD' AND o.registration_number IS NOT NULL LIMIT 1), "
      // 26: the head's row when it went to review (its dependents wait for the decision)
      "(SELECT h.row_number FROM batch_rows h JOIN batch_outcomes o "
      " ON o.batch_key = h.batch_key AND o.row_number = h.row_number "
      " WHERE h.batch_key = r.batch_key AND h.household_id = r.household_id "
      " AND h.relationship = 'HEAD' AND o.outcome = 'NEEDS_REVIEW' LIMIT 1) "
      "FROM batch_rows r WHERE r.batch_key = $1 AND r.row_number > $2 AND ",
      phase == 0 ? "(r.relationship IS NULL OR r.relationship NOT IN ('SPOUSE', 'CHILD'))"
                 : "r.relationship IN ('SPOUSE', 'CHILD')",
      " ORDER BY r.row_number LIMIT $4");
}

// The person's fields of a staged row, in the order of StagedColumns() from "cin" on.
constexpr size_t kFirstPersonColumn = 3;
constexpr std::array<std::string Person::*, 13> kStagedPersonFields = {
    &Person::cin,        &Person::last_name, &Person::first_name, &Person::last_name_ar, &Person::first_name_ar,
    &Person::birth_date, &Person::sex,       &Person::phone,      &Person::email,        &Person::preferred_language,
    &Person::address,    &Person::city,      &Person::category};

// From the chunk query, whose column i is StagedColumns()[i + 1].
Person PersonFromRow(const storage::Row& r, const std::string& program, absl::Time now) {
  Person p;
  for (size_t k = 0; k < kStagedPersonFields.size(); ++k)
    p.*kStagedPersonFields[k] = r.Text(kFirstPersonColumn - 1 + k);
  p.program = program;
  p.registered_at = now;
  return p;
}

nlohmann::json RowJson(const storage::Row& r) {
  const std::vector<std::string>& columns = StagedColumns();
  nlohmann::json json;
  for (size_t i = 2; i < columns.size() && i - 1 < r.size(); ++i) {
    if (!r.IsNull(i - 1)) json[columns[i]] = r.Text(i - 1);
  }
  return json;
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseStagedRow(absl::string_view text) {
  nlohmann::json row = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!row.is_object()) return absl::DataLossError("a kept batch row is not a JSON object");
  return row;
}

std::string StagedText(const nlohmann::json& row, const std::string& column) {
  auto it = row.find(column);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Person PersonFromStagedRow(const nlohmann::json& row, const std::string& program, absl::Time now) {
  Person p;
  for (size_t k = 0; k < kStagedPersonFields.size(); ++k) {
    p.*kStagedPersonFields[k] = StagedText(row, StagedColumns()[kFirstPersonColumn + k]);
  }
  p.program = program;
  p.registered_at = now;
  return p;
}

BatchApplier::BatchApplier(IntakeContext context, std::function<void()> on_commit, int chunk_rows)
    : context_(std::move(context)), on_commit_(std::move(on_commit)), chunk_rows_(chunk_rows) {}

BatchApplier::~BatchApplier() { Stop(); }

void BatchApplier::Start() {
  thread_ = std::thread([this] { Run(); });
}

void BatchApplier::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void BatchApplier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Let another process (or this one, restarted) take our batches at once.
  context_.db
      ->Write([&](storage::Transaction& tx) {
        return tx
            .Execute(
                "UPDATE batches SET lease_owner = NULL, lease_until_us = NULL "
                "WHERE lease_owner = $1",
                {context_.instance_id})
            .status();
      })
      .IgnoreError();
}

absl::StatusOr<std::string> BatchApplier::Claim() {
  const int64_t now = Micros(context_.source.clock->Now());
  std::string claimed;
  RETURN_IF_ERROR(context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    claimed.clear();
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT batch_key FROM batches WHERE state = $1 AND "
                                         "(lease_owner IS NULL OR lease_owner = $2 OR lease_until_us < $3) "
                                         "ORDER BY received_at_us LIMIT 1",
                                         {kApplying, context_.instance_id, now}));
    if (rows.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE batches SET lease_owner = $2, lease_until_us = $3 "
                                           "WHERE batch_key = $1 AND state = $4 AND (lease_owner IS NULL "
                                           "OR lease_owner = $2 OR lease_until_us < $5)",
                                           {rows[0].Text(0), context_.instance_id,
                                            now + absl::ToInt64Microseconds(kApplyLease), kApplying, now}));
    if (n == 1) claimed = rows[0].Text(0);
    return absl::OkStatus();
  }));
  return claimed;
}

absl::StatusOr<bool> BatchApplier::ApplyChunk(const std::string& key) {
  ASSIGN_OR_RETURN(std::vector<std::string> numbers, context_.numbers->Take(chunk_rows_));
  size_t used_numbers = 0;
  bool more = true;
  bool completed = false;
  int64_t applied = 0;
  std::string program;
  std::map<std::string, int64_t> chunk_outcomes;  // counted once the chunk commits
  bool claim_lost = false;
  // Rolls the chunk back. FAILED_PRECONDITION, not ABORTED: the storage layer would run the
  // chunk again, which cannot help.
  auto claim_lost_status = [&](const std::string& key) {
    claim_lost = true;
    return absl::FailedPreconditionError(absl::StrCat("batch ", key, ": apply claim lost"));
  };
  absl::Status status = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
    used_numbers = 0;
    claim_lost = false;
    more = true;
    completed = false;
    chunk_outcomes.clear();
    const absl::Time now = context_.source.clock->Now();
    ASSIGN_OR_RETURN(auto meta, tx.Query("SELECT program, liaison_body, batch_id, apply_phase, "
                                         "apply_cursor, processing_date, outcome_counts, state, "
                                         "lease_owner, rows_applied FROM batches WHERE batch_key = $1",
                                         {key}));
    if (meta.empty() || meta[0].Text(7) != kApplying) {
      more = false;
      return absl::OkStatus();
    }
    if (meta[0].Text(8) != context_.instance_id) return claim_lost_status(key);
    program = meta[0].Text(0);
    const std::string body = meta[0].Text(1);
    const std::string batch_id = meta[0].Text(2);
    const int phase = static_cast<int>(meta[0].Int(3));
    const int64_t cursor = meta[0].Int(4);
    const std::string processing_date = meta[0].Text(5);
    nlohmann::json counts = nlohmann::json::parse(meta[0].Text(6), nullptr, false);
    if (!counts.is_object()) counts = nlohmann::json::object();

    ASSIGN_OR_RETURN(auto rows,
                     tx.Query(ChunkQuery(phase), {key, cursor, processing_date, static_cast<int64_t>(chunk_rows_)}));
    std::vector<std::vector<storage::Value>> outcomes, persons, activities, reviews, held;
    HouseholdMembers members(context_.source);
    std::vector<events::OutgoingEvent> outgoing;
    const std::string topic = events::Topic(events::kRegistrationDomain, program);
    // Persons registered earlier in this chunk, which the query could not yet see.
    std::map<std::string, std::string> chunk_lookalikes;
    for (const storage::Row& r : rows) {
      const int64_t row_number = r.Int(0);
      std::string outcome, number, reasons;
      auto activity = [&](const std::string& registration_number) {
        activities.push_back(
            {registration_number, program, Optional(r.Text(14)), body, Optional(r.Text(15)), key, Micros(now)});
      };
      const std::string lookalike_key = absl::StrCat(r.Text(7), "|", r.Text(8), "|", r.Text(18));
      if (!r.IsNull(19)) {
        outcome = kInvalid;
        reasons = r.Text(19);
      } else if (!r.IsNull(20)) {
        outcome = kInvalid;
        reasons = absl::StrCat("record_id:DUPLICATE_RECORD_ID(", r.Text(20), ")");
      } else if (!r.IsNull(21)) {
        outcome = kDuplicateInBatch;
        reasons = absl::StrCat("cin:SAME_AS(", r.Text(21), ")");
      } else if (!r.IsNull(22)) {
        outcome = kAlreadyRegistered;
        number = r.Text(22);
        activity(number);
      } else if (!r.IsNull(23)) {
        outcome = kAlreadyCovered;
        reasons = absl::StrCat("coverage:", r.Text(23));
      } else if (phase == 1) {
        if (r.IsNull(25) && !r.IsNull(26)) {
          outcome = kNeedsReview;
          reasons = "household_id:HEAD_IN_REVIEW";
          held.push_back({key, row_number, r.Int(26), r.Text(17), RowJson(r).dump()});
        } else if (r.IsNull(25)) {
          outcome = kInvalid;
          reasons = "household_id:HEAD_NOT_REGISTERED";
        } else {
          outcome = kDependent;
          number = r.Text(25);
          members.Add(number, {r.Text(17), r.Text(2), r.Text(3), r.Text(4), r.Text(7), r.Text(8)},
                      {program, body, batch_id, key, row_number});
        }
      } else if (!r.IsNull(24) || chunk_lookalikes.count(lookalike_key) > 0) {
        outcome = kNeedsReview;
        reasons = "name:LOOKS_LIKE_REGISTERED_PERSON";
        const std::string candidate = !r.IsNull(24) ? r.Text(24) : chunk_lookalikes[lookalike_key];
        reviews.push_back({core::NewUuid(*context_.source.random), key, row_number, Optional(r.Text(1)), candidate,
                           "PENDING", RowJson(r).dump(), Micros(now)});
      } else {
        if (used_numbers == numbers.size()) return absl::InternalError("numbers ran out in a chunk");
        Person person = PersonFromRow(r, program, now);
        person.registration_number = numbers[used_numbers++];
        number = person.registration_number;
        outcome = kRegistered;
        persons.push_back(PersonStore::InsertValues(person));
        activity(number);
        outgoing.push_back({topic, PersonRegisteredEvent(context_.source, person)});
        chunk_lookalikes[lookalike_key] = number;
      }
      outcomes.push_back({key, row_number, Optional(r.Text(1)), outcome, Optional(number), Optional(reasons)});
      counts[outcome] = (counts.contains(outcome) ? AsCount(counts[outcome]) : 0) + 1;
      ++chunk_outcomes[outcome];
    }
    RETURN_IF_ERROR(storage::InsertRows(tx, "persons", PersonStore::InsertColumns(), persons).status());
    RETURN_IF_ERROR(storage::InsertRows(tx, "activities",
                                        {"registration_number", "program", "category", "liaison_body",
                                         "professional_id", "batch_key", "recorded_at_us"},
                                        activities)
                        .status());
    RETURN_IF_ERROR(storage::InsertRows(tx, "reviews",
                                        {"review_id", "batch_key", "row_number", "record_id",
                                         "candidate_registration_number", "state", "row_data", "created_at_us"},
                                        reviews)
                        .status());
    RETURN_IF_ERROR(members.Write(tx));
    RETURN_IF_ERROR(storage::InsertRows(tx, "held_dependents",
                                        {"batch_key", "row_number", "head_row_number", "relationship", "row_data"},
                                        held)
                        .status());
    RETURN_IF_ERROR(storage::InsertRows(
                        tx, "batch_outcomes",
                        {"batch_key", "row_number", "record_id", "outcome", "registration_number", "reasons"}, outcomes)
                        .status());
    applied = static_cast<int64_t>(rows.size());
    int next_phase = phase;
    int64_t next_cursor = rows.empty() ? cursor : rows.back().Int(0);
    std::string state = kApplying;
    std::optional<int64_t> completed_at;
    if (static_cast<int>(rows.size()) < chunk_rows_) {
      if (phase == 0) {
        next_phase = 1;
        next_cursor = 0;
      } else {
        state = kCompleted;
        completed_at = Micros(now);
        completed = true;
        more = false;
        v1::BatchCompleted done;
        done.set_batch_id(batch_id);
        done.set_liaison_body(body);
        done.set_program(program);
        int64_t total = 0;
        for (const auto& [o, n] : counts.items()) {
          (*done.mutable_outcomes())[o] = AsCount(n);
          total += AsCount(n);
        }
        done.set_rows(total);
        *done.mutable_completed_at() = ToTimestamp(Micros(now));
        outgoing.push_back({topic, events::NewEnvelope(context_.source, done, program, key)});
      }
    }
    RETURN_IF_ERROR(events::AppendManyToOutbox(tx, outgoing, *context_.source.clock));
    ASSIGN_OR_RETURN(int64_t updated,
                     tx.Execute("UPDATE batches SET apply_phase = $2, apply_cursor = $3, "
                                "rows_applied = rows_applied + $4, outcome_counts = $5, state = $6, "
                                "completed_at_us = $7, lease_until_us = $8 "
                                "WHERE batch_key = $1 AND lease_owner = $9",
                                {key, next_phase, next_cursor, applied, counts.dump(), state, completed_at,
                                 Micros(now) + absl::ToInt64Microseconds(kApplyLease), context_.instance_id}));
    if (updated != 1) return claim_lost_status(key);
    return absl::OkStatus();
  });
  context_.numbers->GiveBack(
      std::vector<std::string>(numbers.begin() + (status.ok() ? used_numbers : 0), numbers.end()));
  if (claim_lost) {
    // Another process holds the batch now (our lease ran out): it goes on from the last chunk
    // committed, and this one stops.
    log::Warn("batch apply claim lost", {{"batch", key}});
    return false;
  }
  RETURN_IF_ERROR(status);
  on_commit_();
  if (context_.metrics) {
    for (const auto& [outcome, n] : chunk_outcomes) {
      context_.metrics->rows.Add({{"program", program}, {"outcome", outcome}}).Increment(static_cast<double>(n));
    }
  }
  if (completed) {
    CountBatch(context_, program, "completed");
    log::Info("batch completed", {{"batch", key}});
    // The staged copies are no longer needed (reviews keep their own). In slices, so that the
    // outbox relay is not kept waiting behind one long transaction.
    int64_t deleted = 0;
    do {
      absl::Status purged = context_.db->Write([&](storage::Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(deleted, tx.Execute("DELETE FROM batch_rows WHERE batch_key = $1 AND row_number IN "
                                             "(SELECT row_number FROM batch_rows WHERE batch_key = $1 "
                                             "ORDER BY row_number LIMIT 20000)",
                                             {key}));
        return absl::OkStatus();
      });
      if (!purged.ok()) {
        log::Warn("staged rows not purged", {{"batch", key}, {"error", purged}});
        break;
      }
    } while (deleted > 0);
  }
  return more;
}

absl::Status BatchApplier::ApplyAllReady() {
  while (true) {
    ASSIGN_OR_RETURN(std::string key, Claim());
    if (key.empty()) return absl::OkStatus();
    while (true) {
      absl::StatusOr<bool> more = ApplyChunk(key);
      if (absl::IsAlreadyExists(more.status())) continue;  // raced another registration: redo
      RETURN_IF_ERROR(more.status());
      if (!*more) break;
    }
  }
}

void BatchApplier::Run() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      woken_ = false;
    }
    absl::StatusOr<std::string> key = Claim();
    if (key.ok() && !key->empty()) {
      while (true) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (stop_) return;
        }
        absl::StatusOr<bool> more = ApplyChunk(*key);
        if (absl::IsAlreadyExists(more.status())) continue;
        if (!more.ok()) {
          log::Warn("batch chunk failed; will retry", {{"batch", *key}, {"error", more.status()}});
          absl::SleepFor(absl::Seconds(1));
          break;
        }
        if (!*more) break;
      }
      continue;
    }
    if (!key.ok()) log::Warn("batch claim failed", {{"error", key.status()}});
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_ || woken_; });
  }
}

}  // namespace himaya::registration
