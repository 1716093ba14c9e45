// Internal gRPC is mutual TLS: a caller without a certificate of the suite's authority is refused
// at the handshake, and the RPCs that hand out activation codes and personal data in bulk answer
// only the identities allowed (GetRecipients: notification; IssueActivationCode: notification and
// the agents' CLI). A stack of real processes with the certificates `himaya up` makes.
#include <sys/wait.h>

#include <fstream>

#include "core/process.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "himaya/events/v1/outbox_admin.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "stack/local_authority.h"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace reg = himaya::registration::v1;
using ::testing::HasSubstr;

class MutualTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    stack::StackOptions options;
    options.data_dir = dir_->path() + "/stack";
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = started->release();
    reg::RegisterPersonRequest r;
    r.set_cin("BK112233");
    r.set_last_name("Alaoui");
    r.set_first_name("Amina");
    r.set_birth_date("1985-03-12");
    r.set_sex("F");
    r.set_phone("0612345678");
    r.set_program("amo-tns");
    r.set_category("AGRI");
    reg::RegisterPersonResponse response;
    auto context = rpc::NewContext();
    grpc::Status status = Registration(As(stack::kCliIdentity))->RegisterPerson(context.get(), r, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    number_ = response.person().registration_number();
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete dir_;
  }

  // Credentials showing the certificate of `identity` from the stack's authority.
  static std::shared_ptr<grpc::ChannelCredentials> As(const std::string& identity) {
    auto loaded = rpc::LoadTlsIdentity(stack_->tls_files(identity));
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return rpc::MutualTlsChannelCredentials(*loaded);
  }
  static std::unique_ptr<reg::RegistrationService::Stub> Registration(
      std::shared_ptr<grpc::ChannelCredentials> credentials) {
    return reg::RegistrationService::NewStub(
        grpc::CreateChannel(stack_->endpoint("registration").grpc, std::move(credentials)));
  }
  static grpc::Status CheckHealth(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(stack_->endpoint("registration").grpc, std::move(credentials)));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    auto context = rpc::NewContext(absl::Seconds(5));
    return stub->Check(context.get(), request, &response);
  }
  static grpc::Status GetRecipients(std::shared_ptr<grpc::ChannelCredentials> credentials,
                                    reg::GetRecipientsResponse* response) {
    reg::GetRecipientsRequest request;
    request.add_queries()->set_registration_number(number_);
    auto context = rpc::NewContext();
    return Registration(std::move(credentials))->GetRecipients(context.get(), request, response);
  }
  static grpc::Status IssueCode(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    reg::IssueActivationCodeRequest request;
    request.set_registration_number(number_);
    reg::IssueActivationCodeResponse response;
    auto context = rpc::NewContext();
    return Registration(std::move(credentials))->IssueActivationCode(context.get(), request, &response);
  }

  static testing::TempDir* dir_;
  static stack::LocalStack* stack_;
  static std::string number_;
};

testing::TempDir* MutualTlsTest::dir_ = nullptr;
stack::LocalStack* MutualTlsTest::stack_ = nullptr;
std::string MutualTlsTest::number_;

TEST_F(MutualTlsTest, ACallerWithoutACertificateOfTheAuthorityIsRefusedAtTheHandshake) {
  ASSERT_NE(stack_, nullptr);
  EXPECT_TRUE(CheckHealth(As(stack::kCliIdentity)).ok()) << "the CLI's certificate passes";

  EXPECT_EQ(CheckHealth(grpc::InsecureChannelCredentials()).error_code(), grpc::StatusCode::UNAVAILABLE) << "plaintext";
  grpc::SslCredentialsOptions no_certificate;
  std::ifstream ca(stack_->tls_files(stack::kCliIdentity).ca);
  no_certificate.pem_root_certs.assign(std::istreambuf_iterator<char>(ca), std::istreambuf_iterator<char>());
  EXPECT_EQ(CheckHealth(grpc::SslCredentials(no_certificate)).error_code(), grpc::StatusCode::UNAVAILABLE)
      << "TLS without a client certificate";

  // A certificate named "notification" from another authority.
  const std::string other = dir_->path() + "/other-authority";
  ASSERT_TRUE(stack::EnsureCertificates(other, {"notification"}).ok());
  auto forged = rpc::LoadTlsIdentity(stack::CertificateFiles(other, "notification"));
  ASSERT_TRUE(forged.ok()) << forged.status();
  std::ifstream our_ca(stack_->tls_files(stack::kCliIdentity).ca);
  forged->ca_pem.assign(std::istreambuf_iterator<char>(our_ca), std::istreambuf_iterator<char>());
  reg::GetRecipientsResponse response;
  EXPECT_EQ(GetRecipients(rpc::MutualTlsChannelCredentials(*forged), &response).error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "another authority's certificate";
}

TEST_F(MutualTlsTest, RecipientsAreHandedToNotificationOnly) {
  ASSERT_NE(stack_, nullptr);
  reg::GetRecipientsResponse response;
  grpc::Status as_registration = GetRecipients(As("registration"), &response);
  EXPECT_EQ(as_registration.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(as_registration.error_message(), HasSubstr("caller registration may not call this"));
  EXPECT_EQ(response.recipients_size(), 0);
  EXPECT_EQ(GetRecipients(As(stack::kCliIdentity), &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  grpc::Status as_notification = GetRecipients(As("notification"), &response);
  ASSERT_TRUE(as_notification.ok()) << as_notification.error_message();
  ASSERT_EQ(response.recipients_size(), 1);
  EXPECT_EQ(response.recipients(0).phone(), "+212612345678");
}

TEST_F(MutualTlsTest, ActivationCodesAreIssuedToNotificationAndTheCliOnly) {
  ASSERT_NE(stack_, nullptr);
  EXPECT_EQ(IssueCode(As("registration")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(IssueCode(As(stack::kCliIdentity)).ok());
  EXPECT_TRUE(IssueCode(As("notification")).ok());
}

TEST_F(MutualTlsTest, OnlyTheCliReplaysAServicesEvents) {
  ASSERT_NE(stack_, nullptr);
  auto replay = [](std::shared_ptr<grpc::ChannelCredentials> credentials) {
    auto stub = himaya::events::v1::OutboxAdmin::NewStub(
        grpc::CreateChannel(stack_->endpoint("registration").grpc, std::move(credentials)));
    himaya::events::v1::ReplayOutboxRequest request;
    request.mutable_since()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
    himaya::events::v1::ReplayOutboxResponse response;
    auto context = rpc::NewContext();
    return stub->ReplayOutbox(context.get(), request, &response);
  };
  EXPECT_EQ(replay(As("notification")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status as_cli = replay(As(stack::kCliIdentity));
  EXPECT_TRUE(as_cli.ok()) << as_cli.error_message();
}

// A service given neither certificates nor --insecure_plaintext refuses to start, saying why.
TEST(MutualTlsStart, AServiceWithoutCertificatesRefusesToStart) {
  testing::TempDir dir;
  const std::string out = dir.path() + "/out";
  auto process = core::Subprocess::Start({.argv = {stack::DefaultBinDir() + "/himaya-registration",
                                                   "--data_dir=" + dir.path(), "--kafka_bootstrap=127.0.0.1:9"},
                                          .stdout_path = out,
                                          .stderr_path = out});
  ASSERT_TRUE(process.ok()) << process.status();
  std::optional<int> status = process->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1);
  std::ifstream in(out);
  std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(output, HasSubstr("himaya-registration: INVALID_ARGUMENT: tls_cert, tls_key, tls_ca: required"));
}

}  // namespace
}  // namespace himaya
