// Liaison batch intake on both backends: every rule and outcome of LIAISON-FILE.md, the
// reconciliation report row by row, whole-batch refusals, idempotency, households, coverage
// reference data, the review queue and activation codes.
#include "registration/src/batch_intake.h"
#include "registration/src/batch_applier.h"
#include "registration/src/batch_reports.h"
#include "registration/src/batch_upload.h"

#include <atomic>
#include <limits>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "liaison/manifested_csv.h"
#include "registration/src/activation_codes.h"
#include "registration/src/coverage_import.h"
#include "registration/src/registrar.h"
#include "registration/src/reviews.h"
#include "registration_migrations.h"
#include "registration_reference_json.h"
#include "testing/backends.h"
#include "testing/fakes.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

liaison::Manifest ManifestFor(const std::string& csv, const std::string& id, const std::string& body,
                         const std::string& program, int64_t rows) {
  liaison::Manifest m;
  m.batch_id = id;
  m.liaison_body = body;
  m.program = program;
  m.record_count = rows;
  m.sha256 = liaison::Sha256Hex(csv);
  return m;
}

constexpr char kHouseholdHeader[] = "record_id,cin,last_name,first_name,birth_date,sex,household_id,relationship\n";

struct ReportRow {
  std::string record_id, row_number, outcome, number, reasons;
};

class BatchIntakeTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(sodium_init() < 0, false);
    db_ = OpenDatabase("registration");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect()),
                                                storage::RegistrationMigrations(db_->dialect())})
                    .ok());
    clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 15, 9, 0, 0), absl::UTCTimeZone()));
    numbers_ = std::make_unique<NumberAllocator>(*db_, 50);
    registrar_ = std::make_unique<Registrar>(*db_, *numbers_, Source(), AllPrograms(), ReferenceData::Shipped());
    applier_ = std::make_unique<BatchApplier>(
        Context(AllPrograms()), [] {}, 3);  // tiny chunks
  }
  // A fresh database and domain, dependents first (the applier releases leases when it goes).
  void Reset() {
    applier_.reset();
    registrar_.reset();
    numbers_.reset();
    db_.reset();
    SetUp();
  }
  static std::vector<std::string> AllPrograms() { return {"amo-tns", "amo-tadamon", "family-allowances"}; }
  events::EventSource Source() { return {"registration", &clock_, &random_}; }
  IntakeContext Context(std::vector<std::string> programs) {
    IntakeContext context{db_.get(),      &ReferenceData::Shipped(), std::move(programs), Source(), numbers_.get(),
                          "test-instance"};
    context.metrics = &metrics_;
    return context;
  }
  // The sum of a counter family's series whose labels include `labels`.
  double Counted(const std::string& family, const std::map<std::string, std::string>& labels) {
    double sum = 0;
    for (const auto& f : registry_.Collect()) {
      if (f.name != family) continue;
      for (const auto& m : f.metric) {
        size_t matched = 0;
        for (const auto& l : m.label) matched += labels.count(l.name) && labels.at(l.name) == l.value;
        if (matched == labels.size()) sum += m.counter.value;
      }
    }
    return sum;
  }

  // Sends `csv` in chunks of `chunk` bytes, then applies it to the end.
  absl::StatusOr<BatchStatus> Submit(const std::string& csv, const liaison::Manifest& manifest, size_t chunk = 7,
                                         std::vector<std::string> programs = AllPrograms()) {
    ASSIGN_OR_RETURN(auto upload, BatchUpload::Begin(Context(std::move(programs)), manifest));
    if (upload->existing()) return *upload->existing();
    for (size_t i = 0; i < csv.size(); i += chunk) {
      RETURN_IF_ERROR(upload->Feed(absl::string_view(csv).substr(i, chunk)));
    }
    ASSIGN_OR_RETURN(BatchStatus received, upload->Finish());
    EXPECT_EQ(received.state, BatchState::kApplying);
    RETURN_IF_ERROR(applier_->ApplyAllReady());
    return GetBatchStatus(*db_, manifest.liaison_body, manifest.batch_id);
  }

  // The whole report, as WriteBatchReport gives it.
  std::string ReportText(const std::string& body, const std::string& id) {
    std::string text;
    absl::Status s = WriteBatchReport(*db_, body, id, [&](const std::string& page) {
      text += page;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return text;
  }

  std::vector<ReportRow> Report(const std::string& body, const std::string& id) {
    const std::string text = ReportText(body, id);
    std::vector<ReportRow> rows;
    std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.at(0), "record_id,row_number,outcome,registration_number,reasons");
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> f = absl::StrSplit(lines[i], absl::MaxSplits(',', 4));
      rows.push_back({f[0], f[1], f[2], f[3], f[4]});
    }
    return rows;
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query(sql));
                     n = rows.at(0).Int(0);
                     return absl::OkStatus();
                   })
                    .ok());
    return n;
  }

  std::vector<events::Envelope> OutboxEvents() {
    std::vector<events::Envelope> out;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT payload FROM outbox ORDER BY id"));
                     for (const auto& r : rows) out.push_back(*events::ParseEnvelope(r.Text(0)));
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }

  // The code stored for `number` is the keyed BLAKE2b hash of `code` (normalised), and no form a
  // person could type: with or without its dash, in either case.
  void ExpectOnlyTheKeyedHashIsStored(const std::string& number, const std::string& code) {
    std::string stored;
    ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT code_hash FROM activation_codes "
                                                          "WHERE registration_number = $1",
                                                          {number}));
                     if (rows.size() != 1) return absl::NotFoundError("no code stored");
                     stored = rows[0].Text(0);
                     return absl::OkStatus();
                   })
                    .ok());
    std::string undashed = code;
    undashed.erase(std::remove(undashed.begin(), undashed.end(), '-'), undashed.end());
    for (const std::string& typed : {code, undashed, absl::AsciiStrToLower(code), absl::AsciiStrToLower(undashed)}) {
      EXPECT_EQ(stored.find(typed), std::string::npos) << "the code in clear: " << typed;
      EXPECT_EQ(absl::AsciiStrToLower(absl::BytesToHexString(stored)).find(absl::AsciiStrToLower(typed)),
                std::string::npos);
    }
    const std::string key(32, 'k');
    std::string expected(32, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(expected.data()), expected.size(),
                       reinterpret_cast<const unsigned char*>(undashed.data()), undashed.size(),
                       reinterpret_cast<const unsigned char*>(key.data()), key.size());
    EXPECT_EQ(absl::BytesToHexString(stored), absl::BytesToHexString(expected)) << "the keyed hash of the code";
  }

  // One page of the review queue's reviews in `state`.
  static absl::StatusOr<std::vector<Review>> Listed(ReviewQueue& queue, const std::string& state, int size) {
    ASSIGN_OR_RETURN(ReviewPage page, queue.List(state, size));
    return page.reviews;
  }

  // The registered person the review tests' rows look like (Idrissi, Idrissy, Muhammad...).
  absl::StatusOr<Person> RegisterLookAlikeTarget() {
    return registrar_->Register({"A1", "El Idrissi", "Mohammed", "1970-01-01", "M", "", "amo-tns", "AGRI", "", ""});
  }

  void LoadCoverage(const std::string& csv, const std::string& id = "CNOPS-2022-01") {
    liaison::Manifest m = ManifestFor(csv, id, "CNOPS", "", std::count(csv.begin(), csv.end(), '\n') - 1);
    auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
    ASSERT_TRUE(upload.ok()) << upload.status();
    ASSERT_TRUE((*upload)->Feed(csv).ok());
    auto result = (*upload)->Finish();
    ASSERT_TRUE(result.ok()) << result.status();
  }

  prometheus::Registry registry_;
  IntakeMetrics metrics_{registry_};
  testing::FakeClock clock_;
  testing::SeededRandom random_{11};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<NumberAllocator> numbers_;
  std::unique_ptr<Registrar> registrar_;
  std::unique_ptr<BatchApplier> applier_;
};

