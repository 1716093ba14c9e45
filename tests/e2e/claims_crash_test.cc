// The claims service killed with -9 while it decides a bulk file of a few thousand files, then
// started again: every file ends decided exactly once (one decision in the database, one
// ClaimDecided in its outbox and one event id per file on Kafka), and the report, the batch's
// counts and the events agree. Real processes (broker, registration, beneficiary, claims), on
// SQLite and PostgreSQL.
#include <signal.h>

#include <fstream>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "claims_e2e.h"
#include "core/status_macros.h"
#include "events/envelope.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "himaya/claims/v1/events.pb.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/backends.h"

namespace himaya {
namespace {

namespace cl = himaya::claims::v1;

constexpr int kInsured = 200;
constexpr int kFiles = 4000;
constexpr char kSender[] = "BARIDCASH";
constexpr char kBatchId[] = "BARIDCASH-CRASH-1";

// What a file was decided, as one source tells it.
struct Decided {
  std::string outcome;
  int64_t reimbursed = 0;
  bool operator==(const Decided& o) const { return outcome == o.outcome && reimbursed == o.reimbursed; }
};

class ClaimsCrashTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    stack::StackOptions options;
    options.data_dir = dir_.path() + "/stack";
    options.services = {"registration", "beneficiary", "claims"};
    // Decided in chunks of 200 (20 transactions: a kill finds some decided, some not), none held
    // back for a review: every file is decided by the rules alone.
    const std::string rules = dir_.path() + "/claim_rules.json";
    std::ofstream(rules) << R"({"filing_delay_days": 60, "due_days": 9, "escalate_after_days": 3,
        "review_threshold": "1000000.00", "sample_percent": "0", "sample_seed": 1,
        "rates": [{"ordinary": 70, "ald": 90}]})";
    options.extra_flags["claims"] = {"--decide_chunk=200", "--claim_rules=" + rules};
    claims_database_ = ServiceDatabase(options, "claims");
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = std::move(*started);
  }
  cl::ClaimsService::Stub& Claims() {
    // A new channel each time: the service's address is the same after a restart, its process not.
    claims_ = cl::ClaimsService::NewStub(rpc::NewChannel(stack_->endpoint("claims").grpc));
    return *claims_;
  }
  absl::StatusOr<cl::ClaimBatchStatus> Batch() {
    cl::GetClaimBatchRequest request;
    request.set_sender(kSender);
    request.set_batch_id(kBatchId);
    return rpc::Call(Claims(), &cl::ClaimsService::Stub::GetClaimBatch, request);
  }
  // kFiles files of one to three items each, for the insured in turn, cared for today: a few of
  // each outcome (an act twice the same day is a duplicate, a quantity over the maximum).
  std::vector<e2e::ClaimsFileRow> Rows(const std::vector<std::string>& insured) {
    const std::string today = e2e::CasablancaToday();
    const char* const acts[] = {"C", "PH.GENERIQUE", "B.GLY", "CS"};
    std::vector<e2e::ClaimsFileRow> rows;
    for (int f = 0; f < kFiles; ++f) {
      const std::string& number = insured[f % insured.size()];
      const std::string claim_id = absl::StrFormat("CR-%06d", f);
      for (int i = 0; i <= f % 3; ++i) {
        const int quantity = (f + i) % 17 == 0 ? 2 : 1;
        rows.push_back({claim_id, number, number, today, today, acts[(f + i) % 4], quantity,
                        absl::StrFormat("%d.%02d", 20 + (f * 7 + i) % 200, (f + i) % 100)});
      }
    }
    return rows;
  }
  std::string claims_database_;
  std::unique_ptr<stack::LocalStack> stack_;
  std::unique_ptr<cl::ClaimsService::Stub> claims_;
};

