// Contributions on the real stack (broker, registration, beneficiary, contributions), on SQLite
// and PostgreSQL: insured registered by a liaison batch reach contributions through the broker;
// the month's call, killed with -9 in the middle (a page of insured per transaction) and made
// again, calls every insured once, and the broker carries one ContributionCalled per insured (a
// message may come twice, never two events for one insured); a payment file imported twice with
// `himaya contributions import` applies once and answers the first result the second time; and
// `himaya contributions status` shows what it paid.
#include <signal.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "claims_e2e.h"
#include "core/status_macros.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "gtest/gtest.h"
#include "himaya/contributions/v1/contributions.grpc.pb.h"
#include "himaya/contributions/v1/events.pb.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json.hpp"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"
#include "testing/command.h"

namespace himaya {
namespace {

namespace contrib = himaya::contributions::v1;
using Stub = contrib::ContributionsService::Stub;

constexpr int64_t kInsured = 3000;

// Every ContributionCalled the broker carries on a topic: the event ids seen for each insured.
class CalledEvents final : public events::MessageHandler {
 public:
  absl::Status Handle(const events::ConsumedMessage& message) override {
    absl::StatusOr<events::Envelope> env = events::ParseEnvelope(message.value);
    if (!env.ok()) return absl::OkStatus();
    absl::StatusOr<contrib::ContributionCalled> called = events::Unpack<contrib::ContributionCalled>(*env);
    if (!called.ok()) return absl::OkStatus();
    absl::MutexLock lock(&mu_);
    ids_[called->registration_number()].insert(env->event_id());
    return absl::OkStatus();
  }
  std::map<std::string, std::set<std::string>> Ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::set<std::string>> ids_ ABSL_GUARDED_BY(mu_);
};

class ContributionsCrashTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    options.services = {"registration", "beneficiary", "contributions"};
    // Pages of 5 insured: 600 transactions, so that a kill finds some written and most not.
    options.extra_flags["contributions"] = {"--call_page=5"};
    database_ = ServiceDatabase(options, "contributions");
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }
  Stub& Contributions() {
    // A new channel each time: the service's address is the same after a restart, its process not.
    stub_ = contrib::ContributionsService::NewStub(rpc::NewChannel(stack_->endpoint("contributions").grpc));
    return *stub_;
  }
  absl::StatusOr<contrib::CallContributionsResult> Call(const std::string& period) {
    contrib::CallContributionsRequest request;
    request.set_period(period);
    return rpc::Call(Contributions(), &Stub::CallContributions, request, absl::Minutes(5));
  }
  // COUNT(*) of `from_where` in contributions' database; -1 when it cannot be read.
  int64_t Count(const std::string& from_where) {
    int64_t n = -1;
    auto db = storage::Open({.url = database_, .pool_size = 1});
    if (!db.ok()) return n;
    absl::Status read = (*db)->Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM " + from_where));
      n = rows[0].Int(0);
      return absl::OkStatus();
    });
    return read.ok() ? n : -1;
  }
  // Runs `himaya ARGS --data_dir=<the stack's> --output=json` to its end.
  testing::CommandRun Himaya(std::vector<std::string> args) {
    args.insert(args.begin(), stack::DefaultBinDir() + "/himaya");
    args.push_back("--data_dir=" + dir_.path() + "/stack");
    args.push_back("--output=json");
    return testing::RunCommand({.argv = args, .env = {{"USER", "agent.amal"}}, .working_dir = dir_.path()},
                               absl::StrCat(dir_.path(), "/cli-", ++runs_), absl::Seconds(120));
  }

  std::string database_;
  std::unique_ptr<stack::LocalStack> stack_;
  std::unique_ptr<Stub> stub_;
  int runs_ = 0;
};