// A household batch of the RAMED registry holding one row of every outcome.
constexpr char kEveryKind[] =
    "\xEF\xBB\xBF"  // a BOM
    "Record_ID,CIN,Last_Name,First_Name,last_name_ar,first_name_ar,Birth_Date,Sex,Phone,address,"
    "city,household_id,relationship,unknown_column\r\n"
    "H1-1, bk1001 ,Alaoui,Mohammed,العلوي,محمد,1970-05-01,M,0612345678,\"12, rue \"\"Atlas\"\"\nFes\",Fes,H1,head,x\r\n"
    "H1-2,BK1002,Alaoui,Fatima,,,1975-01-02,F,,,,H1,SPOUSE,\r\n"
    "H1-3,,Alaoui,Amine,,,2015-06-07,m,,,,H1,CHILD,\r\n"
    "H2-1,EE2001,Tazi,Karim,,,1960-02-03,M,0712345678,,Rabat,H2,HEAD,\r\n"
    "H2-2,,Tazi,Salma,,,2012-03-04,F,,,,H2,CHILD,\r\n"
    "H3-1,BK1001,Alaoui,Mohamed,,,1970-05-01,M,,,,H3,HEAD,\r\n"
    "H4-1,CD4001,Berrada,Naima,,,1980-04-05,F,,,,H4,HEAD,\r\n"
    "H5-1,12X,Fassi,Omar,,,2030-01-01,M,0522000000,,,H5,HEAD,\r\n"
    "H5-2,F5002,Fassi,Hafsa,,,1990-01-01,F,,,,H5,SPOUSE,\r\n"
    "H6-1,G6001,Bennani,Youssef,,,1955-07-08,M,,,,H6,HEAD,\r\n"
    "H7-1,JA7001,Ziani,Said,,,1950-01-01,M,,,,H7,HEAD,\r\n"
    "H7-2,JA7002,Ziani,Aicha,,,1952-01-01,F,,,,H7,HEAD,\r\n"
    "H1-1,X9,Doe,Jane,,,1980-01-01,F,,,,H8,HEAD,\r\n";

TEST_P(BatchIntakeTest, OneRowOfEachKindGetsItsOutcomeRowByRow) {
  // Already registered: Karim Tazi. Looks like Yusuf Bennani (another CIN, same birth date).
  ASSERT_TRUE(registrar_->Register({"EE2001", "Tazi", "Karim", "1960-02-03", "M", "", "amo-tns", "TAXI", "", ""}).ok());
  auto lookalike = registrar_->Register({"Z123", "Benani", "Yusuf", "1955-07-08", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(lookalike.ok());
  LoadCoverage("cin,scheme,valid_from,valid_to\nCD4001,CNOPS,2010-01-01,\n");
  const std::string csv = kEveryKind;
  auto status = Submit(csv, ManifestFor(csv, "RAMED-1", "RAMED", "amo-tadamon", 13));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->state, BatchState::kCompleted);
  EXPECT_EQ(status->rows_received, 13);
  EXPECT_EQ(status->rows_applied, 13);

  std::vector<ReportRow> report = Report("RAMED", "RAMED-1");
  ASSERT_EQ(report.size(), 13u) << "every row has exactly one outcome";
  auto row = [&](size_t i) {
    return absl::StrCat(report[i].record_id, " ", report[i].outcome, " ", report[i].reasons);
  };
  const std::string head1 = report[0].number;
  EXPECT_EQ(row(0), "H1-1 REGISTERED ");
  EXPECT_TRUE(identity::IsValidRegistrationNumber(head1));
  EXPECT_EQ(row(1), "H1-2 DEPENDENT ");
  EXPECT_EQ(report[1].number, head1);
  EXPECT_EQ(row(2), "H1-3 DEPENDENT ") << "a child may come without a CIN";
  EXPECT_EQ(report[2].number, head1);
  EXPECT_EQ(row(3), "H2-1 ALREADY_REGISTERED ");
  EXPECT_EQ(report[3].number, registrar_->GetByCin("EE2001")->registration_number);
  EXPECT_EQ(row(4), "H2-2 DEPENDENT ") << "attached to the head already registered";
  EXPECT_EQ(report[4].number, report[3].number);
  EXPECT_EQ(row(5), "H3-1 DUPLICATE_IN_BATCH cin:SAME_AS(H1-1)");
  EXPECT_EQ(row(6), "H4-1 ALREADY_COVERED coverage:CNOPS");
  EXPECT_EQ(row(7), "H5-1 INVALID cin:CIN_FORMAT;birth_date:DATE_IN_FUTURE;phone:PHONE_FORMAT");
  EXPECT_EQ(row(8), "H5-2 INVALID household_id:HEAD_NOT_REGISTERED");
  EXPECT_EQ(row(9), "H6-1 NEEDS_REVIEW name:LOOKS_LIKE_REGISTERED_PERSON");
  EXPECT_EQ(report[9].number, "");
  EXPECT_EQ(row(10), "H7-1 INVALID relationship:HOUSEHOLD_HEAD_COUNT");
  EXPECT_EQ(row(11), "H7-2 INVALID relationship:HOUSEHOLD_HEAD_COUNT");
  EXPECT_EQ(row(12), "H1-1 INVALID record_id:DUPLICATE_RECORD_ID(H1-1)");

  int64_t total = 0;
  for (const auto& [outcome, n] : status->outcomes) total += n;
  EXPECT_EQ(total, status->rows_received) << "received = sum of all outcomes";
  EXPECT_EQ(status->outcomes.at("DEPENDENT"), 3);

  // The head was stored normalised, with the quoted multi-line address.
  Person head = *registrar_->GetByNumber(head1);
  EXPECT_EQ(head.cin, "BK1001");
  EXPECT_EQ(head.phone, "+212612345678");
  EXPECT_EQ(head.program, "amo-tadamon");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM household_members"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reviews WHERE state = 'PENDING'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM activities WHERE registration_number = '" + report[3].number + "'"), 1)
      << "the new activity is recorded against the existing person";

  // Events: one PersonRegistered, three HouseholdMemberDeclared, one BatchCompleted.
  std::map<std::string, int> types;
  for (const auto& e : OutboxEvents()) ++types[e.type()];
  EXPECT_EQ(types["himaya.registration.v1.PersonRegistered"], 3);  // two by the registrar, one here
  EXPECT_EQ(types["himaya.registration.v1.HouseholdMemberDeclared"], 3);
  EXPECT_EQ(types["himaya.registration.v1.BatchCompleted"], 1);
  auto completed = events::Unpack<v1::BatchCompleted>(OutboxEvents().back());
  ASSERT_TRUE(completed.ok());
  EXPECT_EQ(completed->rows(), 13);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_rows"), 0) << "staged rows are purged once complete";

  // What operations see.
  EXPECT_EQ(Counted("himaya_registration_batch_rows_total", {{"program", "amo-tadamon"}}), 13);
  EXPECT_EQ(Counted("himaya_registration_batch_rows_total", {{"outcome", "DEPENDENT"}}), 3);
  EXPECT_EQ(Counted("himaya_registration_batches_total", {{"what", "received"}}), 1);
  EXPECT_EQ(Counted("himaya_registration_batches_total", {{"what", "completed"}}), 1);
}

