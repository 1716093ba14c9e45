// `himaya claims pay` and `himaya claims confirm-payment` as a user runs them: the real binary
// against a scripted ClaimPaymentService over the suite's mutual TLS. The run's date and author
// reach the service, the instructions file is written byte for byte where --out says, the
// confirmation arrives byte for byte with the run named in it, tables and JSON show the run and
// the result, and bad flags, refusals and errors are one line on standard error.
#include <filesystem>
#include <fstream>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "scripted_service_test.h"

namespace himaya::cli {
namespace {

namespace v1 = himaya::claims::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr char kInstructions[] =
    "run_id,line,registration_number,claims,amount_centimes\n"
    "PAY-20261130,1,100000017,2,50000\n"
    "PAY-20261130,2,100000025,1,12345\n";

// The payment service as the commands see it: a run for any date but 2026-12-01 (nothing to
// pay); instructions in two chunks; a confirmation naming line 9 refused.
class ScriptedPayments final : public v1::ClaimPaymentService::Service {
 public:
  grpc::Status CreatePaymentRun(grpc::ServerContext*, const v1::CreatePaymentRunRequest* request,
                                v1::PaymentRun* response) override {
    Record(request->DebugString());
    if (request->date() == "2026-12-01") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "NOTHING_TO_PAY: no decided file waits for payment");
    }
    response->set_run_id("PAY-20261130");
    response->set_date(request->date());
    response->set_state("OPEN");
    response->set_claims(3);
    response->set_insured(2);
    response->set_total_centimes(62345);
    response->mutable_created_at()->set_seconds(1795000000);
    return grpc::Status::OK;
  }
  grpc::Status GetPaymentInstructions(grpc::ServerContext*, const v1::GetPaymentRunRequest* request,
                                      grpc::ServerWriter<v1::PaymentInstructionChunk>* writer) override {
    Record(request->DebugString());
    const std::string csv = kInstructions;
    v1::PaymentInstructionChunk chunk;
    chunk.set_csv(csv.substr(0, 60));
    writer->Write(chunk);
    chunk.set_csv(csv.substr(60));
    writer->Write(chunk);
    return grpc::Status::OK;
  }
  grpc::Status ImportPaymentConfirmation(grpc::ServerContext*,
                                         grpc::ServerReader<v1::PaymentConfirmationUpload>* reader,
                                         v1::PaymentConfirmationResult* response) override {
    v1::PaymentConfirmationUpload part;
    std::string run_id;
    std::string bytes;
    while (reader->Read(&part)) {
      if (part.part_case() == v1::PaymentConfirmationUpload::kRunId) run_id = part.run_id();
      if (part.part_case() == v1::PaymentConfirmationUpload::kChunk) bytes += part.chunk();
    }
    {
      absl::MutexLock lock(&mu_);
      confirmed_run_ = run_id;
      uploaded_ = bytes;
    }
    if (absl::StrContains(bytes, ",9,")) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "line 9 (record 2): the run has no such line");
    }
    response->set_run_id(run_id);
    response->set_lines_paid(1);
    response->set_lines_failed(1);
    response->set_lines_already_confirmed(0);
    response->set_claims_paid(2);
    response->set_claims_returned(1);
    return grpc::Status::OK;
  }

  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  std::string confirmed_run() {
    absl::MutexLock lock(&mu_);
    return confirmed_run_;
  }
  std::string uploaded() {
    absl::MutexLock lock(&mu_);
    return uploaded_;
  }

 private:
  void Record(std::string request) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(std::move(request));
  }
  absl::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
  std::string confirmed_run_ ABSL_GUARDED_BY(mu_);
  std::string uploaded_ ABSL_GUARDED_BY(mu_);
};

class ClaimPaymentCommandsTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("claims", &service_); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = absl::StrCat(dir_.path(), "/", name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  ScriptedPayments service_;
};

