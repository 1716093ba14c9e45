// rpc::NewChannels and rpc::ChannelPool against a real server: each channel its own connection
// (the server sees as many client ports), taken in turn.
#include "rpc/client.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "rpc/server.h"

namespace himaya::rpc {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Answers SERVING and remembers each caller's address ("ipv4:127.0.0.1:PORT").
class PeerRecorder final : public Health::CallbackService {
 public:
  explicit PeerRecorder(core::ThreadPool& pool) : pool_(pool) {}
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest*,
                                  HealthCheckResponse* response) override {
    std::string peer = context->peer();
    return Handle(context, pool_, [this, peer, response]() -> absl::Status {
      absl::MutexLock lock(&mu_);
      peers_.insert(peer);
      response->set_status(HealthCheckResponse::SERVING);
      return absl::OkStatus();
    });
  }
  std::set<std::string> peers() {
    absl::MutexLock lock(&mu_);
    return peers_;
  }

 private:
  core::ThreadPool& pool_;
  absl::Mutex mu_;
  std::set<std::string> peers_ ABSL_GUARDED_BY(mu_);
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Server::Start({.services = {&recorder_}});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    address_ = absl::StrCat("127.0.0.1:", server_->port());
  }
  // Checks health over `channel`; true when SERVING.
  static bool Serving(const std::shared_ptr<grpc::Channel>& channel) {
    HealthCheckResponse response;
    grpc::Status status = Health::NewStub(channel)->Check(NewContext().get(), HealthCheckRequest(), &response);
    return status.ok() && response.status() == HealthCheckResponse::SERVING;
  }
  core::ThreadPool pool_{2};
  PeerRecorder recorder_{pool_};
  std::unique_ptr<Server> server_;
  std::string address_;
};

TEST_F(ClientTest, EachOfNewChannelsIsAConnectionOfItsOwn) {
  for (const auto& channel : NewChannels(address_, 3)) ASSERT_TRUE(Serving(channel));
  EXPECT_EQ(recorder_.peers().size(), 3u);
}

TEST_F(ClientTest, APoolHandsOutItsChannelsInTurnAndCopiesShareTheTurn) {
  ChannelPool pool(NewChannels(address_, 3));
  ASSERT_EQ(pool.size(), 3u);
  const auto first = pool.Next();
  const ChannelPool copy = pool;
  const auto second = copy.Next();
  const auto third = pool.Next();
  EXPECT_NE(first, second);
  EXPECT_NE(second, third);
  EXPECT_NE(first, third);
  EXPECT_EQ(copy.Next(), first) << "after the last, the first again";
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Serving(pool.Next()));
  EXPECT_EQ(recorder_.peers().size(), 3u);
}

TEST_F(ClientTest, AnEmptyPoolHasNoChannelAndAPoolOfOneAlwaysTheSame) {
  ChannelPool empty;
  EXPECT_FALSE(empty);
  EXPECT_EQ(empty.Next(), nullptr);
  EXPECT_FALSE(ChannelPool(std::shared_ptr<grpc::Channel>())) << "a null channel makes no pool";
  const auto channel = NewChannel(address_);
  ChannelPool one = channel;
  EXPECT_TRUE(one);
  EXPECT_EQ(one.Next(), channel);
  EXPECT_EQ(one.Next(), channel);
}

}  // namespace
}  // namespace himaya::rpc