TEST_P(BatchIntakeTest, ChunkSizeOfTheUploadDoesNotMatter) {
  const std::string csv = kEveryKind;
  std::vector<std::string> reports;
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{4096}}) {
    Reset();
    auto status = Submit(csv, ManifestFor(csv, "RAMED-C", "RAMED", "amo-tadamon", 13), chunk);
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->outcomes.at("REGISTERED"), 4) << chunk;
    EXPECT_EQ(status->outcomes.at("DEPENDENT"), 3) << chunk;
    std::string text;
    for (const auto& r : Report("RAMED", "RAMED-C"))
      absl::StrAppend(&text, r.record_id, r.outcome, r.number, r.reasons, "\n");
    reports.push_back(text);
  }
  EXPECT_EQ(reports[0], reports[1]);
  EXPECT_EQ(reports[0], reports[2]);
}

constexpr char kTns[] =
    "record_id,cin,last_name,first_name,birth_date,sex,phone,category\n"
    "1,A100,Idrissi,Driss,1980-01-01,M,0611111111,AGRI\n"
    "2,A101,Idrissi,Khadija,1981-01-01,F,,agri\n";

TEST_P(BatchIntakeTest, SameBatchAgainReturnsTheFirstResultAndRegistersNoOneTwice) {
  const std::string csv = kTns;
  liaison::Manifest m = ManifestFor(csv, "MAP-1", "MAPMDREF", "amo-tns", 2);
  auto first = Submit(csv, m);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->outcomes.at("REGISTERED"), 2);
  auto again = Submit(csv, m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcomes.at("REGISTERED"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), 2);
  EXPECT_EQ(Report("MAPMDREF", "MAP-1").size(), 2u);

  std::string other = csv + "3,A102,Idrissi,Meriem,1990-01-01,F,,AGRI\n";
  auto conflict = Submit(other, ManifestFor(other, "MAP-1", "MAPMDREF", "amo-tns", 3));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), 2);
}

TEST_P(BatchIntakeTest, WholeBatchRefusalsApplyNothing) {
  const std::string csv = kTns;
  struct Case {
    std::string name;
    std::string csv;
    liaison::Manifest manifest;
    absl::StatusCode code;
    std::string message;
  };
  liaison::Manifest ok = ManifestFor(csv, "X", "MAPMDREF", "amo-tns", 2);
  auto with = [&](auto change) {
    liaison::Manifest m = ok;
    change(m);
    return m;
  };
  const std::string bad_utf8 = std::string(kTns) +
                               "3,A103,Idr\xff"
                               "ssi,Ali,1980-01-01,M,,AGRI\n";
  const std::string bad_quotes = std::string(kTns) + "3,A103,\"Idrissi\"x,Ali,1980-01-01,M,,AGRI\n";
  const std::string no_sex = "record_id,cin,last_name,first_name,birth_date,category\n1,A1,A,B,1980-01-01,AGRI\n";
  std::vector<Case> cases = {
      {"unknown body", csv, with([](auto& m) { m.liaison_body = "NOBODY"; }), absl::StatusCode::kInvalidArgument,
       "unknown liaison body"},
      {"program the body does not serve", csv, with([](auto& m) { m.program = "amo-tadamon"; }),
       absl::StatusCode::kInvalidArgument, "does not serve"},
      {"count mismatch", csv, with([](auto& m) { m.record_count = 3; }), absl::StatusCode::kInvalidArgument,
       "record_count"},
      {"more rows than counted", csv, with([](auto& m) { m.record_count = 1; }), absl::StatusCode::kInvalidArgument,
       "record_count"},
      {"altered bytes", csv, with([](auto& m) { m.sha256 = std::string(64, 'a'); }),
       absl::StatusCode::kInvalidArgument, "sha256"},
      {"malformed sha", csv, with([](auto& m) { m.sha256 = "abc"; }), absl::StatusCode::kInvalidArgument,
       "manifest.sha256"},
      {"missing column", no_sex, ManifestFor(no_sex, "X", "MAPMDREF", "amo-tns", 1), absl::StatusCode::kInvalidArgument,
       "missing column sex"},
      {"not UTF-8", bad_utf8, ManifestFor(bad_utf8, "X", "MAPMDREF", "amo-tns", 3), absl::StatusCode::kInvalidArgument,
       "UTF-8"},
      {"malformed quoting", bad_quotes, ManifestFor(bad_quotes, "X", "MAPMDREF", "amo-tns", 3),
       absl::StatusCode::kInvalidArgument, "quot"},
      {"empty file", "", ManifestFor("", "X", "MAPMDREF", "amo-tns", 0), absl::StatusCode::kInvalidArgument, "empty"},
  };
  for (const Case& c : cases) {
    auto status = Submit(c.csv, c.manifest);
    EXPECT_EQ(status.status().code(), c.code) << c.name << ": " << status.status();
    EXPECT_THAT(std::string(status.status().message()), HasSubstr(c.message)) << c.name;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), 0) << c.name;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_rows"), 0) << c.name;
  }
  auto refused = GetBatchStatus(*db_, "MAPMDREF", "X");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->state, BatchState::kRefused);
  EXPECT_GT(Counted("himaya_registration_batches_total", {{"what", "refused"}}), 0);
  EXPECT_EQ(Counted("himaya_registration_batches_total", {{"what", "received"}}), 0);
  // A refused batch may be sent again, corrected.
  auto fixed = Submit(csv, ok);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->state, BatchState::kCompleted);
}

TEST_P(BatchIntakeTest, ProcessesRefuseProgramsTheyDoNotServe) {
  const std::string csv = kTns;
  auto status = Submit(csv, ManifestFor(csv, "X", "MAPMDREF", "amo-tns", 2), 7, {"amo-tadamon"});
  EXPECT_EQ(status.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.status().message()), HasSubstr("serves amo-tadamon"));
}

