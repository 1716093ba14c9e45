// `himaya allowances ...` as a user runs it: the real binary against a scripted
// FamilyAllowanceService over the suite's mutual TLS. `run` waits for the draft and prints its
// totals, `report` streams the CSV to standard output or --out, `approve` sends the agent, `pay`
// waits without a deadline and writes the payment file where --out says, `confirm-payment` sends
// the bank's file for the run it names; tables and JSON, and bad flags and refusals as one line
// on standard error.
#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "scripted_service_test.h"

namespace himaya::cli {
namespace {

namespace v1 = himaya::beneficiary::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr char kReport[] =
    "registration_number,children_with_right,amount_centimes,arrears_centimes,recovery_centimes,reason\n"
    "100000017,2,60000,0,0,\n"
    "100000025,0,0,0,0,NO_CHILD_WITH_RIGHT\n";
constexpr char kPaymentFile[] =
    "run_id,line,registration_number,method,account,amount_centimes\n"
    "ALW-202603,1,100000017,MOBILE_WALLET,0612345678,60000\n";

// The service as the commands see it: a draft complete at the second look; the run of 2026-02
// approved already; a report and a payment file in two chunks each.
class ScriptedAllowances final : public v1::FamilyAllowanceService::Service {
 public:
  grpc::Status CreateAllowanceRun(grpc::ServerContext*, const v1::CreateAllowanceRunRequest* request,
                                  v1::AllowanceRun* response) override {
    Record(request->DebugString());
    if (request->month() == "2026-02") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "RUN_NOT_DRAFT: the run of 2026-02 is APPROVED");
    }
    Fill(response, "DRAFT", false);
    return grpc::Status::OK;
  }
  grpc::Status GetAllowanceRun(grpc::ServerContext*, const v1::GetAllowanceRunRequest* request,
                               v1::AllowanceRun* response) override {
    Record(request->DebugString());
    if (request->run_id() != "ALW-202603") return grpc::Status(grpc::StatusCode::NOT_FOUND, "run_id: no such run");
    Fill(response, "DRAFT", true);
    return grpc::Status::OK;
  }
  grpc::Status GetAllowanceReport(grpc::ServerContext*, const v1::GetAllowanceRunRequest* request,
                                  grpc::ServerWriter<v1::AllowanceCsvChunk>* writer) override {
    return Chunks(kReport, writer);
  }
  grpc::Status ApproveAllowanceRun(grpc::ServerContext*, const v1::ApproveAllowanceRunRequest* request,
                                   v1::AllowanceRun* response) override {
    Record(request->DebugString());
    Fill(response, "APPROVED", true);
    response->set_approved_by(request->agent());
    return grpc::Status::OK;
  }
  grpc::Status PayAllowanceRun(grpc::ServerContext* context, const v1::PayAllowanceRunRequest* request,
                               v1::AllowanceRun* response) override {
    Record(request->DebugString());
    // A million households take minutes: the command waits without a deadline.
    const bool deadline = context->deadline() < std::chrono::system_clock::now() + std::chrono::hours(24);
    Record(deadline ? "pay with a deadline" : "pay without a deadline");
    Fill(response, "IN_PAYMENT", true);
    response->set_lines(1);
    return grpc::Status::OK;
  }
  grpc::Status GetAllowancePaymentFile(grpc::ServerContext*, const v1::GetAllowanceRunRequest* request,
                                       grpc::ServerWriter<v1::AllowanceCsvChunk>* writer) override {
    return Chunks(kPaymentFile, writer);
  }
  grpc::Status ImportAllowanceConfirmation(grpc::ServerContext*,
                                           grpc::ServerReader<v1::AllowanceConfirmationUpload>* reader,
                                           v1::AllowanceConfirmationResult* response) override {
    v1::AllowanceConfirmationUpload part;
    std::string run_id, bytes;
    while (reader->Read(&part)) {
      if (part.part_case() == v1::AllowanceConfirmationUpload::kRunId) run_id = part.run_id();
      if (part.part_case() == v1::AllowanceConfirmationUpload::kChunk) bytes += part.chunk();
    }
    Record(absl::StrCat("confirmation of ", run_id, ": ", bytes));
    response->set_run_id(run_id);
    response->set_lines_paid(1);
    response->set_run_paid(true);
    return grpc::Status::OK;
  }

  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  static void Fill(v1::AllowanceRun* r, const std::string& state, bool complete) {
    r->set_run_id("ALW-202603");
    r->set_month("2026-03");
    r->set_state(state);
    r->set_complete(complete);
    r->set_households(2);
    r->set_households_with_amount(1);
    r->set_children_with_right(2);
    r->set_amount_centimes(60000);
    r->set_net_centimes(60000);
  }
  static grpc::Status Chunks(const std::string& csv, grpc::ServerWriter<v1::AllowanceCsvChunk>* writer) {
    v1::AllowanceCsvChunk chunk;
    chunk.set_csv(csv.substr(0, 50));
    writer->Write(chunk);
    chunk.set_csv(csv.substr(50));
    writer->Write(chunk);
    return grpc::Status::OK;
  }
  void Record(std::string request) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(std::move(request));
  }
  absl::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
};

class AllowancesCommandsTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("beneficiary", &service_); }
  ScriptedAllowances service_;
};

TEST_F(AllowancesCommandsTest, RunWaitsForTheDraftAndPrintsItsTotals) {
  CliRun run = Himaya({"allowances", "run", "--month=2026-03"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("run +ALW-202603\n"));
  EXPECT_THAT(run.out, ContainsRegex("complete +yes\n"));
  EXPECT_THAT(run.out, ContainsRegex("net +600.00 MAD\n"));
  ASSERT_GE(service_.requests().size(), 2u);
  EXPECT_THAT(service_.requests()[0], HasSubstr("month: \"2026-03\""));
  EXPECT_THAT(service_.requests()[0], HasSubstr("created_by: \"agent.amal\""));
  run = Himaya({"allowances", "run", "--month=2026-03", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Json(run).value("net_centimes", 0), 60000);
  EXPECT_EQ(Json(run).value("households", 0), 2);
}

TEST_F(AllowancesCommandsTest, ReportApprovePayAndConfirm) {
  CliRun run = Himaya({"allowances", "report", "ALW-202603"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, kReport);
  run = Himaya({"allowances", "report", "ALW-202603", "--out=" + dir_.path() + "/report.csv"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(ReadFile(dir_.path() + "/report.csv"), kReport);

  run = Himaya({"allowances", "approve", "ALW-202603", "--agent=agent.omar"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, ContainsRegex("approved by +agent.omar\n"));

  const std::string out = dir_.path() + "/bank";
  std::filesystem::create_directories(out);
  run = Himaya({"allowances", "pay", "ALW-202603", "--out=" + out});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(ReadFile(out + "/allowances-ALW-202603.csv"), kPaymentFile);
  EXPECT_THAT(service_.requests(), ::testing::Contains("pay without a deadline"));
  EXPECT_THAT(run.out, ContainsRegex("state +IN_PAYMENT\n"));

  const std::string file = out + "/confirmation.csv";
  std::ofstream(file) << "run_id,line,registration_number,status,reason\nALW-202603,1,100000017,PAID,\n";
  run = Himaya({"allowances", "confirm-payment", file, "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  nlohmann::json json = Json(run);
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json[0].value("lines_paid", 0), 1);
  EXPECT_EQ(json[0].value("run_paid", false), true);
  EXPECT_THAT(service_.requests().back(), HasSubstr("confirmation of ALW-202603: run_id,line"));
}

TEST_F(AllowancesCommandsTest, RefusalsAndBadFlagsAreOneLine) {
  ExpectOneLineError(Himaya({"allowances", "run", "--month=2026-02"}), "refused: RUN_NOT_DRAFT");
  const size_t asked = service_.requests().size();
  ExpectOneLineError(Himaya({"allowances", "run"}), "--month=YYYY-MM is required");
  ExpectOneLineError(Himaya({"allowances", "run", "--month=2026-3"}), "--month: a month written YYYY-MM");
  ExpectOneLineError(Himaya({"allowances", "approve", "ALW-202603"}), "--agent is required");
  ExpectOneLineError(Himaya({"allowances", "pay", "ALW-202603", "--out=" + dir_.path() + "/none"}),
                     "is not a directory");
  ExpectOneLineError(Himaya({"allowances", "confirm-payment", dir_.path() + "/none.csv"}), "cannot read ");
  ExpectOneLineError(Himaya({"allowances"}), "usage: himaya allowances run");
  EXPECT_EQ(service_.requests().size(), asked) << "bad flags ask nothing";
  ExpectOneLineError(Himaya({"allowances", "show", "ALW-209901"}), "no such run");
}

}  // namespace
}  // namespace himaya::cli
