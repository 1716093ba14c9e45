// The `himaya claims` and `himaya tariff` commands as a user runs them: the real binary against
// a scripted claims service over the suite's mutual TLS. Every flag reaches the request, the
// file and its manifest arrive byte for byte, tables show amounts in dirhams and JSON in
// centimes, reason codes are shown, and bad flags, refusals and errors are one line on standard
// error with a non-zero exit.
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json.hpp"
#include "scripted_service_test.h"
#include "stack/local_stack.h"

namespace himaya::cli {
namespace {

namespace v1 = himaya::claims::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kReport[] =
    "claim_id,item,outcome,reason,reimbursed_centimes\nC-1,1,ACCEPTED,,10500\nC-1,2,REJECTED,NOT_COVERED,0\n";

// A decided file: a consultation accepted at 70 %, a child's act refused NOT_COVERED (AGE_LIMIT).
v1::Claim DecidedClaim(const std::string& claim_id) {
  v1::Claim c;
  c.set_claim_id(claim_id);
  c.set_registration_number("100000017");
  c.set_program("amo-tns");
  c.set_channel("BATCH:CASHPLUS/B-1");
  c.set_filed_date("2026-11-20");
  c.set_state("DECIDED");
  c.set_outcome("PARTIAL");
  c.set_claimed_centimes(35050);
  c.set_reimbursed_centimes(10500);
  c.mutable_received_at()->set_seconds(1795000000);
  c.set_due_date("2026-11-30");
  c.mutable_decided_at()->set_seconds(1795000100);
  v1::ClaimItem* a = c.add_items();
  a->set_item(1);
  a->set_beneficiary_id("100000017");
  a->set_care_date("2026-11-18");
  a->set_act_code("C");
  a->set_quantity(1);
  a->set_amount_paid_centimes(20000);
  a->set_outcome("ACCEPTED");
  a->set_tnr_amount_centimes(15000);
  a->set_rate_percent(70);
  a->set_reimbursed_centimes(10500);
  v1::ClaimItem* b = c.add_items();
  b->set_item(2);
  b->set_beneficiary_id("100000017-02");
  b->set_care_date("2026-11-19");
  b->set_act_code("B");
  b->set_quantity(3);
  b->set_amount_paid_centimes(15050);
  b->set_outcome("REJECTED");
  b->set_reason("NOT_COVERED");
  b->set_reason_detail("AGE_LIMIT");
  return c;
}

// The claims service as the commands see it. A batch is DECIDING when received, then COMPLETED
// at the second status asked; reviews come in two pages; the file DONE is not in review.
class ScriptedClaims final : public v1::ClaimsService::Service {
 public:
  grpc::Status SubmitClaimBatch(grpc::ServerContext*, grpc::ServerReader<v1::ClaimBatchUpload>* reader,
                                v1::ClaimBatchStatus* response) override {
    v1::ClaimBatchUpload part;
    v1::Manifest manifest;
    std::string bytes;
    while (reader->Read(&part)) {
      if (part.has_manifest()) manifest = part.manifest();
      bytes += part.chunk();
    }
    Record(manifest.DebugString());
    {
      absl::MutexLock lock(&mu_);
      uploaded_ = bytes;
    }
    if (manifest.batch_id() == "B-BAD") {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "sha256: does not match the file's bytes");
    }
    *response = Batch(manifest.liaison_body(), manifest.batch_id(), "DECIDING");
    return grpc::Status::OK;
  }
  grpc::Status GetClaimBatch(grpc::ServerContext*, const v1::GetClaimBatchRequest* request,
                             v1::ClaimBatchStatus* response) override {
    Record(request->DebugString());
    absl::MutexLock lock(&mu_);
    *response = Batch(request->sender(), request->batch_id(), ++status_asked_ >= 2 ? "COMPLETED" : "DECIDING");
    return grpc::Status::OK;
  }
  grpc::Status GetClaimBatchReport(grpc::ServerContext*, const v1::GetClaimBatchRequest* request,
                                   grpc::ServerWriter<v1::ReportChunk>* writer) override {
    Record(request->DebugString());
    if (request->batch_id() != "B-1") return grpc::Status(grpc::StatusCode::NOT_FOUND, "batch_id: no such batch");
    const std::string report = kReport;
    for (size_t at = 0; at < report.size(); at += 20) {
      v1::ReportChunk chunk;
      chunk.set_csv(report.substr(at, 20));
      writer->Write(chunk);
    }
    return grpc::Status::OK;
  }
  grpc::Status GetClaim(grpc::ServerContext*, const v1::GetClaimRequest* request, v1::Claim* response) override {
    Record(request->DebugString());
    if (request->claim_id() != "C-1") return grpc::Status(grpc::StatusCode::NOT_FOUND, "claim_id: no such file");
    *response = DecidedClaim("C-1");
    return grpc::Status::OK;
  }
  grpc::Status ListClaimReviews(grpc::ServerContext*, const v1::ListClaimReviewsRequest* request,
                                v1::ListClaimReviewsResponse* response) override {
    Record(request->DebugString());
    v1::Claim claim = DecidedClaim(request->page_token().empty() ? "R-1" : "R-2");
    claim.set_state("IN_REVIEW");
    claim.set_review_reason(request->page_token().empty() ? "AMOUNT_OVER_THRESHOLD" : "SAMPLED");
    claim.set_escalated(!request->page_token().empty());
    *response->add_claims() = claim;
    if (request->page_token().empty()) response->set_next_page_token("p2");
    return grpc::Status::OK;
  }
  grpc::Status DecideClaimReview(grpc::ServerContext*, const v1::DecideClaimReviewRequest* request,
                                 v1::Claim* response) override {
    Record(request->DebugString());
    if (request->claim_id() == "DONE") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "NOT_IN_REVIEW: the file is not waiting for a review");
    }
    *response = DecidedClaim(request->claim_id());
    response->set_review_reason("SAMPLED");
    response->set_reviewed_by(request->agent());
    return grpc::Status::OK;
  }
  grpc::Status ImportTariff(grpc::ServerContext*, grpc::ServerReader<v1::TariffUpload>* reader,
                            v1::TariffImportResult* response) override {
    v1::TariffUpload part;
    std::string bytes;
    while (reader->Read(&part)) {
      if (part.has_header()) {
        response->set_version(part.header().version());
        response->set_effective_from(part.header().effective_from());
        Record(part.header().DebugString());
      }
      bytes += part.chunk();
    }
    if (!absl::StartsWith(bytes, "act_code,")) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "line 1: act_code: missing column");
    }
    response->set_acts(std::count(bytes.begin(), bytes.end(), '\n') - 1);
    response->set_already_imported(response->version() == "TNR-OLD");
    return grpc::Status::OK;
  }
  grpc::Status RegisterAldCertificate(grpc::ServerContext*, const v1::RegisterAldCertificateRequest* request,
                                      v1::AldCertificate* response) override {
    Record(request->DebugString());
    if (request->beneficiary_id() == "999999999") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "beneficiary_id: no such beneficiary");
    }
    response->set_certificate(request->certificate());
    response->set_beneficiary_id(request->beneficiary_id());
    response->set_valid_from(request->valid_from());
    response->set_valid_until(request->valid_until());
    return grpc::Status::OK;
  }
  grpc::Status ListOverdueClaims(grpc::ServerContext*, const v1::ListOverdueClaimsRequest* request,
                                 v1::ListOverdueClaimsResponse* response) override {
    Record(request->DebugString());
    v1::Claim claim = DecidedClaim("O-1");
    claim.set_state("RECEIVED");
    claim.clear_outcome();
    claim.clear_decided_at();
    *response->add_claims() = claim;
    return grpc::Status::OK;
  }

  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  std::string uploaded() {
    absl::MutexLock lock(&mu_);
    return uploaded_;
  }

 private:
  static v1::ClaimBatchStatus Batch(const std::string& sender, const std::string& batch_id, const std::string& state) {
    v1::ClaimBatchStatus s;
    s.set_sender(sender);
    s.set_batch_id(batch_id);
    s.set_state(state);
    s.set_rows_received(5);
    s.set_claims_received(2);
    s.set_claims_decided(state == "COMPLETED" ? 2 : 0);
    if (state == "COMPLETED") {
      (*s.mutable_outcomes())["ACCEPTED"] = 1;
      (*s.mutable_outcomes())["IN_REVIEW"] = 1;
    }
    return s;
  }
  void Record(std::string request) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(std::move(request));
  }
  absl::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
  std::string uploaded_ ABSL_GUARDED_BY(mu_);
  int status_asked_ ABSL_GUARDED_BY(mu_) = 0;
};

class ClaimsCommandsTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("claims", &service_); }

  // A bulk file NAME.csv and its manifest NAME.manifest.json in the test's directory.
  std::string WriteBatch(const std::string& batch_id, const std::string& csv) {
    const std::string path = absl::StrCat(dir_.path(), "/", batch_id, ".csv");
    std::ofstream(path, std::ios::binary) << csv;
    std::ofstream(absl::StrCat(dir_.path(), "/", batch_id, ".manifest.json"))
        << nlohmann::json({{"batch_id", batch_id},
                           {"liaison_body", "CASHPLUS"},
                           {"record_count", std::count(csv.begin(), csv.end(), '\n') - 1},
                           {"sha256", liaison::Sha256Hex(csv)},
                           {"produced_at", "2026-11-29T08:00:00Z"}})
               .dump();
    return path;
  }

  ScriptedClaims service_;
};

constexpr char kCsv[] =
    "claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,amount_paid,ald_certificate\n"
    "C-1,100000017,100000017,2026-11-18,2026-11-20,C,1,200.00,\n";

TEST_F(ClaimsCommandsTest, SubmitSendsTheFileAndItsManifestThenWaitsForTheDecisions) {
  const std::string file = WriteBatch("B-1", kCsv);
  CliRun run = Himaya({"claims", "submit", file});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(service_.uploaded(), kCsv);
  EXPECT_THAT(service_.requests()[0], HasSubstr("batch_id: \"B-1\""));
  EXPECT_THAT(service_.requests()[0], HasSubstr("liaison_body: \"CASHPLUS\""));
  EXPECT_THAT(service_.requests()[0], HasSubstr(absl::StrCat("sha256: \"", liaison::Sha256Hex(kCsv), "\"")));
  EXPECT_THAT(service_.requests()[0], HasSubstr("record_count: 1"));
  // Received DECIDING, then asked until COMPLETED.
  EXPECT_THAT(run.out, HasSubstr("batch      CASHPLUS/B-1\nstate      COMPLETED\n"));
  EXPECT_THAT(run.out, HasSubstr("files      2 received, 2 decided\n"));
  EXPECT_THAT(run.out, HasSubstr("outcomes   ACCEPTED 1, IN_REVIEW 1\n"));
  EXPECT_EQ(run.err, "") << "no progress line off a terminal";

  run = Himaya({"claims", "submit", file, "--output=json", "--wait=false"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("state", ""), "DECIDING") << "--wait=false: as received";
  EXPECT_EQ(json.value("claims_received", 0), 2);
  EXPECT_EQ(json.value("sender", ""), "CASHPLUS");
}

TEST_F(ClaimsCommandsTest, SubmitTakesTheManifestNamedByTheFlag) {
  WriteBatch("B-1", kCsv);
  const std::string other = dir_.path() + "/elsewhere.csv";
  std::ofstream(other, std::ios::binary) << kCsv;
  CliRun run = Himaya({"claims", "submit", other, "--manifest=" + dir_.path() + "/B-1.manifest.json"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("CASHPLUS/B-1"));
}

TEST_F(ClaimsCommandsTest, ARefusedBatchIsOneLineWithTheServicesReason) {
  ExpectOneLineError(Himaya({"claims", "submit", WriteBatch("B-BAD", kCsv)}),
                     "INVALID_ARGUMENT: batch refused: sha256: does not match");
  ExpectOneLineError(Himaya({"claims", "submit", dir_.path() + "/none.csv"}), "none.manifest.json cannot be read");
  std::ofstream(dir_.path() + "/broken.manifest.json") << "{\"batch_id\": 3}";
  ExpectOneLineError(Himaya({"claims", "submit", dir_.path() + "/broken.csv"}), "broken.manifest.json: ");
  WriteBatch("B-GONE", kCsv);
  std::filesystem::remove(dir_.path() + "/B-GONE.csv");
  CliRun gone = Himaya({"claims", "submit", dir_.path() + "/B-GONE.csv"});
  ExpectOneLineError(gone, "cannot read ");
  EXPECT_THAT(gone.err, Not(HasSubstr("refused"))) << "nothing was sent";
  ExpectOneLineError(Himaya({"claims", "submit"}), "usage: himaya claims submit FILE.csv");
}

TEST_F(ClaimsCommandsTest, ReportIsTheCsvAsTheServiceStreamsIt) {
  CliRun run = Himaya({"claims", "report", "CASHPLUS/B-1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, kReport);
  EXPECT_THAT(service_.requests().back(), HasSubstr("sender: \"CASHPLUS\""));
  run = Himaya({"claims", "report", "B-1", "--sender=BARIDCASH"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(service_.requests().back(), HasSubstr("sender: \"BARIDCASH\""));
  ExpectOneLineError(Himaya({"claims", "report", "B-404"}), "NOT_FOUND: batch_id: no such batch");
  ExpectOneLineError(Himaya({"claims", "report"}), "usage: himaya claims report");
}

TEST_F(ClaimsCommandsTest, StatusShowsTheItemsInDirhamsAndTheirReasons) {
  CliRun run = Himaya({"claims", "status", "C-1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("claim       C-1 (BATCH:CASHPLUS/B-1)\n"));
  EXPECT_THAT(run.out, HasSubstr("state       DECIDED PARTIAL\n"));
  EXPECT_THAT(run.out, HasSubstr("amounts     claimed 350.50 DH, reimbursed 105.00 DH\n"));
  EXPECT_THAT(run.out, ContainsRegex("\nITEM +BENEFICIARY_ID +CARE_DATE +ACT +QTY +PAID_DH"));
  EXPECT_THAT(run.out, ContainsRegex("\n1 +100000017 +2026-11-18 +C +1 +200.00 +ACCEPTED +150.00 +70% +105.00\n"));
  EXPECT_THAT(run.out,
              ContainsRegex("\n2 +100000017-02 +2026-11-19 +B +3 +150.50 +REJECTED +NOT_COVERED \\(AGE_LIMIT\\)"));

  run = Himaya({"claims", "status", "C-1", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("claimed_centimes", 0), 35050);
  EXPECT_EQ(json.value("reimbursed_centimes", 0), 10500);
  EXPECT_EQ(json.value("paid_at", "x"), "") << "not yet paid";
  ASSERT_EQ(json["items"].size(), 2u);
  EXPECT_EQ(json["items"][0].value("tnr_amount_centimes", 0), 15000);
  EXPECT_EQ(json["items"][1].value("reason", ""), "NOT_COVERED");
  EXPECT_EQ(json["items"][1].value("reason_detail", ""), "AGE_LIMIT");

  ExpectOneLineError(Himaya({"claims", "status", "C-404"}), "NOT_FOUND: claim_id: no such file");
  ExpectOneLineError(Himaya({"claims", "status", "C-1", "--output=xml"}), "--output: table or json");
}

TEST_F(ClaimsCommandsTest, ReviewListShowsEveryPageAndDecideSendsTheAgentsDecision) {
  CliRun run = Himaya({"claims", "review", "list"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("^CLAIM_ID +REGISTRATION_NUMBER +STATE"));
  EXPECT_THAT(run.out, ContainsRegex("\nR-1 +100000017 +IN_REVIEW PARTIAL .* AMOUNT_OVER_THRESHOLD\n"));
  EXPECT_THAT(run.out, ContainsRegex("\nR-2 .* SAMPLED ESCALATED\n"));
  run = Himaya({"claims", "review", "list", "--state=DECIDED", "--output=json", "--page_token=p2"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(service_.requests().back(), HasSubstr("state: \"DECIDED\""));
  ASSERT_EQ(Json(run)["claims"].size(), 1u) << "one page when a token is given";
  EXPECT_EQ(Json(run)["claims"][0].value("claim_id", ""), "R-2");

  run = Himaya({"claims", "review", "decide", "R-1", "--decision=reject", "--agent=agent.omar",
                "--reason=FORGED_DOCUMENT", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  for (const char* field :
       {"claim_id: \"R-1\"", "decision: REJECT", "agent: \"agent.omar\"", "reason: \"FORGED_DOCUMENT\""}) {
    EXPECT_THAT(service_.requests().back(), HasSubstr(field));
  }
  EXPECT_EQ(Json(run).value("reviewed_by", ""), "agent.omar");
  run = Himaya({"claims", "review", "decide", "R-1", "--decision=confirm", "--agent=agent.omar"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(service_.requests().back(), HasSubstr("decision: CONFIRM"));
  EXPECT_THAT(run.out, HasSubstr("review      SAMPLED, by agent.omar\n"));

  ExpectOneLineError(Himaya({"claims", "review", "decide", "DONE", "--decision=confirm", "--agent=a"}),
                     "refused: NOT_IN_REVIEW: ");
  ExpectOneLineError(Himaya({"claims", "review", "decide", "R-1", "--decision=maybe", "--agent=a"}),
                     "--decision: confirm or reject");
  ExpectOneLineError(Himaya({"claims", "review", "decide", "R-1", "--decision=reject"}), "--agent=ID is required");
  ExpectOneLineError(Himaya({"claims", "review", "decide", "R-1", "--decision=reject", "--agent=a", "--reason=forged"}),
                     "--reason: a reason code");
  ExpectOneLineError(Himaya({"claims", "review", "list", "--state=NEW"}), "--state: PENDING or DECIDED");
  ExpectOneLineError(Himaya({"claims", "review"}), "usage: himaya claims review list");
}

TEST_F(ClaimsCommandsTest, OverdueListsTheFilesPastTheirDueDate) {
  CliRun run = Himaya({"claims", "overdue"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("\nO-1 +100000017 +RECEIVED +2026-11-20 +[-0-9T:Z]+ +2026-11-30 +350.50 +105.00"));
  run = Himaya({"claims", "overdue", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run)["claims"][0].value("due_date", ""), "2026-11-30");
  EXPECT_EQ(Json(run)["claims"][0].value("claimed_centimes", 0), 35050);
  ExpectOneLineError(Himaya({"claims", "overdue", "now"}), "usage: himaya claims overdue");
}

TEST_F(ClaimsCommandsTest, AldAddRegistersTheCertificate) {
  const std::vector<std::string> good = {"claims",
                                         "ald",
                                         "add",
                                         "--certificate=ALD-77",
                                         "--beneficiary=100000017-01",
                                         "--from=2026-01-01",
                                         "--until=2026-12-31"};
  CliRun run = Himaya(good);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("\nALD-77 +100000017-01 +2026-01-01 +2026-12-31\n"));
  EXPECT_THAT(service_.requests().back(), HasSubstr("registered_by: \"agent.amal\""));
  std::vector<std::string> json = good;
  json.push_back("--output=json");
  json.push_back("--agent=agent.omar");
  run = Himaya(json);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run).value("certificate", ""), "ALD-77");
  EXPECT_THAT(service_.requests().back(), HasSubstr("registered_by: \"agent.omar\""));

  auto but = [&](const std::string& flag, const std::string& value) {
    std::vector<std::string> args;
    for (const std::string& a : good) args.push_back(absl::StartsWith(a, flag + "=") ? flag + "=" + value : a);
    return Himaya(args);
  };
  ExpectOneLineError(but("--certificate", ""), "--certificate is required");
  ExpectOneLineError(but("--beneficiary", ""), "--beneficiary is required");
  ExpectOneLineError(but("--from", "2026-02-30"), "--from: a day written YYYY-MM-DD");
  ExpectOneLineError(but("--until", ""), "--until=YYYY-MM-DD is required");
  ExpectOneLineError(but("--until", "2025-12-31"), "--until: before --from");
  ExpectOneLineError(but("--beneficiary", "999999999"), "NOT_FOUND: beneficiary_id: no such beneficiary");
  ExpectOneLineError(Himaya({"claims", "ald"}), "usage: himaya claims ald add");
}

TEST_F(ClaimsCommandsTest, TariffImportSendsTheVersionAndItsActs) {
  const std::string file = dir_.path() + "/tnr.csv";
  std::ofstream(file) << "act_code,label,category,tnr_amount,max_quantity,min_days_between\n"
                         "C,Consultation,CONSULTATION,150.00,1,0\nB,Biologie,BIOLOGY,1.10,100,0\n";
  CliRun run = Himaya({"tariff", "import", file, "--tariff_version=TNR-2026-01", "--effective_from=2026-01-01"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("\nTNR-2026-01 +2026-01-01 +2 +no\n"));
  EXPECT_THAT(service_.requests().back(), HasSubstr("effective_from: \"2026-01-01\""));
  run = Himaya({"tariff", "import", file, "--tariff_version=TNR-OLD", "--effective_from=2025-01-01", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run).value("acts", 0), 2);
  EXPECT_EQ(Json(run).value("already_imported", false), true);

  // As the issue names it: the file alone, from today, named after today.
  run = Himaya({"tariff", "import", file});
  ASSERT_EQ(run.code, 0) << run.err;
  absl::TimeZone casablanca;
  ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &casablanca));
  const std::string today = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), casablanca));
  EXPECT_THAT(service_.requests().back(), HasSubstr("version: \"TNR-" + today + "\""));
  EXPECT_THAT(service_.requests().back(), HasSubstr("effective_from: \"" + today + "\""));
  run = Himaya({"tariff", "import", file, "--effective_from=2027-01-01"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(service_.requests().back(), HasSubstr("version: \"TNR-2027-01-01\""));
  ExpectOneLineError(Himaya({"tariff", "import", file, "--tariff_version=V", "--effective_from=2026-1-1"}),
                     "--effective_from: a day written YYYY-MM-DD");
  ExpectOneLineError(
      Himaya({"tariff", "import", dir_.path() + "/none.csv", "--tariff_version=V", "--effective_from=2026-01-01"}),
      "cannot read ");
  std::ofstream(dir_.path() + "/bad.csv") << "code,label\n";
  ExpectOneLineError(
      Himaya({"tariff", "import", dir_.path() + "/bad.csv", "--tariff_version=V", "--effective_from=2026-01-01"}),
      "INVALID_ARGUMENT: line 1: act_code: missing column");
  ExpectOneLineError(Himaya({"tariff", "export"}), "usage: himaya tariff import");
}

TEST_F(ClaimsCommandsTest, WithoutAStackEachCommandSaysWhereItLooked) {
  ExpectOneLineError(Himaya({"claims", "status", "C-1"}, /*with_address=*/false),
                     "cannot find the claims service in " + data_dir_ + "/run");
  ExpectOneLineError(Himaya({"tariff", "import", "tnr.csv", "--tariff_version=V", "--effective_from=2026-01-01"},
                            /*with_address=*/false),
                     "cannot find the claims service in ");
}

}  // namespace
}  // namespace himaya::cli

namespace himaya::cli {
namespace {

// `gen claims` needs no service with --insured: the file lists who to file for.
TEST_F(ClaimsCommandsTest, GenClaimsWritesAFileForTheInsuredListed) {
  std::ofstream(dir_.path() + "/people.txt") << "# insured, then a dependent\n100000017\n100000017-01,2026-01-01\n\n"
                                                "100000025,2025-01-01\n";
  CliRun run = Himaya({"gen", "claims", "--insured=people.txt", "--claims=50", "--late=10", "--duplicate=10",
                       "--filed_date=2026-11-20", "--sender=BARIDCASH", "--seed=3"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("\nBARIDCASH-3-50 +BARIDCASH +50 +[0-9]+ +[0-9]+ +DUPLICATE [0-9]+, "
                                     "FILED_TOO_LATE [0-9]+ +./BARIDCASH-3-50.csv\n"));
  const std::string csv = ReadFile(dir_.path() + "/BARIDCASH-3-50.csv");
  EXPECT_THAT(csv, StartsWith("claim_id,registration_number,beneficiary_id,care_date,filed_date,act_code,quantity,"
                              "amount_paid,ald_certificate\nBARIDCASH-3-50-0000001,"));
  EXPECT_THAT(csv, HasSubstr(",100000017-01,")) << "the dependent files too";
  nlohmann::json manifest = nlohmann::json::parse(ReadFile(dir_.path() + "/BARIDCASH-3-50.manifest.json"));
  EXPECT_EQ(manifest.value("sha256", ""), liaison::Sha256Hex(csv));

  run = Himaya({"gen", "claims", "--insured=people.txt", "--claims=5", "--output=json", "--out=" + dir_.path()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run).value("claims", 0), 5);
  EXPECT_EQ(Json(run)["planted"], nlohmann::json::object());

  std::ofstream(dir_.path() + "/orphan.txt") << "100000017-01\n";
  std::ofstream(dir_.path() + "/badday.txt") << "100000017,2026-02-30\n";
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=orphan.txt"}),
                     "orphan.txt: line 1: a dependent comes after their insured");
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=badday.txt"}), "badday.txt: line 1: the first covered day");
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=none.txt"}), "cannot read none.txt");
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=people.txt", "--too_soon=101"}),
                     "--too_soon: a percentage from 0 to 100");
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=people.txt", "--late=60", "--duplicate=60"}),
                     "add up to more than 100");
  ExpectOneLineError(Himaya({"gen", "claims", "--insured=people.txt", "--filed_date=2026-11-31"}),
                     "--filed_date: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya({"gen", "claims"}), "usage: himaya gen claims --from_batch=");
}

}  // namespace
}  // namespace himaya::cli