TEST_P(BatchIntakeTest, RowRulesEachHaveAReasonNamingTheColumn) {
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,phone,email,category,preferred_language\n"
      "1,A1,Alaoui,Ali,1980-01-01,M,,ali@example.ma,CPU,fr\n"  // DGI may send CPU
      "2,A2,Alaoui,Ali,1980-01-01,M,,,AGRI,fr\n"               // but not AGRI
      "3,A3,Alaoui,Ali,1980-01-01,M,,a@b@c,CPU,fr\n"
      "4,A4,Alaoui,Ali,1980-02-30,M,,,CPU,fr\n"
      "5,A5,Alaoui,Ali,1899-12-31,M,,,CPU,fr\n"
      "6,A6,العلوي,Ali,1980-01-01,M,,,CPU,fr\n"
      "7,A7,Alaoui,,1980-01-01,M,,,CPU,fr\n"
      "8,A8,Alaoui,Ali,1980-01-01,X,,,CPU,fr\n"
      "9,A9,Alaoui,Ali,1980-01-01,M,,,,fr\n"
      "10,A10,Alaoui,Ali,1980-01-01,M,,,CPU,en\n"
      ",A11,Alaoui,Ali,1980-01-01,M,,,CPU,fr\n"
      "12,A 12,Alaoui,Ali,1980-01-01,M,,,CPU,fr\n"
      "13,A13,Alaoui,Ali,1980-01-01,M,+33612345678,,CPU,fr\n";
  auto status = Submit(csv, ManifestFor(csv, "DGI-1", "DGI", "amo-tns", 13));
  ASSERT_TRUE(status.ok()) << status.status();
  std::vector<std::string> reasons;
  for (const auto& r : Report("DGI", "DGI-1")) reasons.push_back(absl::StrCat(r.outcome, " ", r.reasons));
  EXPECT_THAT(reasons,
              ElementsAre("REGISTERED ", "INVALID category:CATEGORY_NOT_ALLOWED_FOR_BODY", "INVALID email:EMAIL_FORMAT",
                          "INVALID birth_date:DATE_FORMAT", "INVALID birth_date:DATE_TOO_OLD",
                          "INVALID last_name:NAME_SCRIPT", "INVALID first_name:REQUIRED", "INVALID sex:SEX_CODE",
                          "INVALID category:REQUIRED", "INVALID preferred_language:LANGUAGE_CODE",
                          "INVALID record_id:REQUIRED", "INVALID cin:CIN_FORMAT", "INVALID phone:PHONE_FORMAT"));
}

TEST_P(BatchIntakeTest, CoverageFilesAddAndUpdateButNeverDelete) {
  LoadCoverage(
      "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,\nA2,CNOPS,2010-01-01,2021-12-31\n"
      "A3,CNOPS,2030-01-01,\nbad,CNOPS,2010-01-01,\n");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 3);
  // Newer file: A1 ends, A4 is new; A2 and A3 are not mentioned and stay.
  std::string newer = "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,2022-01-31\nA4,CNOPS,2020-01-01,\n";
  liaison::Manifest m = ManifestFor(newer, "CNOPS-2022-02", "CNOPS", "", 2);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Feed(newer).ok());
  auto result = (*upload)->Finish();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->coverages_added, 1);
  EXPECT_EQ(result->coverages_updated, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 4);

  // On 2022-03-15 only A4 is covered: A1 ended, A2 ended, A3 starts later.
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,A1,Alaoui,Ali,1980-01-01,M,AGRI\n2,A2,Alaoui,Aziz,1980-01-01,M,AGRI\n"
      "3,A3,Alaoui,Amal,1980-01-01,F,AGRI\n4,A4,Alaoui,Asmae,1980-01-01,F,AGRI\n";
  auto status = Submit(csv, ManifestFor(csv, "MAP-2", "MAPMDREF", "amo-tns", 4));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->outcomes.at("REGISTERED"), 3);
  EXPECT_EQ(status->outcomes.at("ALREADY_COVERED"), 1);
}

TEST_P(BatchIntakeTest, CoverageFileErrorsAreReportedAndRefusalsChangeNothing) {
  std::string csv =
      "cin,scheme,valid_from,valid_to\nA1,CNOPS,2010-01-01,\nbad,,2010-13-01,\nA2,CNOPS,2020-01-01,2019-01-01\n"
      "A3,CNOPS,2010-01-01,,extra\n";
  csv += "A4," + std::string(65, 'S') + ",2010-01-01,\n";
  liaison::Manifest m = ManifestFor(csv, "C1", "CNOPS", "", 5);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  auto result = (*upload)->Finish();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows_invalid, 4);
  EXPECT_THAT(result->errors, ElementsAre(HasSubstr("row 2: cin:"), HasSubstr("row 3: valid_to: is before"),
                                            HasSubstr("row 4: row: 5 fields where the header has 4"),
                                            HasSubstr("row 5: scheme: is longer than 64 characters")));
  liaison::Manifest wrong = ManifestFor(csv, "C2", "NOBODY", "", 3);
  EXPECT_EQ(CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, wrong).status().code(),
            absl::StatusCode::kInvalidArgument);
  liaison::Manifest short_count = ManifestFor(csv, "C3", "CNOPS", "", 2);
  auto refused = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, short_count);
  (*refused)->Feed(csv).IgnoreError();
  EXPECT_FALSE((*refused)->Finish().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 1);
}

TEST_P(BatchIntakeTest, AnInterruptedCoverageUploadLeavesNothingStaged) {
  std::string csv = "cin,scheme,valid_from,valid_to\n";
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&csv, "A", i, ",CNOPS,2010-01-01,\n");
  liaison::Manifest m = ManifestFor(csv, "C9", "CNOPS", "", 3000);
  auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(upload.ok());
  // Half the file (enough rows to be staged), then the client goes away.
  ASSERT_TRUE((*upload)->Feed(absl::string_view(csv).substr(0, csv.size() / 2)).ok());
  EXPECT_GT(Count("SELECT COUNT(*) FROM coverage_staging"), 0);
  (*upload)->Abort();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverage_staging"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 0);
  // And the file may be sent again.
  auto again = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Feed(csv).ok());
  EXPECT_TRUE((*again)->Finish().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM coverages"), 3000);
}

