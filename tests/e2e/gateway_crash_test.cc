// gateway_crash_e2e_test: the gateway killed (SIGKILL) under load and started again by the
// stack's supervision, as `himaya up` does. An insured is logged in; a few clients read their
// registration and file claims with idempotency keys (a key whose answer was lost is sent again
// until answered). After the restart: the same session cookie still works (sessions are in the
// gateway's database), no claim is filed twice, every claim a client saw filed is there, and the
// gateway's database opens clean with no half-written session.
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "claims_e2e.h"
#include "gateway_e2e.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "storage/database.h"
#include "testing/temp_dir.h"

namespace himaya::e2e {
namespace {

constexpr int kClients = 3;

// What one client of the load saw.
struct ClientLog {
  // Idempotency key -> the claim id answered (201).
  std::map<std::string, std::string> filed;
  int reads_ok = 0;
  int failed = 0;  // transport errors and 5xx while the gateway was down
  // Answers no crash explains (401 for the session, 4xx for a claim): each a line.
  std::vector<std::string> unexpected;
};

// A client of the load: GET /v1/me then POST /v1/me/claims with the next key, again and again
// until `stop`; a key whose answer was not 201 is sent again.
class LoadClient {
 public:
  LoadClient(const std::string& address, const std::string& session, std::string beneficiary, int index,
             std::atomic<int>* filed_count)
      : client_(address), beneficiary_(std::move(beneficiary)), index_(index), filed_count_(filed_count) {
    client_.set_session(session);
  }

  void Run(const std::atomic<bool>& stop) {
    const std::string session = client_.session();
    int next = 0;
    while (!stop.load()) {
      client_.set_session(session);  // a failed answer must not drop it
      absl::StatusOr<GatewayAnswer> me = client_.Get("/v1/me");
      Count(me, 200, "GET /v1/me");
      const std::string key = absl::StrCat("crash-", index_, "-", next);
      if (File(key)) ++next;
      if (!me.ok()) PauseAfterFailure();
    }
  }

  // Sends `key`'s claim until it is answered 201 (after the load). False when it never is.
  bool Finish(const std::string& key, absl::Duration timeout) {
    return stack::WaitUntil([&] { return File(key); }, timeout, "the last claim to be answered").ok();
  }

  // The key sent last and not answered yet ("" when none).
  std::string Pending() const { return pending_; }
  const ClientLog& log() const { return log_; }

 private:
  bool File(const std::string& key) {
    nlohmann::json claim = PortalClaim(beneficiary_, "C", 1, 10000 + index_);
    claim["idempotency_key"] = key;
    absl::StatusOr<GatewayAnswer> filed = client_.Post("/v1/me/claims", claim);
    if (!Count(filed, 201, "POST /v1/me/claims")) {
      pending_ = key;
      return false;
    }
    pending_.clear();
    log_.filed[key] = filed->Json().value("claim_id", "");
    ++*filed_count_;
    return true;
  }

  // True when `answer` is `expected`; a transport error or a 5xx counts as the crash's.
  bool Count(const absl::StatusOr<GatewayAnswer>& answer, int expected, const std::string& what) {
    if (answer.ok() && answer->status == expected) {
      if (expected == 200) ++log_.reads_ok;
      return true;
    }
    if (!answer.ok() || answer->status >= 500) {
      ++log_.failed;
      return false;
    }
    log_.unexpected.push_back(absl::StrCat(what, ": HTTP ", answer->status, " ", answer->body));
    return false;
  }

  // A back-off (not a synchronisation): lets the gateway come back instead of spinning on
  // refused connections.
  void PauseAfterFailure() { absl::SleepFor(absl::Milliseconds(50)); }

