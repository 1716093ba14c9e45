// `himaya health` as a container's health check runs it: the real binary against a scripted
// grpc.health.v1 server over the suite's mutual TLS. SERVING exits 0 with a table or JSON, the
// service asked reaches the server, and NOT_SERVING, an unknown service, a closed port, a missing
// certificate and bad flags are each one line on standard error and a non-zero exit.
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "scripted_service_test.h"

namespace himaya::cli {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A server as health checks see it: the whole server and "himaya.claims.v1.ClaimsService"
// SERVING, "stopping" NOT_SERVING, any other name unknown.
class ScriptedHealth final : public grpc::health::v1::Health::Service {
 public:
  grpc::Status Check(grpc::ServerContext*, const HealthCheckRequest* request, HealthCheckResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      asked_.push_back(request->service());
    }
    if (request->service().empty() || request->service() == "himaya.claims.v1.ClaimsService") {
      response->set_status(HealthCheckResponse::SERVING);
    } else if (request->service() == "stopping") {
      response->set_status(HealthCheckResponse::NOT_SERVING);
    } else {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
    }
    return grpc::Status::OK;
  }
  std::vector<std::string> asked() {
    absl::MutexLock lock(&mu_);
    return asked_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> asked_ ABSL_GUARDED_BY(mu_);
};

class HealthCommandTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("claims", &health_); }
  std::string Address() const { return absl::StrCat("--address=127.0.0.1:", server_->port()); }
  CliRun Health(std::vector<std::string> flags) {
    flags.insert(flags.begin(), "health");
    return Himaya(flags, /*with_address=*/false);
  }
  ScriptedHealth health_;
};

TEST_F(HealthCommandTest, ServingServerExitsZeroWithATable) {
  CliRun run = Health({Address()});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("ADDRESS"));
  EXPECT_THAT(run.out, HasSubstr("(server)"));
  EXPECT_THAT(run.out, HasSubstr("SERVING"));
  EXPECT_EQ(run.err, "");
  EXPECT_THAT(health_.asked(), ElementsAre(""));
}

TEST_F(HealthCommandTest, NamedServiceReachesTheServerAndPrintsJson) {
  CliRun run = Health({Address(), "--service=himaya.claims.v1.ClaimsService", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  nlohmann::json json = Json(run);
  ASSERT_EQ(json.size(), 1u) << run.out;
  EXPECT_EQ(json[0]["service"], "himaya.claims.v1.ClaimsService");
  EXPECT_EQ(json[0]["status"], "SERVING");
  EXPECT_EQ(json[0]["address"], "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_THAT(health_.asked(), ElementsAre("himaya.claims.v1.ClaimsService"));
}

TEST_F(HealthCommandTest, NotServingIsOneLineAndNonZero) {
  ExpectOneLineError(Health({Address(), "--service=stopping"}), "stopping: NOT_SERVING");
}

TEST_F(HealthCommandTest, UnknownServiceIsOneLineAndNonZero) {
  ExpectOneLineError(Health({Address(), "--service=himaya.nothing.v1.Nothing"}), "NOT_FOUND");
}

TEST_F(HealthCommandTest, NothingListeningIsOneLineAndNonZero) {
  const int port = server_->port();
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  ExpectOneLineError(Health({absl::StrCat("--address=127.0.0.1:", port), "--timeout=2s"}), "UNAVAILABLE");
}

TEST_F(HealthCommandTest, MissingCertificateIsOneLineAndNonZero) {
  ExpectOneLineError(Health({Address(), "--tls_cert=" + dir_.path() + "/none.crt"}), "no certificate for the CLI");
  EXPECT_TRUE(health_.asked().empty());
}

TEST_F(HealthCommandTest, BadFlagsAreRefused) {
  ExpectOneLineError(Health({}), "usage: himaya health --address=HOST:PORT");
  ExpectOneLineError(Health({Address(), "extra"}), "usage: himaya health");
  ExpectOneLineError(Health({Address(), "--timeout=0s"}), "--timeout must be positive");
  ExpectOneLineError(Health({Address(), "--output=xml"}), "--output: table or json");
  EXPECT_TRUE(health_.asked().empty());
}

}  // namespace
}  // namespace himaya::cli