TEST_P(ContributionsCrashTest, ACallKilledHalfwayCallsEveryoneOnceAndAPaymentFileAppliesOnce) {
  auto registered = e2e::RegisterInsured(*stack_, dir_.path(), kInsured, 31, "fr");
  ASSERT_TRUE(registered.ok()) << registered.status();
  ASSERT_TRUE(stack::WaitUntil([&] { return Count("insured") == kInsured; }, absl::Seconds(120),
                               "contributions to record every insured")
                  .ok());
  const std::string period = e2e::CasablancaToday().substr(0, 7);

  // The call, killed once some pages are written and before the last.
  absl::StatusOr<contrib::CallContributionsResult> interrupted;
  std::thread caller([&] { interrupted = Call(period); });
  const bool pages_written =
      stack::WaitUntil([&] { return Count("calls") >= 100; }, absl::Seconds(120), "pages of the call written").ok();
  stack_->StopService("contributions", SIGKILL);
  caller.join();
  ASSERT_TRUE(pages_written);
  const int64_t at_kill = Count("calls");
  ASSERT_LT(at_kill, kInsured) << "the kill came too late to test anything";
  EXPECT_FALSE(interrupted.ok()) << "the call answered though killed";
  std::printf("killed with %lld of %lld insured called\n", static_cast<long long>(at_kill),
              static_cast<long long>(kInsured));

  // Started again and called again: the missing ones only.
  ASSERT_TRUE(stack_->StartService("contributions").ok());
  absl::StatusOr<contrib::CallContributionsResult> finished = Call(period);
  ASSERT_TRUE(finished.ok()) << finished.status();
  // At least those counted at the kill were called before (on PostgreSQL, a commit the killed
  // process had sent may still land after the count).
  EXPECT_GE(finished->insured_already_called(), at_kill);
  EXPECT_EQ(finished->insured_called() + finished->insured_already_called(), kInsured);
  EXPECT_EQ(Count("calls"), kInsured);

  // On the broker: each insured's call, by one event.
  CalledEvents seen;
  auto consumer = events::KafkaConsumer::Create({.kafka = {stack_->bootstrap_servers()},
                                                 .group_id = "e2e-contributions-check",
                                                 .topics = {events::Topic(events::kContributionsDomain, "amo-tns")}},
                                                &seen, nullptr);
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  EXPECT_TRUE(stack::WaitUntil([&] { return static_cast<int64_t>(seen.Ids().size()) == kInsured; }, absl::Seconds(120),
                               "a ContributionCalled for each insured")
                  .ok())
      << seen.Ids().size();
  (*consumer)->Stop();
  for (const auto& [number, ids] : seen.Ids()) EXPECT_EQ(ids.size(), 1u) << number << " called by several events";

  // A payment file for the first three insured, imported twice.
  const std::vector<std::string>& numbers = *registered;
  std::string csv = "payment_id,registration_number,amount_centimes,paid_on\n";
  for (int i = 0; i < 3; ++i) {
    absl::StrAppend(&csv, "PAY-E2E-", i, ",", numbers[i], ",50000,", e2e::CasablancaToday(), "\n");
  }
  std::ofstream(dir_.path() + "/payments.csv") << csv;
  std::ofstream(dir_.path() + "/payments.manifest.json")
      << nlohmann::json{{"file_id", "BANK-E2E-1"}, {"sha256", liaison::Sha256Hex(csv)}, {"row_count", 3}}.dump();
  nlohmann::json first, second;
  for (nlohmann::json* result : {&first, &second}) {
    testing::CommandRun run = Himaya({"contributions", "import", "payments.csv"});
    ASSERT_EQ(run.code, 0) << run.err;
    *result = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_FALSE(result->is_discarded()) << run.out;
  }
  EXPECT_EQ(first["applied"], 3);
  EXPECT_EQ(first["already_imported"], false);
  EXPECT_EQ(second["applied"], 3);
  EXPECT_EQ(second["already_imported"], true);
  EXPECT_EQ(Count("payments"), 3);

  // The insured's status: the month's call paid, the rest kept as credit.
  testing::CommandRun status = Himaya({"contributions", "status", numbers[0]});
  ASSERT_EQ(status.code, 0) << status.err;
  nlohmann::json s = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << status.out;
  ASSERT_EQ(s["calls"].size(), 1u) << status.out;
  const int64_t amount = s["calls"][0]["amount_centimes"].get<int64_t>();
  EXPECT_EQ(s["calls"][0]["period"], period);
  EXPECT_EQ(s["calls"][0]["paid_centimes"], amount);
  EXPECT_EQ(s["balance_centimes"], amount - 50000);
}

INSTANTIATE_BACKENDS(ContributionsCrashTest);

}  // namespace
}  // namespace himaya
