// Liaison batch upload on both backends: every rule and outcome of LIAISON-FILE.md, the
// reconciliation report row by row, whole-batch refusals, idempotency, households, the
// reference data, a lost receive claim, and the intake settings.
#include "registration/src/batch_upload.h"

#include <algorithm>

#include "intake_fixture.h"
#include "stack/local_stack.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class BatchUploadTest : public IntakeTest {
 protected:
  // Receives `csv` of RAMED as batch `id`, without applying it.
  void ReceiveOnly(const std::string& csv, const std::string& id) {
    auto received = Receive(csv, ManifestFor(csv, id, "RAMED", "amo-tadamon", 13));
    ASSERT_TRUE(received.ok()) << received.status();
  }
  // The numbers of the staged rows that meet `condition`.
  std::vector<int64_t> StagedRowsWhere(const std::string& condition) {
    std::vector<int64_t> numbers;
    for (const auto& r :
         testing::Rows(*db_, "SELECT row_number FROM batch_rows WHERE " + condition + " ORDER BY row_number")) {
      numbers.push_back(r.Int(0));
    }
    return numbers;
  }
  // Sets the staged rows' repeat marks (`assignments`), then applies what was received.
  void ApplyWithMarks(const std::string& assignments) {
    ASSERT_GT(testing::Execute(*db_, "UPDATE batch_rows SET " + assignments), 0);
    ASSERT_TRUE(applier_->ApplyAllReady().ok());
  }
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

TEST_P(BatchUploadTest, OneRowOfEachKindGetsItsOutcomeRowByRow) {
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
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM household_members"), 3);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM reviews WHERE state = 'PENDING'"), 1);
  EXPECT_EQ(
      testing::Count(*db_, "SELECT COUNT(*) FROM activities WHERE registration_number = '" + report[3].number + "'"), 1)
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
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM batch_rows"), 0) << "staged rows are purged once complete";

  // What operations see.
  EXPECT_EQ(Counted("himaya_registration_batch_rows_total", {{"program", "amo-tadamon"}}), 13);
  EXPECT_EQ(Counted("himaya_registration_batch_rows_total", {{"outcome", "DEPENDENT"}}), 3);
  EXPECT_EQ(Counted("himaya_registration_batches_total", {{"what", "received"}}), 1);
  EXPECT_EQ(Counted("himaya_registration_batches_total", {{"what", "completed"}}), 1);
}

TEST_P(BatchUploadTest, ChunkSizeOfTheUploadDoesNotMatter) {
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

TEST_P(BatchUploadTest, SameBatchAgainReturnsTheFirstResultAndRegistersNoOneTwice) {
  const std::string csv = kTns;
  liaison::Manifest m = ManifestFor(csv, "MAP-1", "MAPMDREF", "amo-tns", 2);
  auto first = Submit(csv, m);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->outcomes.at("REGISTERED"), 2);
  auto again = Submit(csv, m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcomes.at("REGISTERED"), 2);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons"), 2);
  EXPECT_EQ(Report("MAPMDREF", "MAP-1").size(), 2u);

  std::string other = csv + "3,A102,Idrissi,Meriem,1990-01-01,F,,AGRI\n";
  auto conflict = Submit(other, ManifestFor(other, "MAP-1", "MAPMDREF", "amo-tns", 3));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons"), 2);
}

TEST_P(BatchUploadTest, WholeBatchRefusalsApplyNothing) {
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
      {"altered bytes", csv, with([](auto& m) { m.sha256 = std::string(64, 'a'); }), absl::StatusCode::kInvalidArgument,
       "sha256"},
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
    EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons"), 0) << c.name;
    EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM batch_rows"), 0) << c.name;
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

TEST_P(BatchUploadTest, ProcessesRefuseProgramsTheyDoNotServe) {
  const std::string csv = kTns;
  auto status = Submit(csv, ManifestFor(csv, "X", "MAPMDREF", "amo-tns", 2), 7, {"amo-tadamon"});
  EXPECT_EQ(status.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.status().message()), HasSubstr("serves amo-tadamon"));
}

