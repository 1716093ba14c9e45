// The local stack's certificate authority: a certificate per identity, kept across restarts,
// whose common name is what a service sees of its caller; a certificate of another authority,
// or none, is refused at the handshake.
#include "stack/local_authority.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "rpc/call.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "testing/temp_dir.h"

namespace himaya::stack {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(LocalAuthority, IssuesACertificatePerIdentityWithKeysForTheirOwnerOnly) {
  testing::TempDir dir;
  ASSERT_TRUE(EnsureCertificates(dir.path(), {"registration", "cli"}).ok());
  for (const char* identity : {"registration", "cli"}) {
    rpc::TlsFiles files = CertificateFiles(dir.path(), identity);
    EXPECT_EQ(files.cert, absl::StrCat(dir.path(), "/", identity, ".crt"));
    EXPECT_EQ(files.ca, dir.path() + "/ca.crt");
    EXPECT_EQ(ModeOf(files.key), 0600u) << files.key;
    absl::StatusOr<rpc::TlsIdentity> loaded = rpc::LoadTlsIdentity(files);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
  }
  EXPECT_EQ(ModeOf(dir.path() + "/ca.key"), 0600u);
}

TEST(LocalAuthority, KeepsWhatItMadeAndAddsOnlyWhatIsMissing) {
  testing::TempDir dir;
  ASSERT_TRUE(EnsureCertificates(dir.path(), {"registration"}).ok());
  const std::string ca = Slurp(dir.path() + "/ca.crt");
  const std::string registration = Slurp(dir.path() + "/registration.crt");
  const std::string registration_key = Slurp(dir.path() + "/registration.key");
  ASSERT_TRUE(EnsureCertificates(dir.path(), {"registration", "notification"}).ok());
  EXPECT_EQ(Slurp(dir.path() + "/ca.crt"), ca) << "the authority is kept";
  EXPECT_EQ(Slurp(dir.path() + "/registration.crt"), registration);
  EXPECT_EQ(Slurp(dir.path() + "/registration.key"), registration_key);
  EXPECT_TRUE(rpc::LoadTlsIdentity(CertificateFiles(dir.path(), "notification")).ok());
}

// Answers only callers whose certificate names `allowed`.
class GuardedHealth final : public Health::CallbackService {
 public:
  GuardedHealth(core::ThreadPool& pool, std::string allowed) : pool_(pool), allowed_(std::move(allowed)) {}
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    const absl::Status allowed = rpc::RequireCaller(*context, {allowed_});
    return rpc::Handle(context, pool_, [=]() -> absl::Status {
      if (!allowed.ok()) return allowed;
      response->set_status(HealthCheckResponse::SERVING);
      return absl::OkStatus();
    });
  }

 private:
  core::ThreadPool& pool_;
  std::string allowed_;
};

// A service with registration's certificate that answers the CLI only, as the suite's are.
class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(EnsureCertificates(dir_.path(), {"registration", "notification", "cli"}).ok());
    ASSERT_TRUE(EnsureCertificates(other_authority_.path(), {"cli"}).ok());
    absl::StatusOr<rpc::TlsIdentity> identity = rpc::LoadTlsIdentity(CertificateFiles(dir_.path(), "registration"));
    ASSERT_TRUE(identity.ok()) << identity.status();
    auto started =
        rpc::Server::Start({.services = {&service_}, .credentials = rpc::MutualTlsServerCredentials(*identity)});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
  }
  // A health check of the service, showing the certificate of `identity` from the authority in
  // `authority_dir`.
  absl::Status CheckAs(const std::string& authority_dir, const std::string& identity) {
    absl::StatusOr<rpc::TlsIdentity> loaded = rpc::LoadTlsIdentity(CertificateFiles(authority_dir, identity));
    if (!loaded.ok()) return loaded.status();
    return Check(rpc::MutualTlsChannelCredentials(*loaded));
  }
  absl::Status Check(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    Health::Stub stub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), std::move(credentials)));
    return rpc::Call(stub, &Health::Stub::Check, HealthCheckRequest(), absl::Seconds(5)).status();
  }

  testing::TempDir dir_, other_authority_;
  core::ThreadPool pool_{2};
  GuardedHealth service_{pool_, "cli"};
  std::unique_ptr<rpc::Server> server_;
};

TEST_F(MutualTlsTest, TheIdentityAllowedIsAnswered) { EXPECT_TRUE(CheckAs(dir_.path(), "cli").ok()); }

TEST_F(MutualTlsTest, AnotherIdentityOfTheSameAuthorityIsDenied) {
  absl::Status status = CheckAs(dir_.path(), "notification");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_NE(status.message().find("notification"), absl::string_view::npos) << "the caller is named: " << status;
}

TEST_F(MutualTlsTest, ACertificateOfAnotherAuthorityIsRefusedAtTheHandshake) {
  absl::Status status = CheckAs(other_authority_.path(), "cli");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST_F(MutualTlsTest, ACallerWithoutACertificateIsRefusedAtTheHandshake) {
  absl::Status status = Check(grpc::InsecureChannelCredentials());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace himaya::stack
