// GatewayAdminService on both backends, through a real server and stubs over the suite's mutual
// TLS: only the `cli` identity is served (every other is PERMISSION_DENIED before anything is
// done); each RPC translates both ways (agents, keys with the secret shown once, the audit log
// with its filters and pages) and domain errors keep their codes.
#include "gateway/src/gateway_admin_service.h"

#include "absl/strings/str_cat.h"
#include "gateway_database.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/call.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "stack/local_authority.h"
#include "testing/temp_dir.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;
using Stub = v1::GatewayAdminService::Stub;

class GatewayAdminServiceTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(stack::EnsureCertificates(tls_.path(), {"gateway", "cli", "registration"}).ok());
    agents_ = std::make_unique<Agents>(*db_, clock_, PasswordCost::Minimum(), LockoutPolicy{});
    keys_ = std::make_unique<ApiKeys>(*db_, clock_);
    access_ = std::make_unique<AccessLog>(*db_, clock_, random_);
    service_ = std::make_unique<GatewayAdminService>(pool_, *agents_, *keys_, *access_);
    auto identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls_.path(), "gateway"));
    ASSERT_TRUE(identity.ok()) << identity.status();
    auto server =
        rpc::Server::Start({.services = {service_.get()}, .credentials = rpc::MutualTlsServerCredentials(*identity)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    cli_ = As("cli");
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  std::unique_ptr<Stub> As(const std::string& identity) {
    auto loaded = rpc::LoadTlsIdentity(stack::CertificateFiles(tls_.path(), identity));
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return std::make_unique<Stub>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), rpc::MutualTlsChannelCredentials(*loaded)));
  }
  v1::AddAgentRequest Amal() {
    v1::AddAgentRequest r;
    r.set_agent_id("agent.amal");
    r.set_display_name("Amal Idrissi");
    r.add_roles("support");
    r.set_password("a long passphrase");
    return r;
  }

  testing::TempDir tls_;
  core::ThreadPool pool_{2};
  std::unique_ptr<Agents> agents_;
  std::unique_ptr<ApiKeys> keys_;
  std::unique_ptr<AccessLog> access_;
  std::unique_ptr<GatewayAdminService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> cli_;
};

TEST_P(GatewayAdminServiceTest, AnyoneButTheCliIsRefusedBeforeAnythingIsDone) {
  std::unique_ptr<Stub> other = As("registration");
  auto added = rpc::Call(*other, &Stub::AddAgent, Amal());
  EXPECT_TRUE(absl::IsPermissionDenied(added.status())) << added.status();
  EXPECT_TRUE(absl::IsPermissionDenied(rpc::Call(*other, &Stub::ListAgents, v1::ListAgentsRequest{}).status()));
  v1::DisableAgentRequest disable;
  disable.set_agent_id("agent.amal");
  EXPECT_TRUE(absl::IsPermissionDenied(rpc::Call(*other, &Stub::DisableAgent, disable).status()));
  v1::CreateApiKeyRequest key;
  key.set_client_id("ivr");
  key.add_scopes("ivr");
  EXPECT_TRUE(absl::IsPermissionDenied(rpc::Call(*other, &Stub::CreateApiKey, key).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(rpc::Call(*other, &Stub::ListApiKeys, v1::ListApiKeysRequest{}).status()));
  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id("k1");
  EXPECT_TRUE(absl::IsPermissionDenied(rpc::Call(*other, &Stub::RevokeApiKey, revoke).status()));
  EXPECT_TRUE(
      absl::IsPermissionDenied(rpc::Call(*other, &Stub::ListAccessRecords, v1::ListAccessRecordsRequest{}).status()));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM agents"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM api_keys"), 0);
}

