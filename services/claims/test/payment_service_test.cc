// ClaimPaymentService through the gRPC edge (a real server and stub), on both backends: a run
// made and found again, its instructions streamed in pages, the bank's confirmation uploaded in
// small chunks, and each refusal with its status (NOTHING_TO_PAY also in `himaya-reason`).
#include "claims/src/payment_service.h"

#include "absl/strings/str_cat.h"
#include "claims/test/payment_database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rpc/call.h"
#include "rpc/server.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;
using Stub = v1::ClaimPaymentService::Stub;

class PaymentServiceTest : public PaymentDatabaseTest {
 protected:
  void SetUp() override {
    PaymentDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    runs_ = std::make_unique<PaymentRuns>(*db_, events::EventSource{"claims", &clock_, &random_});
    service_ = std::make_unique<PaymentService>(pool_, *runs_, /*page_lines=*/4);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  absl::StatusOr<v1::PaymentRun> Create(const std::string& date) {
    v1::CreatePaymentRunRequest request;
    request.set_date(date);
    request.set_created_by("agent-7");
    return rpc::Call(*stub_, &Stub::CreatePaymentRun, request);
  }
  // The instructions as the stream delivers them: the CSV, or the call's status.
  absl::StatusOr<std::string> Instructions(const std::string& run_id, int* chunks = nullptr) {
    v1::GetPaymentRunRequest request;
    request.set_run_id(run_id);
    auto context = rpc::NewContext();
    auto reader = stub_->GetPaymentInstructions(context.get(), request);
    std::string csv;
    v1::PaymentInstructionChunk chunk;
    int n = 0;
    while (reader->Read(&chunk)) {
      csv += chunk.csv();
      ++n;
    }
    if (chunks != nullptr) *chunks = n;
    grpc::Status status = reader->Finish();
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return csv;
  }
  // Uploads `parts` (the run id first unless `run_id` is empty), each chunk at most 7 bytes.
  absl::StatusOr<v1::PaymentConfirmationResult> Upload(const std::string& run_id, const std::string& csv,
                                                       bool second_run_id = false) {
    auto context = rpc::NewContext();
    v1::PaymentConfirmationResult result;
    auto writer = stub_->ImportPaymentConfirmation(context.get(), &result);
    v1::PaymentConfirmationUpload part;
    if (!run_id.empty()) {
      part.set_run_id(run_id);
      writer->Write(part);
    }
    for (size_t at = 0; at < csv.size(); at += 7) {
      part.set_chunk(csv.substr(at, 7));
      if (!writer->Write(part)) break;
    }
    if (second_run_id) {
      part.set_run_id(run_id);
      writer->Write(part);
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return result;
  }

  core::ThreadPool pool_{2};
  std::unique_ptr<PaymentRuns> runs_;
  std::unique_ptr<PaymentService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

constexpr char kConfirmationHeader[] = "run_id,line,registration_number,status,reason\n";

TEST_P(PaymentServiceTest, ARunIsMadeFoundAndItsInstructionsStreamed) {
  for (int i = 0; i < 12; ++i) AddClaim(absl::StrCat("c", i), absl::StrCat("1000000", 10 + i / 2), 100);
  auto run = Create("2026-03-02");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->run_id(), "PAY-20260302");
  EXPECT_EQ(run->date(), "2026-03-02");
  EXPECT_EQ(run->state(), "OPEN");
  EXPECT_EQ(run->claims(), 12);
  EXPECT_EQ(run->insured(), 6);
  EXPECT_EQ(run->total_centimes(), 1200);
  EXPECT_EQ(run->created_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  v1::GetPaymentRunRequest get;
  get.set_run_id("PAY-20260302");
  auto found = rpc::Call(*stub_, &Stub::GetPaymentRun, get);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->SerializeAsString(), run->SerializeAsString());
  int chunks = 0;
  auto csv = Instructions("PAY-20260302", &chunks);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(chunks, 2) << "the header and 4 lines, then 2 lines";
  EXPECT_EQ(*csv, *runs_->Instructions("PAY-20260302"));
  EXPECT_THAT(*csv, HasSubstr("PAY-20260302,6,100000015,2,200\n"));
}

TEST_P(PaymentServiceTest, AConfirmationUploadedInChunksPaysTheRun) {
  AddClaim("a1", "100000017", 200);
  AddClaim("b1", "100000025", 500);
  ASSERT_TRUE(Create("2026-03-02").ok());
  auto result = Upload("PAY-20260302", absl::StrCat(kConfirmationHeader, "PAY-20260302,1,100000017,PAID,\n",
                                                    "PAY-20260302,2,100000025,FAILED,\"closed, by the bank\"\n"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->run_id(), "PAY-20260302");
  EXPECT_EQ(result->lines_paid(), 1);
  EXPECT_EQ(result->lines_failed(), 1);
  EXPECT_EQ(result->claims_paid(), 1);
  EXPECT_EQ(result->claims_returned(), 1);
  EXPECT_EQ(result->lines_already_confirmed(), 0);
  EXPECT_EQ(StateOf("a1"), "PAID/PAY-20260302");
  EXPECT_EQ(StateOf("b1"), "DECIDED/");
  v1::GetPaymentRunRequest get;
  get.set_run_id("PAY-20260302");
  auto run = rpc::Call(*stub_, &Stub::GetPaymentRun, get);
  EXPECT_EQ(run->state(), "CONFIRMED");
  EXPECT_EQ(run->lines_paid(), 1);
  EXPECT_EQ(run->lines_failed(), 1);
}

TEST_P(PaymentServiceTest, EachRefusalComesWithItsStatus) {
  grpc::ClientContext context;
  v1::CreatePaymentRunRequest request;
  request.set_date("2026-03-02");
  v1::PaymentRun response;
  grpc::Status nothing = stub_->CreatePaymentRun(&context, request, &response);
  EXPECT_EQ(nothing.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto reason = context.GetServerTrailingMetadata().find("himaya-reason");
  ASSERT_NE(reason, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(reason->second.data(), reason->second.size()), "NOTHING_TO_PAY");
  EXPECT_EQ(Create("2026-13-01").status().code(), absl::StatusCode::kInvalidArgument);

  AddClaim("a1", "100000017", 200);
  ASSERT_TRUE(Create("2026-03-02").ok());
  EXPECT_EQ(Instructions("PAY-20990101").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Instructions("").status().code(), absl::StatusCode::kInvalidArgument);
  const std::string good = absl::StrCat(kConfirmationHeader, "PAY-20260302,1,100000017,PAID,\n");
  EXPECT_EQ(Upload("PAY-20990101", good).status().code(), absl::StatusCode::kNotFound);
  auto no_run = Upload("", good);
  EXPECT_EQ(no_run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_run.status().message(), HasSubstr("the first message must name the run"));
  EXPECT_THAT(Upload("", "").status().message(), HasSubstr("the upload sent nothing"));
  EXPECT_THAT(Upload("PAY-20260302", good, true).status().message(), HasSubstr("a second run_id"));
  auto bad = Upload("PAY-20260302", absl::StrCat(kConfirmationHeader, "PAY-20260302,1,100000017,LATER,\n"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("line 1 (record 1): status must be PAID or FAILED"));
  EXPECT_EQ(StateOf("a1"), "IN_PAYMENT/PAY-20260302") << "nothing was applied";
  EXPECT_TRUE(Upload("PAY-20260302", good).ok());
}

INSTANTIATE_BACKENDS(PaymentServiceTest);

}  // namespace
}  // namespace himaya::claims
