// Family allowance runs through the gRPC edge (a real server and stub), on both backends: a run
// started, computed by the draft worker and read as it is streamed in pages, approved, paid, its
// payment file streamed, the bank's confirmation uploaded in small chunks (twice: nothing
// changes), and refusals with their codes (RUN_NOT_DRAFT in `himaya-reason`).
#include "beneficiary/src/allowance_service.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_service.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/registration_number.h"
#include "rpc/call.h"
#include "rpc/server.h"
#include "stack/local_stack.h"

namespace himaya::beneficiary {
namespace {

using Stub = v1::FamilyAllowanceService::Stub;
using ::testing::HasSubstr;

std::string Number(int i) { return identity::FormatRegistrationNumber(identity::kFirstSequence + i); }

class AllowanceServiceTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()));
    AllowanceRunsOptions options;
    options.page_households = 2;
    runs_ = std::make_unique<AllowanceRuns>(*db_, AllowanceRules::Shipped(), registration_, clock_,
                                            events::EventSource{"beneficiary", &clock_, &random_}, options);
    drafts_ = std::make_unique<AllowanceDraftWorker>(*runs_);
    drafts_->Start();
    service_ = std::make_unique<AllowanceService>(
        pool_, *runs_, [this] { drafts_->Wake(); }, 2);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
    for (int i = 1; i <= 5; ++i) {
      InWrite([&](storage::Transaction& tx) {
        return InsuredStore::RecordRegistered(tx, {Number(i), kFamilyAllowancesProgram, "RSU", "Agadir", "Souss-Massa",
                                                   absl::CivilDay(2026, 3, 1), true, 0});
      });
      Dependent d;
      d.beneficiary_id = DependentId(Number(i), 1);
      d.registration_number = Number(i);
      d.relationship = kChild;
      d.first_name = "Sara";
      d.last_name = "Alaoui";
      d.birth_date = absl::CivilDay(2015 + i, 1, 1);
      d.sex = "F";
      d.identity_key = IdentityKey(d.last_name, absl::StrCat("Sara", i), *d.birth_date);
      d.program = kFamilyAllowancesProgram;
      d.source = kSourceLiaisonBatch;
      d.declared_at = clock_.Now();
      d.periods.push_back({absl::CivilDay(2026, 3, 1), std::nullopt, "", ""});
      ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
      registration_.AddAccount(Number(i), "MOBILE_WALLET", absl::StrCat("061234567", i));
    }
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    if (drafts_) drafts_->Stop();
  }
  // A streamed CSV (report or payment file): its bytes and how many messages brought them.
  absl::StatusOr<std::string> Stream(bool report, const std::string& run_id, int* chunks = nullptr) {
    v1::GetAllowanceRunRequest request;
    request.set_run_id(run_id);
    auto context = rpc::NewContext();
    auto reader = report ? stub_->GetAllowanceReport(context.get(), request)
                         : stub_->GetAllowancePaymentFile(context.get(), request);
    std::string csv;
    v1::AllowanceCsvChunk chunk;
    int n = 0;
    while (reader->Read(&chunk)) {
      csv += chunk.csv();
      ++n;
    }
    if (chunks) *chunks = n;
    grpc::Status status = reader->Finish();
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return csv;
  }
  absl::StatusOr<v1::AllowanceConfirmationResult> Upload(const std::string& run_id, const std::string& csv) {
    auto context = rpc::NewContext();
    v1::AllowanceConfirmationResult result;
    auto writer = stub_->ImportAllowanceConfirmation(context.get(), &result);
    v1::AllowanceConfirmationUpload part;
    part.set_run_id(run_id);
    writer->Write(part);
    for (size_t at = 0; at < csv.size(); at += 7) {
      part.set_chunk(csv.substr(at, 7));
      if (!writer->Write(part)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return result;
  }
  absl::StatusOr<v1::AllowanceRun> Get(const std::string& run_id) {
    v1::GetAllowanceRunRequest request;
    request.set_run_id(run_id);
    return rpc::Call(*stub_, &Stub::GetAllowanceRun, request);
  }

  FakeRegistrationDirectory registration_;
  core::ThreadPool pool_{2};
  std::unique_ptr<AllowanceRuns> runs_;
  std::unique_ptr<AllowanceDraftWorker> drafts_;
  std::unique_ptr<AllowanceService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(AllowanceServiceTest, ARunFromDraftToPaid) {
  v1::CreateAllowanceRunRequest create;
  create.set_month("2026-03");
  create.set_created_by("agent.amal");
  auto started = rpc::Call(*stub_, &Stub::CreateAllowanceRun, create);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->run_id(), "ALW-202603");
  EXPECT_EQ(started->state(), "DRAFT");
  absl::Status computed = stack::WaitUntil([&] { return Get("ALW-202603").value_or(v1::AllowanceRun()).complete(); },
                                           absl::Seconds(30), "the draft worker computes the run");
  ASSERT_TRUE(computed.ok()) << computed;
  auto run = Get("ALW-202603");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->households(), 5);
  EXPECT_EQ(run->households_with_amount(), 5);
  EXPECT_EQ(run->net_centimes(), 5 * 30000);
  int chunks = 0;
  auto report = Stream(true, "ALW-202603", &chunks);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(*report,
            absl::StrCat(kAllowanceReportHeader, Number(1), ",1,30000,0,0,\n", Number(2), ",1,30000,0,0,\n", Number(3),
                         ",1,30000,0,0,\n", Number(4), ",1,30000,0,0,\n", Number(5), ",1,30000,0,0,\n"));
  EXPECT_GE(chunks, 4) << "the header, then pages of two";

  EXPECT_EQ(Stream(false, "ALW-202603").status().code(), absl::StatusCode::kFailedPrecondition);
  v1::PayAllowanceRunRequest pay;
  pay.set_run_id("ALW-202603");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::PayAllowanceRun, pay).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::ApproveAllowanceRunRequest approve;
  approve.set_run_id("ALW-202603");
  approve.set_agent("agent.omar");
  auto approved = rpc::Call(*stub_, &Stub::ApproveAllowanceRun, approve);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state(), "APPROVED");
  EXPECT_EQ(approved->approved_by(), "agent.omar");

  grpc::ClientContext context;
  v1::AllowanceRun refused;
  grpc::Status again = stub_->CreateAllowanceRun(&context, create, &refused);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto reason = context.GetServerTrailingMetadata().find("himaya-reason");
  ASSERT_NE(reason, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(reason->second.data(), reason->second.size()), "RUN_NOT_DRAFT");

  auto paying = rpc::Call(*stub_, &Stub::PayAllowanceRun, pay);
  ASSERT_TRUE(paying.ok()) << paying.status();
  EXPECT_EQ(paying->state(), "IN_PAYMENT");
  EXPECT_EQ(paying->lines(), 5);
  auto file = Stream(false, "ALW-202603");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(*file, HasSubstr(absl::StrCat("ALW-202603,5,", Number(5), ",MOBILE_WALLET,0612345675,30000\n")));

  std::string confirmation = "run_id,line,registration_number,status,reason\n";
  for (int i = 1; i <= 5; ++i) {
    absl::StrAppend(&confirmation, "ALW-202603,", i, ",", Number(i), ",", i == 4 ? "FAILED,ACCOUNT_CLOSED" : "PAID,",
                    "\n");
  }
  auto confirmed = Upload("ALW-202603", confirmation);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->lines_paid(), 4);
  EXPECT_EQ(confirmed->lines_failed(), 1);
  EXPECT_TRUE(confirmed->run_paid());
  auto twice = Upload("ALW-202603", confirmation);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->lines_already_confirmed(), 5);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM outbox"), 4);
  auto paid = Get("ALW-202603");
  EXPECT_EQ(paid->state(), "PAID");
  EXPECT_EQ(paid->lines_paid(), 4);
  EXPECT_EQ(paid->lines_failed(), 1);

  auto bad = Upload("ALW-202603", "run_id,line,registration_number,status,reason\nALW-202603,1,x,MAYBE,\n");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Upload("ALW-209901", confirmation).status().code(), absl::StatusCode::kNotFound);
  create.set_month("2026-13");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::CreateAllowanceRun, create).status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_BACKENDS(AllowanceServiceTest);

}  // namespace
}  // namespace himaya::beneficiary