TEST_F(ClaimPaymentCommandsTest, PayWritesTheRunsInstructionsWhereOutSaysAndPrintsTheRun) {
  const std::string out = dir_.path() + "/bank";
  std::filesystem::create_directories(out);
  CliRun run = Himaya({"claims", "pay", "--date=2026-11-30", "--out=" + out});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(ReadFile(out + "/payment-PAY-20261130.csv"), kInstructions);
  EXPECT_FALSE(std::filesystem::exists(out + "/payment-PAY-20261130.csv.partial"));
  EXPECT_THAT(run.out, ContainsRegex("run +PAY-20261130\n"));
  EXPECT_THAT(run.out, ContainsRegex("files +3\n"));
  EXPECT_THAT(run.out, ContainsRegex("total +623.45 MAD\n"));
  EXPECT_THAT(run.out, HasSubstr(out + "/payment-PAY-20261130.csv"));
  ASSERT_GE(service_.requests().size(), 2u);
  EXPECT_THAT(service_.requests()[0], HasSubstr("date: \"2026-11-30\""));
  EXPECT_THAT(service_.requests()[0], HasSubstr("created_by: \"agent.amal\""));
  EXPECT_THAT(service_.requests()[1], HasSubstr("run_id: \"PAY-20261130\""));

  run = Himaya({"claims", "pay", "--date=2026-11-30", "--agent=agent.samir", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("run_id", ""), "PAY-20261130");
  EXPECT_EQ(json.value("total_centimes", 0), 62345);
  EXPECT_EQ(json.value("insured", 0), 2);
  EXPECT_EQ(json.value("instructions_file", ""), "./payment-PAY-20261130.csv");
  EXPECT_EQ(ReadFile(dir_.path() + "/payment-PAY-20261130.csv"), kInstructions) << "the current directory";
  EXPECT_THAT(service_.requests()[2], HasSubstr("created_by: \"agent.samir\""));
}

TEST_F(ClaimPaymentCommandsTest, PayRefusalsAndBadFlagsAreOneLine) {
  ExpectOneLineError(Himaya({"claims", "pay", "--date=2026-12-01"}), "refused: NOTHING_TO_PAY");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/payment-PAY-20261201.csv"));
  const size_t asked = service_.requests().size();
  ExpectOneLineError(Himaya({"claims", "pay"}), "--date=YYYY-MM-DD is required");
  ExpectOneLineError(Himaya({"claims", "pay", "--date=2026-11-31"}), "--date: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya({"claims", "pay", "--date=2026-11-30", "--out=" + dir_.path() + "/none"}),
                     "--out: " + dir_.path() + "/none is not a directory");
  ExpectOneLineError(Himaya({"claims", "pay", "extra", "--date=2026-11-30"}), "usage: himaya claims pay");
  EXPECT_EQ(service_.requests().size(), asked) << "bad flags ask nothing";
}

TEST_F(ClaimPaymentCommandsTest, ConfirmPaymentSendsTheFileForTheRunItNamesAndPrintsTheResult) {
  const std::string csv =
      "\xEF\xBB\xBFline,run_id,registration_number,status,reason\r\n"
      "1,PAY-20261130,100000017,PAID,\r\n"
      "2,PAY-20261130,100000025,FAILED,\"closed, by the bank\"\r\n";
  const std::string file = Write("confirmation.csv", csv);
  CliRun run = Himaya({"claims", "confirm-payment", file});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(service_.confirmed_run(), "PAY-20261130");
  EXPECT_EQ(service_.uploaded(), csv);
  EXPECT_THAT(run.out, ContainsRegex("lines paid +1\n"));
  EXPECT_THAT(run.out, ContainsRegex("files back to next run +1\n"));
  run = Himaya({"claims", "confirm-payment", file, "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run).value("claims_paid", 0), 2);
  EXPECT_EQ(Json(run).value("run_id", ""), "PAY-20261130");
}

TEST_F(ClaimPaymentCommandsTest, ConfirmPaymentErrorsAreOneLine) {
  ExpectOneLineError(Himaya({"claims", "confirm-payment", dir_.path() + "/none.csv"}), "cannot read ");
  ExpectOneLineError(Himaya({"claims", "confirm-payment", Write("no_run.csv", "line,status\n1,PAID\n")}),
                     "no run_id column in the header");
  ExpectOneLineError(
      Himaya({"claims", "confirm-payment", Write("empty.csv", "run_id,line,registration_number,status,reason\n")}),
      "no line names its run_id");
  ExpectOneLineError(Himaya({"claims", "confirm-payment",
                             Write("bad.csv",
                                   "run_id,line,registration_number,status,reason\n"
                                   "PAY-20261130,1,100000017,PAID,\n"
                                   "PAY-20261130,9,100000033,PAID,\n")}),
                     "INVALID_ARGUMENT: line 9 (record 2): the run has no such line");
  ExpectOneLineError(Himaya({"claims", "confirm-payment"}), "usage: himaya claims confirm-payment FILE.csv");
}

}  // namespace
}  // namespace himaya::cli