TEST_P(GatewayAdminServiceTest, AgentsAreAddedListedAndDisabled) {
  auto added = rpc::Call(*cli_, &Stub::AddAgent, Amal());
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->agent_id(), "agent.amal");
  EXPECT_EQ(added->display_name(), "Amal Idrissi");
  EXPECT_EQ(added->roles_size(), 1);
  EXPECT_EQ(added->created_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(added->disabled());
  auto again = rpc::Call(*cli_, &Stub::AddAgent, Amal());
  EXPECT_TRUE(absl::IsAlreadyExists(again.status())) << again.status();
  v1::AddAgentRequest short_password = Amal();
  short_password.set_agent_id("agent.badr");
  short_password.set_password("short");
  auto refused = rpc::Call(*cli_, &Stub::AddAgent, short_password);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("password"));
  EXPECT_EQ(refused.status().message().find("short"), std::string::npos) << "the password is never echoed";
  v1::DisableAgentRequest disable;
  disable.set_agent_id("agent.amal");
  auto disabled = rpc::Call(*cli_, &Stub::DisableAgent, disable);
  ASSERT_TRUE(disabled.ok()) << disabled.status();
  EXPECT_TRUE(disabled->disabled());
  auto listed = rpc::Call(*cli_, &Stub::ListAgents, v1::ListAgentsRequest{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->agents_size(), 1);
  EXPECT_TRUE(listed->agents(0).disabled());
  disable.set_agent_id("agent.nobody");
  EXPECT_TRUE(absl::IsNotFound(rpc::Call(*cli_, &Stub::DisableAgent, disable).status()));
}

TEST_P(GatewayAdminServiceTest, AKeysSecretIsShownOnceThenNeverAgain) {
  v1::CreateApiKeyRequest request;
  request.set_client_id("clinic-atlas");
  request.add_scopes("fhir");
  auto created = rpc::Call(*cli_, &Stub::CreateApiKey, request);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->client_id(), "clinic-atlas");
  EXPECT_THAT(created->secret(), ::testing::StartsWith(created->key_id() + "."));
  EXPECT_TRUE(keys_->Authenticate(created->secret()).ok());
  auto listed = rpc::Call(*cli_, &Stub::ListApiKeys, v1::ListApiKeysRequest{});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->keys_size(), 1);
  EXPECT_EQ(listed->keys(0).secret(), "");
  EXPECT_EQ(listed->keys(0).scopes(0), "fhir");
  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(created->key_id());
  auto revoked = rpc::Call(*cli_, &Stub::RevokeApiKey, revoke);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->revoked());
  EXPECT_FALSE(keys_->Authenticate(created->secret()).ok());
  request.clear_scopes();
  request.add_scopes("everything");
  EXPECT_TRUE(absl::IsInvalidArgument(rpc::Call(*cli_, &Stub::CreateApiKey, request).status()));
}

TEST_P(GatewayAdminServiceTest, TheAccessLogIsReadWithFiltersAndPages) {
  Caller amal;
  amal.kind = CallerKind::kAgent;
  amal.subject = "agent.amal";
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        access_->Record(amal, "GET /v1/persons/{registration_number}", "100000017", "a call", absl::StrCat("r", i))
            .ok());
    clock_.Advance(absl::Seconds(1));
  }
  v1::ListAccessRecordsRequest request;
  request.set_agent_id("agent.amal");
  request.set_subject("100000017");
  request.set_page_size(2);
  auto first = rpc::Call(*cli_, &Stub::ListAccessRecords, request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->records_size(), 2);
  EXPECT_EQ(first->records(0).request_id(), "r2");
  EXPECT_EQ(first->records(0).action(), "GET /v1/persons/{registration_number}");
  EXPECT_EQ(first->records(0).reason(), "a call");
  EXPECT_EQ(first->records(0).subject(), "100000017");
  EXPECT_EQ(first->records(0).agent_id(), "agent.amal");
  EXPECT_NE(first->next_page_token(), "");
  request.set_page_token(first->next_page_token());
  auto second = rpc::Call(*cli_, &Stub::ListAccessRecords, request);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->records_size(), 1);
  EXPECT_EQ(second->records(0).request_id(), "r0");
  EXPECT_EQ(second->next_page_token(), "");
  v1::ListAccessRecordsRequest since;
  *since.mutable_since() = google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now()) - 1);
  auto recent = rpc::Call(*cli_, &Stub::ListAccessRecords, since);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->records_size(), 1);
  EXPECT_EQ(recent->records(0).request_id(), "r2");
  since.set_page_size(-1);
  EXPECT_TRUE(absl::IsInvalidArgument(rpc::Call(*cli_, &Stub::ListAccessRecords, since).status()));
}

INSTANTIATE_BACKENDS(GatewayAdminServiceTest);

}  // namespace
}  // namespace himaya::gateway
