// himaya agent / apikey / audit as a user runs them: the real binary, as `cli`, against the
// gateway's admin service served in this test over the suite's mutual TLS on SQLite. Tables by
// default and JSON with --output=json; the password read from a file or standard input and never
// printed; a key shown once; errors one line with a non-zero exit.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/process.h"
#include "gateway/src/gateway_admin_service.h"
#include "gateway_migrations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "stack/local_authority.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/fakes.h"
#include "testing/temp_dir.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPassword[] = "desk passphrase 7";

class GatewayCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = dir_.path() + "/var";
    const std::string tls = data_dir_ + "/tls";
    std::filesystem::create_directories(tls);
    ASSERT_TRUE(stack::EnsureCertificates(tls, {"gateway", stack::kCliIdentity}).ok());
    auto db = storage::Open({.url = "sqlite:" + dir_.path() + "/gateway.db"});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {storage::GatewayMigrations(db_->dialect())}).ok());
    agents_ = std::make_unique<Agents>(*db_, clock_, PasswordCost::Minimum(), LockoutPolicy{});
    keys_ = std::make_unique<ApiKeys>(*db_, clock_);
    access_ = std::make_unique<AccessLog>(*db_, clock_, random_);
    service_ = std::make_unique<GatewayAdminService>(pool_, *agents_, *keys_, *access_);
    auto identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls, "gateway"));
    ASSERT_TRUE(identity.ok()) << identity.status();
    auto server =
        rpc::Server::Start({.services = {service_.get()}, .credentials = rpc::MutualTlsServerCredentials(*identity)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }

  // Runs `himaya ARGS` to its end, `stdin_text` on its standard input.
  testing::CommandRun Himaya(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), stack::DefaultBinDir() + "/himaya");
    args.push_back("--data_dir=" + data_dir_);
    args.push_back(absl::StrCat("--gateway_address=127.0.0.1:", server_->port()));
    // Through the shell, for its standard input to be a file of the test's.
    const std::string input = absl::StrCat(dir_.path(), "/stdin-", ++runs_);
    std::ofstream(input) << stdin_text;
    std::string line = "exec";
    for (const std::string& arg : args) absl::StrAppend(&line, " ", Quoted(arg));
    absl::StrAppend(&line, " < ", Quoted(input));
    return testing::RunCommand({.argv = {"/bin/sh", "-c", line}, .working_dir = dir_.path()},
                               absl::StrCat(dir_.path(), "/run-", runs_), absl::Seconds(60));
  }
  // `text` as one word of the shell.
  static std::string Quoted(const std::string& text) {
    return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
  }
  static void ExpectOneLineError(const testing::CommandRun& run, const std::string& says) {
    EXPECT_NE(run.code, 0) << run.out << run.err;
    EXPECT_THAT(run.err, StartsWith("himaya: "));
    EXPECT_THAT(run.err, HasSubstr(says));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "");
  }
  static nlohmann::json Json(const testing::CommandRun& run) {
    nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << run.out;
    return json;
  }

  testing::TempDir dir_;
  std::string data_dir_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  testing::SeededRandom random_{5};
  core::ThreadPool pool_{2};
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<Agents> agents_;
  std::unique_ptr<ApiKeys> keys_;
  std::unique_ptr<AccessLog> access_;
  std::unique_ptr<GatewayAdminService> service_;
  std::unique_ptr<rpc::Server> server_;
  int runs_ = 0;
};