TEST_P(BatchIntakeTest, AgentsDecideLookAlikesAndEveryDecisionIsRecorded) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B1,Idrissi,Muhammad,1970-01-01,M,AGRI\n2,B2,Idrissy,Mohamed,1970-01-01,M,AGRI\n";
  auto status = Submit(csv, ManifestFor(csv, "MAP-3", "MAPMDREF", "amo-tns", 2));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->outcomes.at("NEEDS_REVIEW"), 2);
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].candidate_registration_number, existing->registration_number);
  EXPECT_EQ((*pending)[0].cin, "B1");

  EXPECT_EQ(queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto registered = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->state, "REGISTERED");
  EXPECT_EQ(registrar_->GetByCin("B1")->registration_number, registered->registration_number);
  auto b1 = registrar_->GetByCin("B1");  // registered from the row the review kept
  EXPECT_EQ(absl::StrCat(b1->last_name, "|", b1->first_name, "|", b1->birth_date, "|", b1->sex, "|", b1->category, "|",
                         b1->program),
            "Idrissi|Muhammad|1970-01-01|M|AGRI|amo-tns");
  auto merged = queue.Decide((*pending)[1].review_id, ReviewDecision::kMergeWithExisting, "agent.omar");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->registration_number, existing->registration_number);
  EXPECT_EQ(registrar_->GetByCin("B2")->registration_number, existing->registration_number)
      << "the merged CIN now finds the existing person";
  EXPECT_EQ(queue.Decide((*pending)[1].review_id, ReviewDecision::kRegisterAsNew, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto decided = Listed(queue, "MERGED", 10);
  ASSERT_EQ(decided->size(), 1u);
  EXPECT_EQ((*decided)[0].decided_by, "agent.omar");

  // A batch that repeats the merged CIN finds the person already registered.
  const std::string again =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n1,B2,Idrissi,Mohamed,1970-01-01,M,AGRI\n";
  auto status2 = Submit(again, ManifestFor(again, "MAP-4", "MAPMDREF", "amo-tns", 1));
  EXPECT_EQ(status2->outcomes.at("ALREADY_REGISTERED"), 1);
}

TEST_P(BatchIntakeTest, DependentsOfAHeadInReviewJoinThePersonTheDecisionGives) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,B1,Idrissi,Muhammad,1970-01-01,M,H1,HEAD\n"
                          "2,B2,Idrissi,Khadija,1975-02-02,F,H1,SPOUSE\n"
                          "3,,Idrissi,Yassine,2010-03-03,M,H1,CHILD\n"
                          "4,C1,Idrissy,Mohamed,1970-01-01,M,H2,HEAD\n"
                          "5,,Idrissy,Sara,2012-04-04,F,H2,CHILD\n";
  auto status = Submit(csv, ManifestFor(csv, "RAMED-R", "RAMED", "amo-tadamon", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->outcomes.at("NEEDS_REVIEW"), 5) << "the dependents wait with their head";
  std::vector<ReportRow> report = Report("RAMED", "RAMED-R");
  ASSERT_EQ(report.size(), 5u);
  EXPECT_EQ(report[1].outcome, "NEEDS_REVIEW");
  EXPECT_EQ(report[1].reasons, "household_id:HEAD_IN_REVIEW");
  EXPECT_EQ(report[1].number, "");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM household_members"), 0);

  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u) << "agents decide heads; their households follow";
  EXPECT_EQ((*pending)[0].household_members_waiting, 2);
  EXPECT_EQ((*pending)[1].household_members_waiting, 1);
  auto registered = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->household_members_attached, 2);
  EXPECT_EQ(Listed(queue, "REGISTERED", 10)->at(0).household_members_waiting, 0);
  auto merged = queue.Decide((*pending)[1].review_id, ReviewDecision::kMergeWithExisting, "agent.omar");
  ASSERT_TRUE(merged.ok()) << merged.status();

  report = Report("RAMED", "RAMED-R");
  const std::string head1 = registered->registration_number;
  auto row = [&](size_t i) { return absl::StrCat(report[i].number, " ", report[i].reasons); };
  EXPECT_EQ(row(0), head1 + " name:LOOKS_LIKE_REGISTERED_PERSON;review:REGISTERED");
  EXPECT_EQ(row(1), head1 + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(row(2), head1 + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(row(3), existing->registration_number + " name:LOOKS_LIKE_REGISTERED_PERSON;review:MERGED");
  EXPECT_EQ(row(4), existing->registration_number + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM household_members WHERE head_registration_number = '" + head1 + "'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM household_members WHERE head_registration_number = '" +
                  existing->registration_number + "' AND cin IS NULL"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM held_dependents"), 0);
  std::vector<std::string> heads;
  for (const auto& e : OutboxEvents()) {
    auto member = events::Unpack<v1::HouseholdMemberDeclared>(e);
    if (member.ok()) heads.push_back(member->head_registration_number());
  }
  EXPECT_THAT(heads, ::testing::ElementsAre(head1, head1, existing->registration_number));
}

TEST_P(BatchIntakeTest, AReviewWhoseCinGotRegisteredMeanwhileJoinsThatPerson) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,B1,Idrissi,Muhammad,1970-01-01,M,H1,HEAD\n"
                          "2,,Idrissi,Yassine,2010-03-03,M,H1,CHILD\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "RAMED-M", "RAMED", "amo-tadamon", 2)).ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_EQ(pending->size(), 1u);
  // Before an agent gets to it, B1 registers at a counter.
  auto counter = registrar_->Register({"B1", "Idrissi", "Muhammad", "1970-01-01", "M", "", "amo-tadamon", "", "", ""});
  ASSERT_TRUE(counter.ok()) << counter.status();

  auto decided = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->state, "ALREADY_REGISTERED");
  EXPECT_EQ(decided->registration_number, counter->registration_number);
  EXPECT_EQ(decided->household_members_attached, 1);
  EXPECT_TRUE(Listed(queue, "", 10)->empty()) << "nothing is left undecidable in the queue";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE cin = 'B1'"), 1) << "nobody registered twice";
  std::vector<ReportRow> report = Report("RAMED", "RAMED-M");
  EXPECT_EQ(report[0].number, counter->registration_number);
  EXPECT_EQ(report[0].reasons, "name:LOOKS_LIKE_REGISTERED_PERSON;review:ALREADY_REGISTERED");
  EXPECT_EQ(report[1].number, counter->registration_number);
}