TEST_P(BatchUploadTest, RowRulesEachHaveAReasonNamingTheColumn) {
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

TEST_P(BatchUploadTest, FieldsPastTheirLimitsMakeTheRowInvalidNamingTheColumn) {
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
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons"), 2);
  for (const auto& e : OutboxEvents()) EXPECT_LT(e.ByteSizeLong(), 2048u) << "no oversized field reaches an event";
}

// A NUL character in free text (no text column of either database can hold one) makes its row
// INVALID, naming the column; the rest of the batch goes on. A line break in an address is text.
TEST_P(BatchUploadTest, ANulCharacterInFreeTextMakesTheRowInvalidNamingTheColumn) {
  std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,email,address,city,category\n"
      "1,A1,Alaoui,Ali,1980-01-01,M,,12 rue~Atlas,Fes,CPU\n"
      "2,A2,Alaoui,Aziz,1980-01-02,M,,,F~es,CPU\n"
      "3,A3,Alaoui,Amal,1980-01-03,F,a~@b.ma,,Fes,CPU\n"
      "4,A4,Alaoui,Amine,1980-01-04,M,,\"12 rue Atlas\nFes\",Fes,CPU\n"
      "5,A5,Alaoui,Anas,1980-01-05,M,anas@b.ma,12 rue Atlas,Fes,CPU\n";
  std::replace(csv.begin(), csv.end(), '~', '\0');
  auto status = Submit(csv, ManifestFor(csv, "DGI-N", "DGI", "amo-tns", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  std::vector<std::string> reasons;
  for (const auto& r : Report("DGI", "DGI-N")) {
    reasons.push_back(absl::StrCat(r.row_number, " ", r.outcome, " ", r.reasons));
  }
  EXPECT_THAT(reasons, ElementsAre("1 INVALID address:NOT_PRINTABLE", "2 INVALID city:NOT_PRINTABLE",
                                   "3 INVALID email:NOT_PRINTABLE", "4 REGISTERED ", "5 REGISTERED "));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons"), 2);
}

TEST_P(BatchUploadTest, ARowOfAnotherShapeThanTheHeaderIsInvalid) {
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
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons WHERE city = 'rue Atlas'"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons WHERE city = 'Fes'"), 1);
}

TEST_P(BatchUploadTest, NamesAreComposedBeforeTheyAreCheckedAndArabicColumnsHoldArabic) {
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

TEST_P(BatchUploadTest, RowsFollowTheReferenceDataGiven) {
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

TEST_P(BatchUploadTest, ReceivingMarksTheRowsThatMayRepeatAndRowsStagedWithoutMarksAreStillChecked) {
  ASSERT_NO_FATAL_FAILURE(ReceiveOnly(kEveryKind, "RAMED-H"));
  // Row 13 repeats row 1's record_id; row 6 repeats the CIN of row 1, valid when staged.
  EXPECT_THAT(StagedRowsWhere("record_id_may_repeat = 1"), ElementsAre(13));
  EXPECT_THAT(StagedRowsWhere("cin_may_repeat = 1"), ElementsAre(6));
  EXPECT_THAT(StagedRowsWhere("record_id_may_repeat IS NULL OR cin_may_repeat IS NULL"), ElementsAre());

  // Rows staged before the marks existed hold none: each is checked as before.
  ASSERT_NO_FATAL_FAILURE(ApplyWithMarks("record_id_may_repeat = NULL, cin_may_repeat = NULL"));
  std::vector<ReportRow> report = Report("RAMED", "RAMED-H");
  ASSERT_EQ(report.size(), 13u);
  EXPECT_EQ(report[5].outcome, "DUPLICATE_IN_BATCH");
  EXPECT_EQ(report[5].reasons, "cin:SAME_AS(H1-1)");
  EXPECT_EQ(report[12].reasons, "record_id:DUPLICATE_RECORD_ID(H1-1)");
}

TEST_P(BatchUploadTest, AMarkOfZeroSparesTheLookForAnEarlierRow) {
  // Receiving never marks 0 a row that repeats; were it to, applying would trust it.
  ASSERT_NO_FATAL_FAILURE(ReceiveOnly(kEveryKind, "RAMED-Z"));
  ASSERT_NO_FATAL_FAILURE(ApplyWithMarks("record_id_may_repeat = 0, cin_may_repeat = 0"));
  std::vector<ReportRow> report = Report("RAMED", "RAMED-Z");
  ASSERT_EQ(report.size(), 13u);
  EXPECT_EQ(report[5].outcome, "ALREADY_REGISTERED") << "found registered rather than repeated";
  EXPECT_EQ(report[12].outcome, "REGISTERED");
}

TEST_P(BatchUploadTest, AnUploadThatLostItsClaimLeavesTheBatchToTheOtherUpload) {
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

TEST_P(BatchUploadTest, ASlowSendersLeaseIsRenewedAsTimePassesNotOnlyEveryFullSlice) {
  // Rows 20 s apart, far fewer than a slice: the lease (30 s) is renewed all the same, so that
  // another upload of the batch 40 s in is told it is being received.
  const std::string csv = kTns;
  liaison::Manifest manifest = ManifestFor(csv, "MAP-SLOW", "MAPMDREF", "amo-tns", 2);
  auto upload = BatchUpload::Begin(Context(AllPrograms()), manifest);
  ASSERT_TRUE(upload.ok());
  auto lease_until = [&] {
    return testing::Count(*db_, "SELECT lease_until_us FROM batches WHERE batch_id = 'MAP-SLOW'");
  };
  const int64_t first_lease = lease_until();
  const size_t second_row = csv.find('\n', csv.find('\n') + 1) + 1;
  ASSERT_TRUE((*upload)->Feed(csv.substr(0, second_row)).ok());
  clock_.Advance(absl::Seconds(20));
  ASSERT_TRUE((*upload)->Feed(csv.substr(second_row)).ok());
  // The slice is written in the background: wait for its renewal to show.
  ASSERT_TRUE(
      stack::WaitUntil([&] { return lease_until() != first_lease; }, absl::Seconds(10), "the lease renewed").ok());
  EXPECT_EQ(lease_until(), first_lease + absl::ToInt64Microseconds(absl::Seconds(20)));
  clock_.Advance(absl::Seconds(20));
  auto other = BatchUpload::Begin(Context(AllPrograms()), manifest);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kUnavailable) << other.status();
  auto finished = (*upload)->Finish();
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->rows_received, 2);
}

INSTANTIATE_BACKENDS(BatchUploadTest);

TEST(IntakeSettings, ChunksAndLeasesMustBePositive) {
  EXPECT_TRUE(CheckIntakeSettings(5000, absl::Seconds(30)).ok());
  EXPECT_THAT(std::string(CheckIntakeSettings(0, absl::Seconds(30)).message()), HasSubstr("batch_chunk_rows"));
  EXPECT_THAT(std::string(CheckIntakeSettings(5000, absl::ZeroDuration()).message()), HasSubstr("batch_receive_lease"));
  EXPECT_EQ(CheckIntakeSettings(5000, -absl::Seconds(1)).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace himaya::registration