TEST_F(GatewayCommandsTest, AnAgentIsAddedFromAPasswordFileOrStandardInputListedAndDisabled) {
  const std::string file = dir_.path() + "/password";
  std::ofstream(file) << kPassword << "\n";
  auto added = Himaya(
      {"agent", "add", "agent.amal", "--name=Amal Idrissi", "--roles=support,supervisor", "--password_file=" + file});
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_THAT(added.out, HasSubstr("agent.amal"));
  EXPECT_THAT(added.out, HasSubstr("supervisor,support"));
  EXPECT_THAT(added.out + added.err, Not(HasSubstr(kPassword)));
  EXPECT_TRUE(agents_->Authenticate("agent.amal", kPassword).ok()) << "the file's line end is not the password's";

  auto from_stdin = Himaya({"agent", "add", "agent.badr", "--name=Badr", "--roles=support"}, "badr's passphrase\n");
  ASSERT_EQ(from_stdin.code, 0) << from_stdin.err;
  EXPECT_TRUE(agents_->Authenticate("agent.badr", "badr's passphrase").ok());

  auto listed = Himaya({"agent", "list"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, StartsWith("AGENT"));
  EXPECT_THAT(listed.out, HasSubstr("Amal Idrissi"));
  EXPECT_THAT(listed.out, HasSubstr("agent.badr"));
  ASSERT_EQ(Himaya({"agent", "disable", "agent.badr"}).code, 0);
  auto json = Himaya({"agent", "list", "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  nlohmann::json agents = Json(json);
  ASSERT_EQ(agents.size(), 2u);
  EXPECT_EQ(agents[0]["agent_id"], "agent.amal");
  EXPECT_EQ(agents[0]["roles"], nlohmann::json({"supervisor", "support"}));
  EXPECT_EQ(agents[0]["disabled"], false);
  EXPECT_EQ(agents[1]["disabled"], true);
}

TEST_F(GatewayCommandsTest, BadAgentInputIsOneLineAndThePasswordIsNeverEchoed) {
  ExpectOneLineError(Himaya({"agent", "add", "agent.amal", "--roles=support"}, "x\n"), "--name");
  ExpectOneLineError(Himaya({"agent", "add", "agent.amal", "--name=Amal"}, "x\n"), "--roles");
  ExpectOneLineError(Himaya({"agent", "add", "agent.amal", "--name=Amal", "--roles=support"}, ""),
                     "password: is required");
  auto too_short = Himaya({"agent", "add", "agent.amal", "--name=Amal", "--roles=support"}, "shortpass\n");
  ExpectOneLineError(too_short, "password: at least 12");
  EXPECT_THAT(too_short.err, Not(HasSubstr("shortpass")));
  ExpectOneLineError(Himaya({"agent", "add", "agent.amal", "--name=Amal", "--roles=root"}, "long enough pass\n"),
                     "roles");
  ExpectOneLineError(Himaya({"agent", "add", "agent.amal", "--name=Amal", "--roles=support",
                             "--password_file=" + dir_.path() + "/missing"}),
                     "password_file: cannot read");
  ExpectOneLineError(Himaya({"agent", "disable", "agent.nobody"}), "NOT_FOUND");
  ExpectOneLineError(Himaya({"agent", "list", "--output=yaml"}), "--output");
  ExpectOneLineError(Himaya({"agent"}), "usage: himaya agent");
}

TEST_F(GatewayCommandsTest, AKeyIsPrintedOnceThenListedWithoutItAndRevoked) {
  auto added = Himaya({"apikey", "add", "clinic-atlas", "--scopes=fhir", "--output=json"});
  ASSERT_EQ(added.code, 0) << added.err;
  nlohmann::json key = Json(added)[0];
  const std::string full = key["key"];
  const std::string key_id = key["key_id"];
  EXPECT_THAT(full, StartsWith(key_id + "."));
  EXPECT_THAT(added.err, HasSubstr("not shown again"));
  EXPECT_TRUE(keys_->Authenticate(full).ok());
  auto table = Himaya({"apikey", "add", "ivr", "--scopes=ivr"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("KEY (shown once)"));

  auto listed = Himaya({"apikey", "list"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(key_id));
  EXPECT_THAT(listed.out, HasSubstr("clinic-atlas"));
  EXPECT_THAT(listed.out, Not(HasSubstr(full.substr(key_id.size() + 1))));
  auto revoked = Himaya({"apikey", "revoke", key_id});
  ASSERT_EQ(revoked.code, 0) << revoked.err;
  EXPECT_THAT(revoked.out, HasSubstr("revoked"));
  EXPECT_FALSE(keys_->Authenticate(full).ok());
  ExpectOneLineError(Himaya({"apikey", "add", "ivr"}), "--scopes");
  ExpectOneLineError(Himaya({"apikey", "add", "ivr", "--scopes=all"}), "scopes");
  ExpectOneLineError(Himaya({"apikey", "revoke", "k0000000000000000"}), "NOT_FOUND");
}

TEST_F(GatewayCommandsTest, TheAuditShowsReadsNewestFirstWithFilters) {
  Caller amal;
  amal.kind = CallerKind::kAgent;
  amal.subject = "agent.amal";
  Caller badr = amal;
  badr.subject = "agent.badr";
  const std::string action = "GET /v1/persons/{registration_number}";
  ASSERT_TRUE(access_->Record(amal, action, "100000017", "phone call", "req-1").ok());
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(access_->Record(badr, action, "100000025", "desk visit", "req-2").ok());
  auto all = Himaya({"audit"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_THAT(all.out, StartsWith("AT (UTC)"));
  EXPECT_LT(all.out.find("req-2"), all.out.find("req-1")) << "newest first";
  EXPECT_THAT(all.out, HasSubstr("desk visit"));
  auto amal_only = Himaya({"audit", "--agent=agent.amal", "--output=json"});
  ASSERT_EQ(amal_only.code, 0) << amal_only.err;
  nlohmann::json records = Json(amal_only);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["subject"], "100000017");
  EXPECT_EQ(records[0]["action"], action);
  EXPECT_EQ(records[0]["reason"], "phone call");
  auto by_subject = Himaya({"audit", "--subject=100000025", "--output=json"});
  ASSERT_EQ(by_subject.code, 0);
  EXPECT_EQ(Json(by_subject)[0]["request_id"], "req-2");
  const std::string since = absl::FormatTime(absl::RFC3339_sec, clock_.Now() - absl::Minutes(1), absl::UTCTimeZone());
  auto recent = Himaya({"audit", "--since=" + since, "--output=json"});
  ASSERT_EQ(recent.code, 0) << recent.err;
  EXPECT_EQ(Json(recent).size(), 1u);
  ExpectOneLineError(Himaya({"audit", "--since=yesterday"}), "--since");
  ExpectOneLineError(Himaya({"audit", "--page_size=9999"}), "page_size");
}

TEST_F(GatewayCommandsTest, WithoutAGatewayTheCommandSaysWhereItLooked) {
  std::vector<std::string> args = {stack::DefaultBinDir() + "/himaya", "agent", "list", "--data_dir=" + data_dir_};
  auto run = testing::RunCommand({.argv = args, .working_dir = dir_.path()}, dir_.path() + "/nogw", absl::Seconds(60));
  ExpectOneLineError(run, "himaya up");
}

}  // namespace
}  // namespace himaya::gateway
