// The OutboxAdmin service over a real gRPC server with mutual TLS (certificates made by the local
// authority), a relay on SQLite and the fake producer: where the outbox stands, and a replay that
// only the agents' command line may ask for, with its request checked.
#include "service/outbox_admin_service.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "stack/local_authority.h"
#include "testing/fake_producer.h"
#include "testing/fakes.h"
#include "testing/temp_dir.h"

namespace himaya::service {
namespace {

using google::protobuf::util::TimeUtil;

class OutboxAdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string tls = absl::StrCat(dir_.path(), "/tls");
    ASSERT_TRUE(stack::EnsureCertificates(tls, {"probe", "cli", "notification"}).ok());
    auto server_identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls, "probe"));
    ASSERT_TRUE(server_identity.ok()) << server_identity.status();
    for (const char* caller : {"cli", "notification"}) {
      auto identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls, caller));
      ASSERT_TRUE(identity.ok()) << identity.status();
      identities_[caller] = *identity;
    }
    auto db = storage::Open({.url = absl::StrCat("sqlite:", dir_.path(), "/probe.db")});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect())}).ok());
    relay_ = std::make_unique<events::OutboxRelay>(*db_, producer_, clock_);
    service_ = std::make_unique<OutboxAdminService>("probe", *relay_, clock_, pool_);
    auto server = rpc::Server::Start({.services = {service_.get()},
                                      .service_names = {events::v1::OutboxAdmin::service_full_name()},
                                      .credentials = rpc::MutualTlsServerCredentials(*server_identity)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // A stub calling as `caller` (its certificate's CN).
  std::unique_ptr<events::v1::OutboxAdmin::Stub> StubFor(const std::string& caller) {
    return events::v1::OutboxAdmin::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), rpc::MutualTlsChannelCredentials(identities_.at(caller))));
  }
  // Appends an event created now (by the fake clock) with `key`.
  void Append(const std::string& key) {
    google::protobuf::Timestamp payload;
    events::Envelope envelope = events::NewEnvelope({"probe", &clock_, &random_}, payload, "amo-tns", key);
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) { return events::AppendToOutbox(tx, "t", envelope, clock_); }).ok());
  }
  grpc::Status Replay(const std::string& caller, const events::v1::ReplayOutboxRequest& request,
                      events::v1::ReplayOutboxResponse* response) {
    return StubFor(caller)->ReplayOutbox(rpc::NewContext().get(), request, response);
  }

  testing::TempDir dir_;
  std::map<std::string, rpc::TlsIdentity> identities_;
  testing::FakeClock clock_;
  testing::SeededRandom random_{3};
  testing::FakeProducer producer_;
  core::ThreadPool pool_{2};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::unique_ptr<OutboxAdminService> service_;
  std::unique_ptr<rpc::Server> server_;
};

TEST_F(OutboxAdminServiceTest, TellsWhatIsPendingAndWhatWasSetAside) {
  Append("k");
  Append("huge");
  producer_.Refuse("huge");
  ASSERT_EQ(*relay_->PublishBatch(), 1);
  Append("k");
  events::v1::GetOutboxRequest request;
  events::v1::OutboxStatus status;
  grpc::Status answer = StubFor("notification")->GetOutbox(rpc::NewContext().get(), request, &status);
  ASSERT_TRUE(answer.ok()) << answer.error_message();
  EXPECT_EQ(status.service(), "probe");
  EXPECT_EQ(status.pending(), 1);
  EXPECT_EQ(status.set_aside(), 1);
}

TEST_F(OutboxAdminServiceTest, OnlyTheCommandLineMayReplay) {
  Append("k");
  ASSERT_EQ(*relay_->PublishBatch(), 1);
  events::v1::ReplayOutboxRequest request;
  *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() - absl::Hours(1)));
  events::v1::ReplayOutboxResponse response;
  EXPECT_EQ(Replay("notification", request, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(*relay_->Depth(), 0) << "nothing was replayed";
}

TEST_F(OutboxAdminServiceTest, AReplayMakesWhatWasPublishedSinceATimeOrInAWindowPendingAgain) {
  Append("old");
  clock_.Advance(absl::Hours(2));
  Append("new");
  ASSERT_EQ(*relay_->PublishBatch(), 2);
  events::v1::ReplayOutboxRequest request;
  *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() - absl::Hours(1)));
  events::v1::ReplayOutboxResponse response;
  grpc::Status answer = Replay("cli", request, &response);
  ASSERT_TRUE(answer.ok()) << answer.error_message();
  EXPECT_EQ(response.service(), "probe");
  EXPECT_EQ(response.replayed(), 1);
  EXPECT_EQ(*relay_->Depth(), 1);

  // A window that ends before the new event replays the old one only.
  ASSERT_EQ(*relay_->PublishBatch(), 1);
  *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() - absl::Hours(3)));
  *request.mutable_until() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() - absl::Hours(1)));
  answer = Replay("cli", request, &response);
  ASSERT_TRUE(answer.ok()) << answer.error_message();
  EXPECT_EQ(response.replayed(), 1) << "the old event only";
  EXPECT_EQ(*relay_->Depth(), 1);
}

TEST_F(OutboxAdminServiceTest, AReplayNeedsASinceNotInTheFuture) {
  events::v1::ReplayOutboxRequest request;
  events::v1::ReplayOutboxResponse response;
  grpc::Status answer = Replay("cli", request, &response);
  EXPECT_EQ(answer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(answer.error_message(), "since: required");
  *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() + absl::Minutes(1)));
  answer = Replay("cli", request, &response);
  EXPECT_EQ(answer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(answer.error_message(), "since: in the future");
  *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now() - absl::Minutes(1)));
  *request.mutable_until() = request.since();
  answer = Replay("cli", request, &response);
  EXPECT_EQ(answer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(answer.error_message(), "until: not after since");
}

}  // namespace
}  // namespace himaya::service
