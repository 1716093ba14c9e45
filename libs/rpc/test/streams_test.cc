// rpc/streams.h through a real server and stub (ClaimPaymentService's two streaming methods as
// the carrier): pages sent in order with each page's next_after passed back, until the last or
// an empty one; a page function's error ends the stream with it after the pages already sent;
// a full pool answers RESOURCE_EXHAUSTED; a client stream's messages handled in order, then its
// end's status, and a message's error ending the call without reaching the end.
#include "rpc/streams.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/server.h"

namespace himaya::rpc {
namespace {

namespace v1 = claims::v1;

// Pages "p0", "p1", ... after 0, 10, 20, ...: `pages` of them, the last marked last unless
// `end_with_empty`; a run_id of "fail" fails the third page. Records each `after` asked.
class ScriptedStreams final : public v1::ClaimPaymentService::CallbackService {
 public:
  explicit ScriptedStreams(core::ThreadPool& pool) : pool_(pool) {}

  grpc::ServerWriteReactor<v1::PaymentInstructionChunk>* GetPaymentInstructions(
      grpc::CallbackServerContext* context, const v1::GetPaymentRunRequest* request) override {
    const bool fail = request->run_id() == "fail";
    const bool end_with_empty = request->run_id() == "empty-end";
    return new PagedWriteReactor<v1::PaymentInstructionChunk>(
        context, pool_,
        [this, fail, end_with_empty](std::optional<int64_t> after) -> absl::StatusOr<StreamPage> {
          const int64_t page = after.has_value() ? *after / 10 + 1 : 0;
          {
            absl::MutexLock lock(&mu_);
            asked_.push_back(after.has_value() ? absl::StrCat(*after) : "none");
          }
          if (fail && page == 2) return absl::FailedPreconditionError("NOT_YET: page 2");
          if (end_with_empty && page == 3) return StreamPage{};
          return StreamPage{absl::StrCat("p", page, ";"), page * 10, !end_with_empty && page == 3};
        },
        [](std::string bytes, v1::PaymentInstructionChunk* chunk) { chunk->set_csv(std::move(bytes)); });
  }

  grpc::ServerReadReactor<v1::PaymentConfirmationUpload>* ImportPaymentConfirmation(
      grpc::CallbackServerContext* context, v1::PaymentConfirmationResult* response) override {
    auto seen = std::make_shared<std::string>();
    return new StreamReadReactor<v1::PaymentConfirmationUpload>(
        context, pool_,
        [seen](v1::PaymentConfirmationUpload& message) -> absl::Status {
          if (message.chunk() == "bad") return absl::InvalidArgumentError("chunk: bad");
          *seen += message.part_case() == v1::PaymentConfirmationUpload::kRunId ? message.run_id() : message.chunk();
          return absl::OkStatus();
        },
        [this, seen, response]() -> absl::Status {
          {
            absl::MutexLock lock(&mu_);
            ++ends_;
          }
          if (seen->empty()) return absl::InvalidArgumentError("nothing sent");
          response->set_run_id(*seen);
          return absl::OkStatus();
        });
  }

  std::vector<std::string> asked() {
    absl::MutexLock lock(&mu_);
    return asked_;
  }
  int ends() {
    absl::MutexLock lock(&mu_);
    return ends_;
  }

 private:
  core::ThreadPool& pool_;
  absl::Mutex mu_;
  std::vector<std::string> asked_ ABSL_GUARDED_BY(mu_);
  int ends_ ABSL_GUARDED_BY(mu_) = 0;
};

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(pool_); }
  void Start(core::ThreadPool& pool) {
    service_ = std::make_unique<ScriptedStreams>(pool);
    auto server = Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::ClaimPaymentService::NewStub(NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  // What the stream delivered, and its status.
  std::pair<std::string, grpc::Status> Read(const std::string& run_id) {
    v1::GetPaymentRunRequest request;
    request.set_run_id(run_id);
    auto context = NewContext();
    auto reader = stub_->GetPaymentInstructions(context.get(), request);
    std::string got;
    v1::PaymentInstructionChunk chunk;
    while (reader->Read(&chunk)) got += chunk.csv();
    return {got, reader->Finish()};
  }
  // Sends `chunks` after the run id; the call's status and answer.
  std::pair<grpc::Status, std::string> Send(const std::string& run_id, const std::vector<std::string>& chunks) {
    auto context = NewContext();
    v1::PaymentConfirmationResult result;
    auto writer = stub_->ImportPaymentConfirmation(context.get(), &result);
    v1::PaymentConfirmationUpload part;
    if (!run_id.empty()) {
      part.set_run_id(run_id);
      writer->Write(part);
    }
    for (const std::string& c : chunks) {
      part.set_chunk(c);
      if (!writer->Write(part)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    return {status, result.run_id()};
  }

  core::ThreadPool pool_{2};
  std::unique_ptr<ScriptedStreams> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::ClaimPaymentService::Stub> stub_;
};

TEST_F(StreamsTest, PagesComeInOrderEachAfterThePreviousUntilTheLast) {
  auto [got, status] = Read("ok");
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got, "p0;p1;p2;p3;");
  EXPECT_EQ(service_->asked(), (std::vector<std::string>{"none", "0", "10", "20"}));
}

TEST_F(StreamsTest, AnEmptyPageEndsTheStream) {
  auto [got, status] = Read("empty-end");
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got, "p0;p1;p2;");
}

TEST_F(StreamsTest, APageFunctionsErrorEndsTheStreamAfterThePagesSent) {
  auto [got, status] = Read("fail");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "NOT_YET: page 2");
  EXPECT_EQ(got, "p0;p1;");
}

TEST_F(StreamsTest, AFullPoolAnswersResourceExhausted) {
  TearDown();
  absl::Notification release;  // outlives the pool, whose worker waits on it
  absl::Notification started;
  core::ThreadPool busy(1, /*max_queued=*/1);
  busy.Schedule([&] {
    started.Notify();
    release.WaitForNotification();
  });
  started.WaitForNotification();
  ASSERT_TRUE(busy.TrySchedule([] {}));  // the queue's one place is taken
  Start(busy);
  auto [got, status] = Read("ok");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(got, "");
  release.Notify();
}

TEST_F(StreamsTest, MessagesAreHandledInOrderThenTheEndAnswers) {
  auto [status, answer] = Send("R-", {"a", "b", "c"});
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer, "R-abc");
  auto [nothing, none] = Send("", {});
  EXPECT_EQ(nothing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(nothing.error_message(), "nothing sent");
  EXPECT_EQ(service_->ends(), 2);
}

TEST_F(StreamsTest, AMessagesErrorEndsTheCallWithoutTheEnd) {
  auto [status, answer] = Send("R-", {"a", "bad", "c"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "chunk: bad");
  EXPECT_EQ(service_->ends(), 0);
}

}  // namespace
}  // namespace himaya::rpc