TEST_P(BatchIntakeTest, ActivationCodesAreSingleUseExpiringAndLimited) {
  auto p = registrar_->Register({"BK77", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto first = codes.Issue(n);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->code, ::testing::MatchesRegex("[0-9A-Z]{4}-[0-9A-Z]{4}"));
  ExpectOnlyTheKeyedHashIsStored(n, first->code);
  auto second = codes.Issue(n);  // replaces the first
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(codes.Activate(n, first->code).code(), absl::StatusCode::kPermissionDenied);
  std::string typed = absl::AsciiStrToLower(second->code);
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  EXPECT_TRUE(codes.Activate(n, typed).ok()) << "case and separators do not matter";
  EXPECT_EQ(codes.Activate(n, second->code).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(codes.Issue(n).status().code(), absl::StatusCode::kFailedPrecondition) << "already active";
  EXPECT_EQ(codes.Issue("100000025").status().code(), absl::StatusCode::kNotFound);

  auto q = registrar_->Register({"BK78", "Tazi", "Houda", "1991-09-09", "F", "", "amo-tns", "TAXI", "", ""});
  auto limited = codes.Issue(q->registration_number);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(codes.Activate(q->registration_number, "0000-0000").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(codes.Activate(q->registration_number, limited->code).code(), absl::StatusCode::kFailedPrecondition)
      << "five wrong attempts spend the code";
  auto expiring = codes.Issue(q->registration_number);
  clock_.Advance(absl::Hours(24 * 31));
  EXPECT_EQ(codes.Activate(q->registration_number, expiring->code).code(), absl::StatusCode::kFailedPrecondition);
  std::map<std::string, int> types;
  for (const auto& e : OutboxEvents()) ++types[e.type()];
  EXPECT_EQ(types["himaya.registration.v1.AccountActivated"], 1);
  for (const auto& e : OutboxEvents()) {
    EXPECT_EQ(e.SerializeAsString().find(second->code.substr(0, 4)), std::string::npos) << "no code in events";
  }
}

TEST_P(BatchIntakeTest, ManyCodesAndRecipientsInOneCallEachWithItsOwnAnswer) {
  auto a =
      registrar_->Register({"BK80", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
  auto b = registrar_->Register({"BK81", "Tazi", "Houda", "1991-09-09", "F", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(a.ok() && b.ok());
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  auto active = codes.Issue(b->registration_number);
  ASSERT_TRUE(codes.Activate(b->registration_number, active->code).ok());
  auto old = codes.Issue(a->registration_number);
  ASSERT_TRUE(old.ok());

  auto issued = codes.PrepareRecipients({{a->registration_number, true},
                                         {"000000000", true},
                                         {b->registration_number, true},
                                         {a->registration_number, true}});
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_EQ(issued->size(), 4u);
  EXPECT_TRUE((*issued)[0].code.has_value());
  EXPECT_FALSE((*issued)[1].person.has_value()) << "nobody has this number";
  EXPECT_TRUE((*issued)[2].account_active) << "already active";
  EXPECT_FALSE((*issued)[2].code.has_value());
  ASSERT_TRUE((*issued)[3].code.has_value());
  EXPECT_NE((*issued)[0].code->code, (*issued)[3].code->code);
  EXPECT_EQ(codes.Activate(a->registration_number, old->code).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(codes.Activate(a->registration_number, (*issued)[0].code->code).code(), absl::StatusCode::kPermissionDenied)
      << "the last code issued is the one that works";
  EXPECT_TRUE(codes.Activate(a->registration_number, (*issued)[3].code->code).ok());

  // Without codes: the persons only, and nothing issued.
  auto persons =
      codes.PrepareRecipients({{b->registration_number, false}, {"000000000", false}, {a->registration_number, false}});
  ASSERT_TRUE(persons.ok());
  ASSERT_EQ(persons->size(), 3u);
  EXPECT_EQ((*persons)[0].person->cin, "BK81");
  EXPECT_FALSE((*persons)[1].person.has_value());
  EXPECT_EQ((*persons)[2].person->phone, "+212612345678");
  EXPECT_EQ((*persons)[2].person->preferred_language, "ar");
  EXPECT_FALSE((*persons)[2].code.has_value());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM activation_codes WHERE used_at_us IS NULL"), 0)
      << "no code issued when none was asked for";

  // Too many at once.
  std::vector<RecipientQuery> too_many(kMaxRecipientQueries + 1, RecipientQuery{a->registration_number, false});
  auto refused = codes.PrepareRecipients(too_many);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("at most 1000"));
}

TEST_P(BatchIntakeTest, FieldsPastTheirLimitsMakeTheRowInvalidNamingTheColumn) {
  const std::string header =
      "record_id,cin,last_name,first_name,birth_date,sex,email,address,city,professional_id,category,note\n";
  auto row = [](const std::string& id, const std::string& cin, const std::string& email, const std::string& address,
                const std::string& city, const std::string& professional_id, const std::string& note = "") {
    return absl::StrCat(id, ",", cin, ",Alaoui,Ali,1980-01-01,M,", email, ",", address, ",", city, ",", professional_id,
                        ",CPU,", note, "\n");
  };
  const std::string huge_city(1500 * 1024, 'F');  // 1.5 MB: past the limit of a row
  const std::string csv =
      header + row("1", "A1", "", "", std::string(80, 'c'), std::string(64, 'p')) +
      row("2", "A2", "", "", std::string(81, 'c'), "") + row("3", "A3", "", "", huge_city, "") +
      row("4", "A4", "", std::string(201, 'a'), "", "") + row("5", "A5", std::string(250, 'e') + "@b.ma", "", "", "") +
      row("6", "A6", "", "", "", std::string(65, 'p')) + row(std::string(65, 'r'), "A7", "", "", "", "") +
      row(std::string("8\0x", 3), "A8", "", "", "", "") + row("9", "A9", "", "", "", "", std::string(65 * 1024, 'n')) +
      "10,A10,Bennani,Omar,1981-01-01,M,,,Fès,,CPU,\n";
  auto status = Submit(csv, ManifestFor(csv, "DGI-L", "DGI", "amo-tns", 10), 64 * 1024);
  ASSERT_TRUE(status.ok()) << status.status();
  std::vector<std::string> reasons;
  std::vector<ReportRow> report = Report("DGI", "DGI-L");
  for (const auto& r : report) reasons.push_back(absl::StrCat(r.row_number, " ", r.outcome, " ", r.reasons));
  EXPECT_THAT(reasons, ElementsAre("1 REGISTERED ", "2 INVALID city:TOO_LONG", "3 INVALID row:TOO_LONG",
                                   "4 INVALID address:TOO_LONG", "5 INVALID email:TOO_LONG",
                                   "6 INVALID professional_id:TOO_LONG", "7 INVALID record_id:TOO_LONG",
                                   "8 INVALID record_id:NOT_PRINTABLE", "9 INVALID note:TOO_LONG", "10 REGISTERED "));
  EXPECT_EQ(report[6].record_id, "") << "an identifier past its limit is not echoed";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons"), 2);
  for (const auto& e : OutboxEvents()) EXPECT_LT(e.ByteSizeLong(), 2048u) << "no oversized field reaches an event";
}

TEST_P(BatchIntakeTest, ARowOfAnotherShapeThanTheHeaderIsInvalid) {
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,address,city,category\n"
      "1,A1,Alaoui,Ali,1980-01-01,M,12, rue Atlas,Fes,CPU\n"  // the address's comma shifts the row
      "2,A2,Alaoui,Aziz,1980-01-01,M,Fes,CPU\n"               // a field short
      "3,A3,Alaoui,Amal,1980-01-01,F,\"12, rue Atlas\",Fes,CPU\n";
  auto status = Submit(csv, ManifestFor(csv, "DGI-S", "DGI", "amo-tns", 3));
  ASSERT_TRUE(status.ok()) << status.status();
  std::vector<std::string> reasons;
  for (const auto& r : Report("DGI", "DGI-S"))
    reasons.push_back(absl::StrCat(r.record_id, " ", r.outcome, " ", r.reasons));
  EXPECT_THAT(reasons, ElementsAre(" INVALID row:FIELD_COUNT", " INVALID row:FIELD_COUNT", "3 REGISTERED "));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE city = 'rue Atlas'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM persons WHERE city = 'Fes'"), 1);
}

TEST_P(BatchIntakeTest, NamesAreComposedBeforeTheyAreCheckedAndArabicColumnsHoldArabic) {
  const std::string csv =
      "record_id,cin,last_name,first_name,last_name_ar,first_name_ar,birth_date,sex,category\n"
      "1,A1,Alaoui,Fe\xCC\x81lix,العلوي,,1980-01-01,M,CPU\n"  // a decomposed accent
      "2,A2,Alaoui,Amal,Alaoui,,1980-01-01,F,CPU\n"
      "3,A3,Alaoui,Anas,,\xE2\x80\x8F,1981-01-01,M,CPU\n";  // an invisible mark alone
  auto status = Submit(csv, ManifestFor(csv, "DGI-N", "DGI", "amo-tns", 3));
  ASSERT_TRUE(status.ok()) << status.status();
  std::vector<std::string> reasons;
  for (const auto& r : Report("DGI", "DGI-N")) reasons.push_back(absl::StrCat(r.outcome, " ", r.reasons));
  EXPECT_THAT(reasons,
              ElementsAre("REGISTERED ", "INVALID last_name_ar:NAME_SCRIPT", "INVALID first_name_ar:NAME_SCRIPT"));
  EXPECT_EQ(registrar_->GetByCin("A1")->first_name, "F\xC3\xA9lix");
}

TEST_P(BatchIntakeTest, ReportsCarryTheRowNumberAndAreSafeInASpreadsheet) {
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",A1,Alaoui,Ali,1980-01-01,M,CPU\n"
      "+1,A2,Alaoui,Aziz,1980-01-01,M,CPU\n"
      "-2,A3,Alaoui,Amal,1980-01-01,F,CPU\n"
      "@SUM(A1),A4,Alaoui,Asmae,1980-01-01,F,CPU\n"
      "ok,A5,Alaoui,Anas,1980-01-01,M,CPU\n";
  auto status = Submit(csv, ManifestFor(csv, "DGI-F", "DGI", "amo-tns", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  std::string text;
  ASSERT_TRUE(WriteBatchReport(*db_, "DGI", "DGI-F", [&](const std::string& page) {
                text += page;
                return absl::OkStatus();
              }).ok());
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[0], "record_id,row_number,outcome,registration_number,reasons");
  EXPECT_THAT(lines[1], ::testing::StartsWith("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,REGISTERED,"));
  EXPECT_THAT(lines[2], ::testing::StartsWith("'+1,2,REGISTERED,"));
  EXPECT_THAT(lines[3], ::testing::StartsWith("'-2,3,REGISTERED,"));
  EXPECT_THAT(lines[4], ::testing::StartsWith("'@SUM(A1),4,REGISTERED,"));
  EXPECT_THAT(lines[5], ::testing::StartsWith("ok,5,REGISTERED,"));
}

TEST_P(BatchIntakeTest, ReportsAreReadAPageAtATimeAfterACursor) {
  std::string csv = "record_id,cin,last_name,first_name,birth_date,sex,category\n";
  for (int i = 1; i <= 5; ++i) absl::StrAppend(&csv, "r", i, ",P", i, ",Alaoui,Ali,1980-01-0", i, ",M,CPU\n");
  auto status = Submit(csv, ManifestFor(csv, "DGI-P", "DGI", "amo-tns", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  const std::string whole = ReportText("DGI", "DGI-P");
  // Two rows a page: the header, then rows 1-2, 3-4 and 5, the last.
  std::vector<std::string> pages;
  std::optional<int64_t> after_row;
  for (int i = 0; i < 10; ++i) {
    auto page = ReadBatchReportPage(*db_, "DGI", "DGI-P", after_row, /*page_rows=*/2);
    ASSERT_TRUE(page.ok()) << page.status();
    pages.push_back(page->csv);
    if (page->last) break;
    after_row = page->next_after_row;
  }
  ASSERT_EQ(pages.size(), 4u);
  EXPECT_EQ(pages[0], "record_id,row_number,outcome,registration_number,reasons\n");
  EXPECT_THAT(pages[1], ::testing::StartsWith("r1,1,REGISTERED,"));
  EXPECT_THAT(pages[3], ::testing::StartsWith("r5,5,REGISTERED,"));
  EXPECT_EQ(absl::StrJoin(pages, ""), whole);
  // A batch not yet complete, or unknown, has no first page.
  EXPECT_EQ(ReadBatchReportPage(*db_, "DGI", "NOPE", std::nullopt).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(BatchIntakeTest, RowsFollowTheReferenceDataGiven) {
  // A deployment's reference data: a new category, and a liaison body that may send it.
  std::string json(registration_reference_json());
  json.replace(json.find("\"ARTISAN\","), 0, "\"FISH\", ");
  json.replace(json.find("\"MAPMDREF\""), 0,
               "\"MPM\": {\"name\": \"Fisheries\", \"programs\": [\"amo-tns\"], \"categories\": [\"FISH\"]}, ");
  absl::StatusOr<ReferenceData> reference = ReferenceData::Parse(json);
  ASSERT_TRUE(reference.ok()) << reference.status();
  IntakeContext context = Context(AllPrograms());
  context.reference = &*reference;
  applier_ = std::make_unique<BatchApplier>(
      context, [] {}, 3);
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n1,A1,Alaoui,Ali,1980-01-01,M,FISH\n"
      "2,A2,Alaoui,Aziz,1980-01-01,M,AGRI\n";
  liaison::Manifest manifest = ManifestFor(csv, "MPM-1", "MPM", "amo-tns", 2);
  auto upload = BatchUpload::Begin(context, manifest);
  ASSERT_TRUE(upload.ok()) << upload.status();
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  ASSERT_TRUE((*upload)->Finish().ok());
  ASSERT_TRUE(applier_->ApplyAllReady().ok());
  std::vector<std::string> reasons;
  for (const auto& r : Report("MPM", "MPM-1")) reasons.push_back(absl::StrCat(r.outcome, " ", r.reasons));
  EXPECT_THAT(reasons, ElementsAre("REGISTERED ", "INVALID category:CATEGORY_NOT_ALLOWED_FOR_BODY"));

  Registrar registrar(*db_, *numbers_, Source(), AllPrograms(), *reference);
  auto person = registrar.Register({"A3", "Alaoui", "Amal", "1980-01-01", "F", "", "amo-tns", "fish", "", ""});
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->category, "FISH");
}

TEST_P(BatchIntakeTest, AnApplierThatLostItsClaimStopsWithoutRetrying) {
  const std::string csv =
      std::string(kTns) + "3,A102,Idrissi,Meriem,1990-01-01,F,,AGRI\n" + "4,A103,Idrissi,Nabil,1991-01-01,M,,AGRI\n";
  liaison::Manifest manifest = ManifestFor(csv, "MAP-L", "MAPMDREF", "amo-tns", 4);
  auto upload = BatchUpload::Begin(Context(AllPrograms()), manifest);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  ASSERT_TRUE((*upload)->Finish().ok());
  // After its first chunk, another process takes the batch over (this one's lease ran out).
  int commits = 0;
  BatchApplier applier(
      Context(AllPrograms()),
      [&] {
        if (++commits == 1) {
          ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                           return tx
                               .Execute("UPDATE batches SET lease_owner = 'other', lease_until_us = $1",
                                        {std::numeric_limits<int64_t>::max()})
                               .status();
                         })
                          .ok());
        }
      },
      3);
  absl::Status applied = applier.ApplyAllReady();
  EXPECT_TRUE(applied.ok()) << applied << ": a lost claim is no error to retry";
  auto status = GetBatchStatus(*db_, "MAPMDREF", "MAP-L");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, BatchState::kApplying);
  EXPECT_EQ(status->rows_applied, 3) << "the other process goes on from the last chunk committed";
}

TEST_P(BatchIntakeTest, AnUploadThatLostItsClaimLeavesTheBatchToTheOtherUpload) {
  const std::string csv = kTns;
  liaison::Manifest manifest = ManifestFor(csv, "MAP-U", "MAPMDREF", "amo-tns", 2);
  auto upload = BatchUpload::Begin(Context(AllPrograms()), manifest);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE((*upload)->Feed(csv).ok());
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE batches SET lease_owner = 'other upload'").status();
                 })
                  .ok());
  auto finished = (*upload)->Finish();
  EXPECT_EQ(finished.status().code(), absl::StatusCode::kUnavailable) << finished.status();
  auto status = GetBatchStatus(*db_, "MAPMDREF", "MAP-U");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, BatchState::kReceiving) << "the other upload's batch is not refused";
}

TEST_P(BatchIntakeTest, AReviewWhoseKeptRowIsDamagedIsAnErrorNotACrash) {
  ASSERT_TRUE(RegisterLookAlikeTarget().ok());
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B1,Idrissi,Muhammad,1970-01-01,M,AGRI\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "MAP-D", "MAPMDREF", "amo-tns", 1)).ok());
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE reviews SET row_data = '{\"cin\": 7, \"last_name\": [' ").status();
                 })
                  .ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 0);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  auto decided = queue.Decide(pending->front().review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kDataLoss) << decided.status();
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE reviews SET row_data = '{\"cin\": 7, \"last_name\": [\"x\"]}'").status();
                 })
                  .ok());
  EXPECT_TRUE(Listed(queue, "", 0).ok()) << "fields of the wrong type are read as empty";
}

