// Tests of CLI commands against a scripted service: the real `himaya` binary run as a user runs
// it, and a service of the test's own (answers written for the test, requests recorded) served
// over the suite's mutual TLS with certificates made in the test's data directory. Each test file
// scripts its service and derives its fixture from ScriptedServiceTest.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "stack/local_authority.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::cli {

using CliRun = testing::CommandRun;

// What a scripted callback service keeps of its calls: the requests received, as text, in order;
// and its unary answer. A scripted service derives from its proto's CallbackService and this.
class ScriptedRequests {
 public:
  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 protected:
  void Record(std::string request) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(std::move(request));
  }
  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, grpc::Status status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(std::move(status));
    return reactor;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
};

class ScriptedServiceTest : public ::testing::Test {
 protected:
  // Serves `service` as `identity` (a service's name: its certificate is made beside the CLI's in
  // DATA_DIR/tls); Himaya finds it through --<identity>_address.
  void Serve(const std::string& identity, grpc::Service* service) {
    data_dir_ = dir_.path() + "/var";
    identity_ = identity;
    const std::string tls = data_dir_ + "/tls";
    std::filesystem::create_directories(tls);
    absl::Status certificates = stack::EnsureCertificates(tls, {identity, stack::kCliIdentity});
    ASSERT_TRUE(certificates.ok()) << certificates;
    auto tls_identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls, identity));
    ASSERT_TRUE(tls_identity.ok()) << tls_identity.status();
    auto server =
        rpc::Server::Start({.services = {service}, .credentials = rpc::MutualTlsServerCredentials(*tls_identity)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }

  // Runs `himaya ARGS` against the scripted service (without its address: as if no stack ran)
  // to its end, as the user agent.amal in the test's directory.
  CliRun Himaya(std::vector<std::string> args, bool with_address = true) {
    args.insert(args.begin(), stack::DefaultBinDir() + "/himaya");
    args.push_back("--data_dir=" + data_dir_);
    if (with_address) args.push_back(absl::StrCat("--", identity_, "_address=127.0.0.1:", server_->port()));
    return testing::RunCommand({.argv = args, .env = {{"USER", "agent.amal"}}, .working_dir = dir_.path()},
                               absl::StrCat(dir_.path(), "/run-", ++runs_), absl::Seconds(60));
  }
  static std::string ReadFile(const std::string& path) { return testing::ReadWholeFile(path); }

  // A failure as the CLI reports one: a non-zero exit, one line on standard error, nothing on
  // standard output.
  static void ExpectOneLineError(const CliRun& run, const std::string& says) {
    EXPECT_NE(run.code, 0) << run.out << run.err;
    EXPECT_THAT(run.err, ::testing::StartsWith("himaya: "));
    EXPECT_THAT(run.err, ::testing::HasSubstr(says));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "");
  }

  static nlohmann::json Json(const CliRun& run) {
    nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << run.out;
    return json;
  }

  testing::TempDir dir_;
  std::string data_dir_;
  std::string identity_;
  std::unique_ptr<rpc::Server> server_;
  int runs_ = 0;
};

}  // namespace himaya::cli
