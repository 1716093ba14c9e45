// The beneficiary service killed with -9 in the middle of a family allowance draft (a page of
// households per transaction), then started again: it finishes the draft where it stopped, and
// the report is the one the same draft computed again without interruption gives, byte for
// byte. Real processes (broker, registration, beneficiary), on SQLite and PostgreSQL.
#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "datagen/allowance_households.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"

namespace himaya {
namespace {

namespace ben = himaya::beneficiary::v1;
using Stub = ben::FamilyAllowanceService::Stub;

constexpr int64_t kHouseholds = 20000;
constexpr char kMonth[] = "2026-03";
constexpr char kRunId[] = "ALW-202603";

class AllowancesCrashTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    options.services = {"registration", "beneficiary"};
    // Pages of 200 households: a hundred transactions, so that a kill finds some written.
    options.extra_flags["beneficiary"] = {"--allowance_page=200"};
    database_ = ServiceDatabase(options, "beneficiary");
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
    // The households written while the service is stopped (its migrations applied).
    stack_->StopService("beneficiary", SIGTERM);
    auto written = datagen::WriteAllowanceHouseholds(database_, kHouseholds);
    ASSERT_TRUE(written.ok()) << written.status();
    ASSERT_TRUE(stack_->StartService("beneficiary").ok());
  }
  Stub& Allowances() {
    // A new channel each time: the service's address is the same after a restart, its process not.
    stub_ = ben::FamilyAllowanceService::NewStub(rpc::NewChannel(stack_->endpoint("beneficiary").grpc));
    return *stub_;
  }
  absl::StatusOr<ben::AllowanceRun> Start() {
    ben::CreateAllowanceRunRequest request;
    request.set_month(kMonth);
    request.set_created_by("agent.amal");
    return rpc::Call(Allowances(), &Stub::CreateAllowanceRun, request);
  }
  absl::StatusOr<ben::AllowanceRun> Get() {
    ben::GetAllowanceRunRequest request;
    request.set_run_id(kRunId);
    return rpc::Call(Allowances(), &Stub::GetAllowanceRun, request);
  }
  // Waits until the draft is computed; its report.
  absl::StatusOr<std::string> Finished() {
    RETURN_IF_ERROR(stack::WaitUntil(
        [&] {
          auto run = Get();
          return run.ok() && run->complete();
        },
        absl::Seconds(300), "the draft computed"));
    ben::GetAllowanceRunRequest request;
    request.set_run_id(kRunId);
    grpc::ClientContext context;
    auto reader = Allowances().GetAllowanceReport(&context, request);
    std::string csv;
    ben::AllowanceCsvChunk chunk;
    while (reader->Read(&chunk)) csv += chunk.csv();
    RETURN_IF_ERROR(rpc::FromGrpcStatus(reader->Finish()));
    return csv;
  }
  // The households the draft holds, as the database has them.
  int64_t Written() {
    int64_t n = -1;
    auto db = storage::Open({.url = database_, .pool_size = 1});
    if (!db.ok()) return n;
    absl::Status read = (*db)->Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM allowance_households WHERE run_id = $1", {kRunId}));
      n = rows[0].Int(0);
      return absl::OkStatus();
    });
    return read.ok() ? n : -1;
  }

  std::string database_;
  std::unique_ptr<stack::LocalStack> stack_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(AllowancesCrashTest, KilledInTheMiddleOfADraftItFinishesWithTheSameReport) {
  ASSERT_TRUE(Start().ok());
  // Kill it once some pages are written, before the last.
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto run = Get();
                    return run.ok() && run->households() >= 400;
                  },
                  absl::Seconds(120), "pages of the draft written")
                  .ok());
  stack_->StopService("beneficiary", SIGKILL);
  const int64_t at_kill = Written();
  ASSERT_LT(at_kill, kHouseholds) << "the kill came too late to test anything";
  ASSERT_GT(at_kill, 0);
  std::printf("killed with %lld of %lld households written\n", static_cast<long long>(at_kill),
              static_cast<long long>(kHouseholds));

  // Started again, it finishes the draft on its own.
  ASSERT_TRUE(stack_->StartService("beneficiary").ok());
  auto resumed = Finished();
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(Written(), kHouseholds);

  // The same draft computed again from the start, uninterrupted: the same report.
  ASSERT_TRUE(Start().ok());
  auto again = Finished();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *resumed);
  EXPECT_EQ(std::count(resumed->begin(), resumed->end(), '\n'), kHouseholds + 1);
}

INSTANTIATE_BACKENDS(AllowancesCrashTest);

}  // namespace
}  // namespace himaya