TEST_P(BatchIntakeTest, ConcurrentWrongGuessesCannotPassTheAttemptLimit) {
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  const int limit = ReferenceData::Shipped().activation_code_max_attempts;
  // Several persons, since one round of a race may happen to line up.
  for (int person = 0; person < 4; ++person) {
    auto p = registrar_->Register(
        {absl::StrCat("BK9", person), "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
    ASSERT_TRUE(p.ok());
    auto code = codes.Issue(p->registration_number);
    ASSERT_TRUE(code.ok());
    const std::string wrong = code->code == "0000-0000" ? "1111-1111" : "0000-0000";
    constexpr int kGuesses = 24;
    std::atomic<int> ready{0};
    std::atomic<int> denied{0}, refused{0}, other{0};
    std::vector<std::thread> guessers;
    for (int i = 0; i < kGuesses; ++i) {
      guessers.emplace_back([&] {
        ++ready;
        while (ready.load() < kGuesses) std::this_thread::yield();  // all start together
        absl::Status s = codes.Activate(p->registration_number, wrong);
        if (absl::IsPermissionDenied(s)) {
          ++denied;
        } else if (absl::IsFailedPrecondition(s)) {
          ++refused;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : guessers) t.join();
    EXPECT_EQ(denied.load(), limit) << "wrong guesses compared with the code, person " << person;
    EXPECT_EQ(refused.load(), kGuesses - limit);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(
        Count("SELECT attempts FROM activation_codes WHERE registration_number = '" + p->registration_number + "'"),
        limit);
    EXPECT_EQ(codes.Activate(p->registration_number, code->code).code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST_P(BatchIntakeTest, ANewCodeDoesNotResetTheWrongAttempts) {
  auto p = registrar_->Register({"BK91", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
  ASSERT_TRUE(p.ok());
  const std::string n = p->registration_number;
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  const int limit = ReferenceData::Shipped().activation_code_max_attempts;
  for (int i = 0; i < limit; ++i) {
    auto issued = codes.Issue(n);  // a new code before every guess
    ASSERT_TRUE(issued.ok());
    const std::string wrong = issued->code == "0000-0000" ? "1111-1111" : "0000-0000";
    EXPECT_EQ(codes.Activate(n, wrong).code(), absl::StatusCode::kPermissionDenied) << i;
  }
  auto fresh = codes.Issue(n);
  ASSERT_TRUE(fresh.ok());
  absl::Status blocked = codes.Activate(n, fresh->code);
  EXPECT_EQ(blocked.code(), absl::StatusCode::kFailedPrecondition) << "even the right code, until the window ends";
  EXPECT_THAT(std::string(blocked.message()), HasSubstr("too many wrong attempts"));
  clock_.Advance(absl::Hours(ReferenceData::Shipped().activation_attempt_window_hours) + absl::Minutes(1));
  EXPECT_TRUE(codes.Activate(n, fresh->code).ok()) << "a new window, a new count";
}

TEST_P(BatchIntakeTest, TheReviewQueueComesInPagesAndRefusesWhatItDoesNotKnow) {
  ASSERT_TRUE(RegisterLookAlikeTarget().ok());
  std::string csv = "record_id,cin,last_name,first_name,birth_date,sex,category\n";
  for (int i = 0; i < 7; ++i) absl::StrAppend(&csv, i, ",B", i, ",Idrissi,Muhammad,1970-01-01,M,AGRI\n");
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "MAP-P", "MAPMDREF", "amo-tns", 7)).ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = queue.List("", 3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->reviews.size(), 3u);
    for (const auto& r : page->reviews) seen.push_back(r.record_id);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("0", "1", "2", "3", "4", "5", "6")) << "each once, in order";
  EXPECT_EQ(queue.List("", 100000)->reviews.size(), 7u) << "a page size past the bound is read as the bound";

  EXPECT_EQ(queue.List("", -1).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status state = queue.List("DONE", 10).status();
  EXPECT_EQ(state.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(state.message()), HasSubstr("state:"));
  EXPECT_EQ(queue.List("", 10, "no-such-review").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(queue.List("", 10, std::string(100000, 't')).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(BatchIntakeTest, RequestIdentifiersAreRequiredBoundedAndNotEchoed) {
  ReviewQueue queue(*db_, *numbers_, Source());
  auto expect_invalid = [](const absl::Status& s, const std::string& field) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(field + ":")) << s;
    EXPECT_LT(s.message().size(), 200u) << "not echoed whole";
  };
  const std::string huge(1 << 20, 'x');
  expect_invalid(queue.Decide("", ReviewDecision::kRegisterAsNew, "agent.amal").status(), "review_id");
  expect_invalid(queue.Decide(huge, ReviewDecision::kRegisterAsNew, "agent.amal").status(), "review_id");
  expect_invalid(queue.Decide("r1", ReviewDecision::kRegisterAsNew, huge).status(), "agent");
  expect_invalid(queue.Decide("r1", static_cast<ReviewDecision>(7), "agent.amal").status(),
                 "decision");
  expect_invalid(GetBatchStatus(*db_, "", "").status(), "batch_id");
  expect_invalid(GetBatchStatus(*db_, "", huge).status(), "batch_id");
  expect_invalid(GetBatchStatus(*db_, huge, "B1").status(), "liaison_body");
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  expect_invalid(codes.Issue("").status(), "registration_number");
  expect_invalid(codes.Activate("", "ABCD-EFGH"), "registration_number");
  expect_invalid(codes.Activate(huge, "ABCD-EFGH"), "registration_number");
  expect_invalid(codes.Activate("100000025", ""), "code");
  auto answers = codes.PrepareRecipients({{"", true}, {huge, true}});
  ASSERT_TRUE(answers.ok()) << "one malformed number does not fail the others";
  EXPECT_FALSE((*answers)[0].person.has_value());
  EXPECT_FALSE((*answers)[1].person.has_value());
}

INSTANTIATE_BACKENDS(BatchIntakeTest);

TEST(IntakeSettings, ChunksAndLeasesMustBePositive) {
  EXPECT_TRUE(CheckIntakeSettings(5000, absl::Seconds(30)).ok());
  EXPECT_THAT(std::string(CheckIntakeSettings(0, absl::Seconds(30)).message()), HasSubstr("batch_chunk_rows"));
  EXPECT_THAT(std::string(CheckIntakeSettings(5000, absl::ZeroDuration()).message()), HasSubstr("batch_receive_lease"));
  EXPECT_EQ(CheckIntakeSettings(5000, -absl::Seconds(1)).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace himaya::registration