  GatewayClient client_;
  const std::string beneficiary_;
  const int index_;
  std::atomic<int>* const filed_count_;
  std::string pending_;
  ClientLog log_;
};

// The gateway's database (not running) opens, passes SQLite's integrity check, and each session
// row is whole: a token's hash, a kind, a subject, ordered times; `insured` has one session.
void ExpectCleanDatabase(const std::string& data_dir, const std::string& insured) {
  auto db = storage::Open({.url = absl::StrCat("sqlite:", data_dir, "/gateway.db")});
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Status read = (*db)->Read([&](storage::Transaction& tx) -> absl::Status {
    auto check = tx.Query("PRAGMA integrity_check");
    if (!check.ok()) return check.status();
    EXPECT_EQ(check->at(0).Text(0), "ok");
    auto sessions =
        tx.Query("SELECT token_sha256, kind, subject, created_at_us, expires_at_us, absolute_expiry_us FROM sessions");
    if (!sessions.ok()) return sessions.status();
    int of_insured = 0;
    for (const storage::Row& row : *sessions) {
      EXPECT_EQ(row.Text(0).size(), 64u);
      EXPECT_THAT(row.Text(1), ::testing::AnyOf("INSURED", "AGENT"));
      EXPECT_FALSE(row.Text(2).empty());
      EXPECT_LE(row.Int(3), row.Int(4));
      EXPECT_LE(row.Int(4), row.Int(5));
      if (row.Text(2) == insured) ++of_insured;
    }
    EXPECT_EQ(of_insured, 1) << "one login, one session";
    return absl::OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read;
}

TEST(GatewayCrashTest, KilledUnderLoadTheSessionSurvivesAndNoClaimIsLostOrFiledTwice) {
  signal(SIGPIPE, SIG_IGN);
  testing::TempDir dir;
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  // Every client comes from 127.0.0.1: limits high enough for the load.
  options.extra_flags["gateway"] = {"--rate_client_per_second=10000", "--rate_client_burst=10000",
                                    "--rate_account_per_second=10000", "--rate_account_burst=10000"};
  auto started = stack::LocalStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  stack::LocalStack& stack = **started;
  auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(stack.endpoint("claims").grpc));
  ASSERT_TRUE(ImportTestTariff(*claims).ok());
  auto insured = ActivatedInsured(stack, dir.path(), 1, 91, "fr");
  ASSERT_TRUE(insured.ok()) << insured.status();
  const std::string n = insured->at(0).registration_number;
  GatewayClient browser(GatewayAddress(stack));
  auto in = LogIn(browser, n, insured->at(0).password);
  ASSERT_TRUE(in.ok() && in->status == 201) << (in.ok() ? in->body : in.status().ToString());
  const std::string session = browser.session();
  const std::string address = GatewayAddress(stack);

  std::atomic<int> filed{0};
  std::vector<std::unique_ptr<LoadClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<LoadClient>(address, session, n, i, &filed));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (auto& client : clients) {
    LoadClient* c = client.get();
    threads.emplace_back([c, &stop] { c->Run(stop); });
  }
  ASSERT_TRUE(
      stack::WaitUntil([&] { return filed.load() >= 3 * kClients; }, absl::Seconds(120), "claims filed before the kill")
          .ok());

  // Killed as a crash would: supervision (what `himaya up` runs) starts it again on its address.
  const pid_t killed = stack.pid("gateway");
  ASSERT_GT(killed, 0);
  ASSERT_EQ(kill(killed, SIGKILL), 0);
  // Gone, and not restarted yet: the database as the crash left it.
  ASSERT_TRUE(stack::WaitUntil([&] { return absl::c_linear_search(stack.Exited(), "gateway"); }, absl::Seconds(10),
                               "the gateway to be gone")
                  .ok());
  ExpectCleanDatabase(stack.data_dir(), n);
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    stack.Supervise();
                    return stack.restarts("gateway") >= 1 && stack.pid("gateway") != killed &&
                           stack.pid("gateway") > 0 && !stack.endpoint("gateway").http.empty();
                  },
                  absl::Seconds(60), "the gateway to be restarted")
                  .ok());
  ASSERT_EQ(GatewayAddress(stack), address) << "restarted on the address it served on";
  // Some load after the restart too, then the clients stop and their last keys are answered.
  const int before_restart = filed.load();
  ASSERT_TRUE(stack::WaitUntil([&] { return filed.load() >= before_restart + kClients; }, absl::Seconds(120),
                               "claims filed after the restart")
                  .ok());
  stop = true;
  for (std::thread& t : threads) t.join();
  int failed = 0;
  for (auto& client : clients) {
    if (!client->Pending().empty()) {
      EXPECT_TRUE(client->Finish(client->Pending(), absl::Seconds(30)));
    }
    EXPECT_THAT(client->log().unexpected, ::testing::IsEmpty());
    failed += client->log().failed;
  }
  EXPECT_GT(failed, 0) << "the load met the gateway down";

  // The session from before the kill still works, from a new connection.
  GatewayClient after(address);
  after.set_session(session);
  auto me = after.Get("/v1/me");
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->status, 200) << me->body;

  // Every key answered once is one claim, there; none filed twice.
  std::set<std::string> seen_ids;
  size_t keys = 0;
  for (const auto& client : clients) {
    for (const auto& [key, claim_id] : client->log().filed) {
      ++keys;
      EXPECT_FALSE(claim_id.empty()) << key;
      seen_ids.insert(claim_id);
      auto one = after.Get("/v1/me/claims/" + claim_id);
      ASSERT_TRUE(one.ok()) << one.status();
      EXPECT_EQ(one->status, 200) << key << " " << claim_id << ": " << one->body;
    }
  }
  EXPECT_EQ(seen_ids.size(), keys) << "one claim per idempotency key";
  cl::ListClaimsRequest list;
  list.set_registration_number(n);
  list.set_page_size(500);
  auto listed = rpc::Call(*claims, &cl::ClaimsService::Stub::ListClaims, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::set<std::string> stored;
  for (const cl::Claim& c : listed->claims()) stored.insert(c.claim_id());
  EXPECT_EQ(stored, seen_ids) << "the claims service holds exactly the claims the clients saw filed";

  // The gateway's database, stopped again, still opens clean.
  stack.StopService("gateway", SIGTERM);
  ExpectCleanDatabase(stack.data_dir(), n);
  stack.Stop();
}

}  // namespace
}  // namespace himaya::e2e
