// A registration process killed with -9 in the middle of a 100,000-row batch (while it applies
// the rows, or while it still receives them from `himaya batch submit`) is restarted; the batch
// completes with every row accounted for exactly once, nobody registered twice, and the event of
// every registered person on the topic. Real processes, on SQLite and PostgreSQL.
#include <signal.h>

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/process.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "events/envelope.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "registration/api/manifest_proto.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"
#include "testing/kcat.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;

class BatchIntakeCrashTest : public testing::BackendTest {
 protected:
  reg::RegistrationService::Stub& Stub() {
    stub_ = reg::RegistrationService::NewStub(rpc::NewChannel(stack_->endpoint("registration").grpc));
    return *stub_;
  }
  absl::StatusOr<reg::BatchStatus> Status(const std::string& id) {
    reg::GetBatchRequest request;
    request.set_batch_id(id);
    return rpc::Call(Stub(), &reg::RegistrationService::Stub::GetBatch, request);
  }
  // Generates the batch and starts broker and registration with `flags`.
  void SetUpBatchAndStack(std::vector<std::string> flags) {
    datagen::LiaisonOptions gen;
    gen.records = kRows;
    gen.out_dir = dir_.path();
    gen.seed = 5;
    auto batch = datagen::GenerateLiaisonBatch(gen);
    ASSERT_TRUE(batch.ok()) << batch.status();
    batch_ = *batch;
    std::ifstream manifest_file(batch_.manifest_path);
    auto parsed = liaison::ParseManifestJson(
        std::string((std::istreambuf_iterator<char>(manifest_file)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    manifest_ = registration::ManifestToProto(*parsed);

    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    options.services = {"registration"};
    options.extra_flags["registration"] = std::move(flags);
    if (GetParam() == testing::Backend::kPostgres) options.databases["registration"] = NewDatabaseUrl("registration");
    database_ = options.databases.count("registration") ? options.databases["registration"]
                                                        : absl::StrCat("sqlite:", options.data_dir, "/registration.db");
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }

  // Once the batch is complete: every row once in the report, nobody registered twice, and
  // every registered person's event on the topic.
  void ExpectEveryRowAccountedForOnce() {
    reg::BatchStatus done;
    ASSERT_TRUE(stack::WaitUntil(
                    [&] {
                      auto s = Status(manifest_.batch_id());
                      if (s.ok()) done = *s;
                      return s.ok() && s->state() == reg::BATCH_STATE_COMPLETED;
                    },
                    absl::Seconds(180), "the batch to complete after the restart")
                    .ok());
    EXPECT_EQ(done.rows_applied(), kRows);
    int64_t total = 0;
    for (const auto& [outcome, n] : done.outcomes()) total += n;
    EXPECT_EQ(total, kRows);
    reg::GetBatchRequest request;
    request.set_batch_id(manifest_.batch_id());
    grpc::ClientContext context;
    auto reader = Stub().GetBatchReport(&context, request);
    std::string report;
    reg::ReportChunk chunk;
    while (reader->Read(&chunk)) report += chunk.csv();
    ASSERT_TRUE(reader->Finish().ok());
    std::vector<std::string> lines = absl::StrSplit(report, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), static_cast<size_t>(kRows) + 1);
    std::set<std::string> record_ids, registered;
    for (size_t i = 1; i < lines.size(); ++i) {
      // record_id,row_number,outcome,registration_number,reasons
      std::vector<std::string> f = absl::StrSplit(lines[i], ',');
      record_ids.insert(f[0]);
      if (f[2] == "REGISTERED") {
        EXPECT_TRUE(registered.insert(f[3]).second) << "number given twice: " << f[3];
      }
    }
    EXPECT_EQ(record_ids.size(), static_cast<size_t>(kRows)) << "no row lost, none twice";
    EXPECT_EQ(static_cast<int64_t>(registered.size()), done.outcomes().at("REGISTERED"));

    // Nobody registered twice.
    auto db = storage::Open({.url = database_, .pool_size = 1});
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Read([&](storage::Transaction& tx) -> absl::Status {
                      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*), COUNT(DISTINCT cin) FROM persons"));
                      EXPECT_EQ(rows[0].Int(0), static_cast<int64_t>(registered.size()));
                      EXPECT_EQ(rows[0].Int(1), rows[0].Int(0));
                      return absl::OkStatus();
                    })
                    .ok());
    ExpectAnnounced(registered);
  }