TEST_P(ClaimsCrashTest, KilledWhileDecidingEveryFileIsDecidedOnce) {
  auto insured = e2e::RegisterInsured(*stack_, dir_.path(), kInsured, 7, "fr");
  ASSERT_TRUE(insured.ok()) << insured.status();
  auto tariff = e2e::ImportTestTariff(Claims());
  ASSERT_TRUE(tariff.ok()) << tariff.status();
  const std::vector<e2e::ClaimsFileRow> rows = Rows(*insured);
  auto submitted = e2e::SubmitClaimsFile(Claims(), kSender, kBatchId, e2e::ClaimsCsv(rows), rows.size());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  ASSERT_NE(submitted->state(), "REFUSED") << submitted->refusal();

  // Kill it once it decided some files, and before it decided them all.
  int64_t decided_at_kill = 0;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto b = Batch();
                    if (!b.ok()) return false;
                    decided_at_kill = b->claims_decided();
                    return decided_at_kill >= 1;
                  },
                  absl::Seconds(180), "files being decided")
                  .ok());
  stack_->StopService("claims", SIGKILL);
  // What the dead process had committed: the files decided when it died, not when it was asked.
  auto db = storage::Open({.url = claims_database_, .pool_size = 1});
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)
                  ->Read([&](storage::Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM claims WHERE sender = $1 AND "
                                                         "batch_id = $2 AND state = 'DECIDED'",
                                                         {kSender, kBatchId}));
                    decided_at_kill = rows[0].Int(0);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_LT(decided_at_kill, kFiles) << "the kill came too late to test anything";
  ASSERT_GT(decided_at_kill, 0);
  ASSERT_TRUE(stack_->StartService("claims").ok());

  // Every file decided.
  cl::ClaimBatchStatus done;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto b = Batch();
                    if (!b.ok()) return false;
                    done = *b;
                    return done.state() == "COMPLETED" && done.claims_decided() == kFiles;
                  },
                  absl::Seconds(300), "every file decided after the restart")
                  .ok())
      << done.ShortDebugString();
  EXPECT_EQ(done.claims_received(), kFiles);
  std::printf("killed after %lld of %d files decided\n", static_cast<long long>(decided_at_kill), kFiles);

  // The database: each file decided once, its amount the sum of its items'; one ClaimDecided
  // each in the outbox.
  std::map<std::string, Decided> in_database, in_outbox;
  ASSERT_TRUE((*db)
                  ->Read([&](storage::Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto files,
                                     tx.Query("SELECT c.claim_id, c.state, c.outcome, c.reimbursed_centimes, "
                                              "c.decided_at_us IS NULL, SUM(i.reimbursed_centimes), "
                                              "SUM(CASE WHEN i.outcome = '' THEN 1 ELSE 0 END) "
                                              "FROM claims c JOIN claim_items i ON i.claim_id = c.claim_id "
                                              "WHERE c.sender = $1 AND c.batch_id = $2 "
                                              "GROUP BY c.claim_id, c.state, c.outcome, c.reimbursed_centimes, "
                                              "c.decided_at_us",
                                              {kSender, kBatchId}));
                    for (const storage::Row& r : files) {
                      const std::string id = r.Text(0);
                      EXPECT_EQ(r.Text(1), "DECIDED") << id;
                      EXPECT_EQ(r.Int(4), 0) << id << " has no decision time";
                      EXPECT_EQ(r.Int(5), r.Int(3)) << id << ": the items' amounts and the file's differ";
                      EXPECT_EQ(r.Int(6), 0) << id << " has undecided items";
                      in_database[id] = {r.Text(2), r.Int(3)};
                    }
                    ASSIGN_OR_RETURN(auto outbox, tx.Query("SELECT event_id, payload FROM outbox"));
                    std::set<std::string> event_ids;
                    for (const storage::Row& r : outbox) {
                      ASSIGN_OR_RETURN(events::Envelope e, events::ParseEnvelope(r.Text(1)));
                      if (e.type() != events::EventType<cl::ClaimDecided>()) continue;
                      ASSIGN_OR_RETURN(cl::ClaimDecided d, events::Unpack<cl::ClaimDecided>(e));
                      EXPECT_TRUE(event_ids.insert(r.Text(0)).second);
                      EXPECT_TRUE(in_outbox.emplace(d.claim_id(), Decided{d.outcome(), d.reimbursed_centimes()}).second)
                          << d.claim_id() << " decided twice";
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(in_database.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(in_outbox, in_database);

  // Kafka: one event id per file (a crash may publish an event twice, with its one id).
  std::map<std::string, std::set<std::string>> ids_of;  // claim -> ClaimDecided event ids
  std::map<std::string, Decided> on_kafka;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    auto got = e2e::ClaimsEventsOnKafka(*stack_, "amo-tns");
                    if (!got.ok()) return false;
                    ids_of.clear();
                    on_kafka.clear();
                    for (const events::Envelope& e : *got) {
                      if (e.type() != events::EventType<cl::ClaimDecided>()) continue;
                      auto d = events::Unpack<cl::ClaimDecided>(e);
                      if (!d.ok()) continue;
                      ids_of[d->claim_id()].insert(e.event_id());
                      on_kafka[d->claim_id()] = {d->outcome(), d->reimbursed_centimes()};
                    }
                    return ids_of.size() >= static_cast<size_t>(kFiles);
                  },
                  absl::Seconds(120), "a ClaimDecided of every file on Kafka")
                  .ok())
      << ids_of.size() << " of " << kFiles;
  for (const auto& [claim_id, ids] : ids_of) EXPECT_EQ(ids.size(), 1u) << claim_id << " decided twice on Kafka";
  EXPECT_EQ(on_kafka, in_database);

  // The report: every row once, each file's items adding up to what was published; the batch's
  // counts by outcome those of the events.
  auto report = e2e::ClaimBatchReport(Claims(), kSender, kBatchId);
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> lines = absl::StrSplit(*report, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), rows.size() + 1);
  std::map<std::string, int64_t> reported;
  for (size_t i = 1; i < lines.size(); ++i) {
    // claim_id,item,outcome,reason,reimbursed_centimes
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(f.size(), 5u) << lines[i];
    ASSERT_NE(f[2], "PENDING") << lines[i];
    int64_t centimes = 0;
    ASSERT_TRUE(absl::SimpleAtoi(f[4], &centimes)) << lines[i];
    reported[f[0]] += centimes;
  }
  std::map<std::string, int64_t> outcomes;
  for (const auto& [claim_id, d] : on_kafka) {
    EXPECT_EQ(reported[claim_id], d.reimbursed) << claim_id;
    ++outcomes[d.outcome];
  }
  EXPECT_EQ(reported.size(), static_cast<size_t>(kFiles));
  std::map<std::string, int64_t> counted;
  for (const auto& [outcome, n] : done.outcomes()) {
    if (outcome != "IN_REVIEW" && n > 0) counted[outcome] = n;
  }
  EXPECT_EQ(counted, outcomes);
  EXPECT_GT(outcomes["ACCEPTED"], 0);
  EXPECT_GT(outcomes["PARTIAL"] + outcomes["REJECTED"], 0);
}

INSTANTIATE_BACKENDS(ClaimsCrashTest);

}  // namespace
}  // namespace himaya
