// Sixteen clients read a completed batch's report at about a byte a second while GetPerson is
// called: a registration process with four handler threads still answers every GetPerson within
// its deadline, since a report stream holds no thread while its reader is slow. A fast reader
// meanwhile gets the whole report. Real processes, on SQLite and PostgreSQL.
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "datagen/liaison_generator.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "liaison/manifest.h"
#include "registration/api/manifest_proto.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "stack/local_stack.h"
#include "testing/backends.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;

// A channel of its own (its own connection), that reads ahead no more than a few kilobytes: a
// reader that does not read holds the server's writes back at once.
std::shared_ptr<grpc::Channel> NarrowChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4096);
  return grpc::CreateCustomChannel(address, rpc::ClientCredentials(), args);
}

class SlowReportReadersTest : public testing::BackendTest {
 protected:
  static constexpr int64_t kRows = 3000;  // a report page of about 120 kB
  static constexpr int kSlowReaders = 16;
};

TEST_P(SlowReportReadersTest, GetPersonAnswersWithinItsDeadline) {
  datagen::LiaisonOptions gen;
  gen.records = kRows;
  gen.out_dir = dir_.path();
  gen.seed = 21;
  gen.duplicate_rate = gen.invalid_rate = gen.lookalike_rate = gen.covered_rate = 0;
  auto batch = datagen::GenerateLiaisonBatch(gen);
  ASSERT_TRUE(batch.ok()) << batch.status();

  stack::StackOptions options;
  options.data_dir = dir_.path() + "/stack";
  options.services = {"registration"};
  options.extra_flags["registration"] = {"--handler_threads=4"};
  if (GetParam() == testing::Backend::kPostgres) options.databases["registration"] = NewDatabaseUrl("registration");
  auto stack = stack::LocalStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  const std::string address = (*stack)->endpoint("registration").grpc;
  auto stub = reg::RegistrationService::NewStub(NarrowChannel(address));

  // The batch, registered and complete.
  {
    std::ifstream manifest_file(batch->manifest_path);
    auto manifest = liaison::ParseManifestJson(
        std::string((std::istreambuf_iterator<char>(manifest_file)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    auto context = rpc::NewContext(absl::Seconds(60));
    reg::BatchStatus status;
    auto writer = stub->SubmitBatch(context.get(), &status);
    reg::UploadRequest request;
    *request.mutable_manifest() = registration::ManifestToProto(*manifest);
    ASSERT_TRUE(writer->Write(request));
    std::ifstream in(batch->csv_path, std::ios::binary);
    request.set_chunk(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status finished = writer->Finish();
    ASSERT_TRUE(finished.ok()) << finished.error_message();
  }
  reg::GetBatchRequest which;
  which.set_batch_id(batch->batch_id);
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    reg::BatchStatus status;
                    auto context = rpc::NewContext();
                    return stub->GetBatch(context.get(), which, &status).ok() &&
                           status.state() == reg::BATCH_STATE_COMPLETED;
                  },
                  absl::Seconds(120), "the batch to complete")
                  .ok());

  // Sixteen slow readers: each reads a message, then waits a second per byte of it before
  // reading the next (their slowness; they are stopped by cancelling their calls).
  absl::Notification stop;
  std::atomic<int> headers{0};
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::thread> readers;
  for (int i = 0; i < kSlowReaders; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    readers.emplace_back([&, context = contexts.back().get()] {
      auto reader_stub = reg::RegistrationService::NewStub(NarrowChannel(address));
      auto reader = reader_stub->GetBatchReport(context, which);
      reg::ReportChunk chunk;
      bool first = true;
      while (reader->Read(&chunk)) {
        if (first) ++headers;
        first = false;
        stop.WaitForNotificationWithTimeout(absl::Seconds(static_cast<double>(chunk.csv().size())));
      }
      reader->Finish();
    });
  }
  auto stop_readers = [&] {
    if (!stop.HasBeenNotified()) stop.Notify();
    for (auto& context : contexts) context->TryCancel();
    for (auto& reader : readers) reader.join();
    readers.clear();
  };
  absl::Cleanup stop_readers_on_failure = stop_readers;
  const absl::Status started = stack::WaitUntil([&] { return headers == kSlowReaders; }, absl::Seconds(60),
                                                "every slow reader to get its first message");
  EXPECT_TRUE(started.ok()) << started << " (" << headers << " of " << kSlowReaders << ")";

  // While they hold their streams open: GetPerson answers within its deadline, every time.
  reg::GetPersonRequest get;
  {
    std::ifstream in(batch->csv_path);
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    const std::vector<std::string> columns = absl::StrSplit(header, ',');
    const std::vector<std::string> fields = absl::StrSplit(row, ',');
    for (size_t i = 0; i < columns.size() && i < fields.size(); ++i) {
      if (columns[i] == "cin") get.set_cin(fields[i]);
    }
    ASSERT_FALSE(get.cin().empty());
  }
  int answered = 0;
  int failed = 0;
  absl::Duration slowest;
  for (int i = 0; i < 100 && failed < 3; ++i) {  // after three failures, the rest would fail alike
    reg::Person person;
    auto context = rpc::NewContext(absl::Seconds(2));
    const absl::Time start = absl::Now();
    grpc::Status status = stub->GetPerson(context.get(), get, &person);
    slowest = std::max(slowest, absl::Now() - start);
    if (status.ok()) ++answered;
    if (!status.ok()) ++failed;
  }
  EXPECT_EQ(answered, 100) << "slowest call: " << slowest;
  std::cout << "GetPerson beside " << kSlowReaders << " slow readers: " << answered << "/100 answered, slowest "
            << slowest << std::endl;

  // A fast reader gets the whole report meanwhile.
  {
    auto context = rpc::NewContext(absl::Seconds(30));
    auto reader = stub->GetBatchReport(context.get(), which);
    std::string report;
    reg::ReportChunk chunk;
    while (reader->Read(&chunk)) report += chunk.csv();
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    const std::vector<std::string> lines = absl::StrSplit(report, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), static_cast<size_t>(kRows) + 1);
    EXPECT_EQ(lines[0], "record_id,row_number,outcome,registration_number,reasons");
  }
  stop_readers();

  // The cancelled streams are gone: the process still serves and stops cleanly.
  reg::Person person;
  auto context = rpc::NewContext(absl::Seconds(2));
  EXPECT_TRUE(stub->GetPerson(context.get(), get, &person).ok());
  EXPECT_EQ((*stack)->StopService("registration", SIGTERM), 0);
}

INSTANTIATE_BACKENDS(SlowReportReadersTest);

}  // namespace
}  // namespace himaya