  // No event missing on the topic (a crash may publish some twice: consumers deduplicate).
  void ExpectAnnounced(const std::set<std::string>& registered) {
    const std::string topic = "himaya.registration.amo-tns.v1";
    std::set<std::string> announced;
    ASSERT_TRUE(stack::WaitUntil(
                    [&] {
                      auto records = testing::ReadTopicWithKcat(stack_->bootstrap_servers(), topic, absl::Seconds(120));
                      if (!records.ok()) return false;
                      announced.clear();
                      for (const testing::KcatRecord& record : *records) {
                        auto envelope = events::ParseEnvelope(record.value);
                        if (envelope.ok() && envelope->type() == "himaya.registration.v1.PersonRegistered") {
                          announced.insert(envelope->aggregate_id());
                        }
                      }
                      return announced.size() >= registered.size();
                    },
                    absl::Seconds(120), "every PersonRegistered on the topic")
                    .ok())
        << announced.size() << " of " << registered.size();
    EXPECT_EQ(announced, registered);
  }

  static constexpr int64_t kRows = 100000;
  datagen::GeneratedBatch batch_;
  reg::Manifest manifest_;
  std::string database_;
  std::unique_ptr<stack::LocalStack> stack_;
  std::unique_ptr<reg::RegistrationService::Stub> stub_;
};

TEST_P(BatchIntakeCrashTest, KilledWhileApplyingResumesAndAccountsForEveryRowOnce) {
  SetUpBatchAndStack({"--batch_chunk_rows=1000"});
  if (HasFatalFailure()) return;
  // Send the batch (streamed; the call returns once every byte is checked).
  {
    grpc::ClientContext context;
    reg::BatchStatus received;
    auto writer = Stub().SubmitBatch(&context, &received);
    reg::UploadRequest request;
    *request.mutable_manifest() = manifest_;
    ASSERT_TRUE(writer->Write(request));
    std::ifstream in(batch_.csv_path, std::ios::binary);
    std::vector<char> buffer(1 << 16);
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      request.set_chunk(buffer.data(), in.gcount());
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Kill it while rows are being applied.
  int64_t applied_at_kill = 0;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto s = Status(manifest_.batch_id());
                    if (!s.ok()) return false;
                    applied_at_kill = s->rows_applied();
                    return applied_at_kill >= 20000;
                  },
                  absl::Seconds(120), "rows being applied")
                  .ok());
  stack_->StopService("registration", SIGKILL);
  ASSERT_LT(applied_at_kill, kRows) << "the kill came too late to test anything";

  ASSERT_TRUE(stack_->StartService("registration").ok());
  ExpectEveryRowAccountedForOnce();
}

TEST_P(BatchIntakeCrashTest, KilledWhileReceivingTheSenderTriesAgainAndEveryRowIsAccountedForOnce) {
  // The dead process's hold on the upload lapses after 2 s (30 s by default).
  SetUpBatchAndStack({"--batch_receive_lease=2s"});
  if (HasFatalFailure()) return;
  const std::string out = dir_.path() + "/submit.out";
  auto submit =
      core::Subprocess::Start({.argv = {stack::DefaultBinDir() + "/himaya", "batch", "submit", batch_.csv_path,
                                        "--data_dir=" + dir_.path() + "/stack", "--retry_for=120s"},
                               .stdout_path = out,
                               .stderr_path = out});
  ASSERT_TRUE(submit.ok()) << submit.status();

  // Kill registration while the rows are still arriving.
  reg::BatchStatus at_kill;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto s = Status(manifest_.batch_id());
                    if (s.ok()) at_kill = *s;
                    return s.ok() && s->rows_received() >= 1000;
                  },
                  absl::Seconds(120), "rows being received")
                  .ok());
  stack_->StopService("registration", SIGKILL);
  ASSERT_EQ(at_kill.state(), reg::BATCH_STATE_RECEIVING) << "the kill came too late to test anything";
  ASSERT_LT(at_kill.rows_received(), kRows);

  ASSERT_TRUE(stack_->StartService("registration").ok());
  auto code = submit->Wait(absl::Seconds(240));
  std::ifstream in(out);
  const std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(code.has_value()) << "himaya batch submit did not end: " << printed;
  EXPECT_EQ(*code, 0) << "wait status " << *code << ": " << printed;
  EXPECT_THAT(printed, ::testing::HasSubstr("registration unavailable")) << "the sender had to try again";
  EXPECT_THAT(printed, ::testing::HasSubstr("state      COMPLETED"));
  ExpectEveryRowAccountedForOnce();
}

INSTANTIATE_BACKENDS(BatchIntakeCrashTest);

}  // namespace
}  // namespace himaya
