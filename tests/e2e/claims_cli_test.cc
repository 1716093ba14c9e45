// The `himaya claims`, `tariff` and `gen claims` commands as an agent drives them against the real
// stack (`himaya up`: SQLite, embedded broker): people registered by a liaison batch, the sample
// TNR imported, a bulk claims file generated for them with planted rejections, submitted, its
// report, a file's status, the review queue, the overdue list and an ALD certificate; each
// command's table and JSON, and bad input as one line on standard error with a non-zero exit.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "core/process.h"
#include "datagen/claims_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using CliRun = testing::CommandRun;

absl::CivilDay TodayInCasablanca() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &zone));
  return absl::ToCivilDay(absl::Now(), zone);
}

class ClaimsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = dir_.path() + "/var";
    auto up = core::Subprocess::Start(
        {.argv = {Binary(), "up", "--data_dir=" + data_dir_}, .stdout_path = dir_.path() + "/up.out"});
    ASSERT_TRUE(up.ok()) << up.status();
    up_ = std::make_unique<core::Subprocess>(std::move(*up));
    ASSERT_TRUE(stack::WaitUntil([&] { return Himaya({"status"}).code == 0; }, absl::Seconds(90), "himaya up").ok())
        << Himaya({"status"}).out;
  }
  void TearDown() override {
    if (up_ && up_->Running()) {
      up_->Signal(SIGTERM);
      if (!up_->Wait(absl::Seconds(60))) up_->Stop();
    }
  }

  static std::string Binary() { return stack::DefaultBinDir() + "/himaya"; }

  // Runs `himaya ARGS --data_dir=...` in the test's directory to its end.
  CliRun Himaya(std::vector<std::string> args) {
    args.insert(args.begin(), Binary());
    args.push_back("--data_dir=" + data_dir_);
    return testing::RunCommand({.argv = args, .env = {{"USER", "agent.amal"}}, .working_dir = dir_.path()},
                               absl::StrCat(dir_.path(), "/cli-", ++runs_), absl::Seconds(180));
  }
  static std::string ReadFile(const std::string& path) { return testing::ReadWholeFile(path); }

  static nlohmann::json Json(const CliRun& run) {
    nlohmann::json json = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << run.out << run.err;
    return json;
  }

  // A failure as the CLI reports one: a non-zero exit, one line on standard error, nothing on
  // standard output.
  static void ExpectOneLineError(const CliRun& run, const std::string& says) {
    EXPECT_NE(run.code, 0) << run.out << run.err;
    EXPECT_THAT(run.err, StartsWith("himaya: "));
    EXPECT_THAT(run.err, HasSubstr(says));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.out, "");
  }

  // Registers `records` people of amo-tns through a liaison batch and waits until the beneficiary
  // service covers the last of them; their registration numbers.
  std::vector<std::string> RegisterPeople(int records) {
    CliRun generated = Himaya({"gen", "liaison", absl::StrCat("--records=", records), "--program=amo-tns", "--seed=5",
                               "--duplicate_rate=0", "--invalid_rate=0", "--lookalike_rate=0", "--covered_rate=0"});
    EXPECT_EQ(generated.code, 0) << generated.err;
    const std::string batch = absl::StrCat("MAPMDREF-5-", records);
    CliRun submitted = Himaya({"batch", "submit", batch + ".csv"});
    EXPECT_EQ(submitted.code, 0) << submitted.out << submitted.err;
    CliRun report = Himaya({"batch", "report", "MAPMDREF/" + batch});
    EXPECT_EQ(report.code, 0) << report.err;
    std::vector<std::string> numbers;
    for (absl::string_view line : absl::StrSplit(report.out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> fields = absl::StrSplit(line, ',');
      if (fields.size() >= 4 && fields[2] == "REGISTERED") numbers.push_back(fields[3]);
    }
    EXPECT_EQ(numbers.size(), static_cast<size_t>(records)) << report.out;
    if (!numbers.empty()) {
      EXPECT_TRUE(stack::WaitUntil(
                      [&] {
                        return Himaya({"family", "list", numbers.back()}).code == 0;
                      },
                      absl::Seconds(60), "beneficiary covering the last insured")
                      .ok());
    }
    return numbers;
  }

  testing::TempDir dir_;
  std::string data_dir_;
  std::unique_ptr<core::Subprocess> up_;
  int runs_ = 0;
};

TEST_F(ClaimsCliTest, AnAgentImportsTheTariffSendsAFileAndFollowsItsClaims) {
  const absl::CivilDay today = TodayInCasablanca();
  const std::vector<std::string> numbers = RegisterPeople(40);
  ASSERT_FALSE(numbers.empty());

  // The sample TNR, effective a year ago; the same version again changes nothing.
  std::ofstream(dir_.path() + "/tnr.csv", std::ios::binary) << datagen::SampleTariffCsv();
  const std::string effective = "--effective_from=" + absl::FormatCivilTime(today - 365);
  CliRun imported = Himaya({"tariff", "import", "tnr.csv", "--tariff_version=TNR-SAMPLE", effective});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_THAT(imported.out,
              ContainsRegex("^VERSION +EFFECTIVE_FROM +ACTS +ALREADY_IMPORTED\nTNR-SAMPLE +[-0-9]+ +49 +no\n"));
  imported = Himaya({"tariff", "import", "tnr.csv", "--tariff_version=TNR-SAMPLE", effective, "--output=json"});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(Json(imported).value("already_imported", false), true);

  // Filed today, the day their coverage began: care today.
  CliRun generated = Himaya({"gen", "claims", "--from_batch=MAPMDREF/MAPMDREF-5-40", "--claims=30", "--unknown_act=10",
                             "--over_quantity=10", "--duplicate=10", "--seed=9", "--output=json"});
  ASSERT_EQ(generated.code, 0) << generated.err;
  const nlohmann::json file = Json(generated);
  const int64_t items = file.value("items", 0);
  ASSERT_GT(items, 30);

  CliRun submitted = Himaya({"claims", "submit", "CASHPLUS-9-30.csv"});
  ASSERT_EQ(submitted.code, 0) << submitted.out << submitted.err;
  EXPECT_THAT(submitted.out, HasSubstr("batch      CASHPLUS/CASHPLUS-9-30\nstate      COMPLETED\n"));
  EXPECT_THAT(submitted.out, HasSubstr(absl::StrCat("rows       ", items, " received\n")));
  EXPECT_THAT(submitted.out, ContainsRegex("\nfiles      30 received, [0-9]+ decided\n"));
  CliRun again = Himaya({"claims", "submit", "CASHPLUS-9-30.csv", "--output=json"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(Json(again).value("state", ""), "COMPLETED") << "the same batch again: its status";
  EXPECT_EQ(Json(again).value("claims_received", 0), 30);
  const nlohmann::json again_json = Json(again);
  int64_t with_outcome = 0;
  for (const auto& outcome : again_json["outcomes"].items()) with_outcome += outcome.value().get<int64_t>();
  EXPECT_EQ(with_outcome, 30) << "every file decided or waiting for an agent\n" << again.out;
  EXPECT_EQ(Json(again).value("claims_decided", 0) + Json(again)["outcomes"].value("IN_REVIEW", 0), 30);

  // The report: one line per item, each planted rejection found with its reason.
  CliRun report = Himaya({"claims", "report", "CASHPLUS/CASHPLUS-9-30"});
  ASSERT_EQ(report.code, 0) << report.err;
  std::vector<std::string> lines = absl::StrSplit(report.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(static_cast<int64_t>(lines.size()), items + 1) << report.out;
  EXPECT_EQ(lines[0], "claim_id,item,outcome,reason,reimbursed_centimes");
  std::map<std::string, int64_t> reasons;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(fields.size(), 5u) << lines[i];
    ++reasons[fields[3].substr(0, fields[3].find(':'))];  // DUPLICATE:<the earlier file>
  }
  // An unknown act is that whatever else; a planted duplicate is a DUPLICATE, an item over its
  // quantity that or a DUPLICATE (the rules count an act's units on one day together).
  EXPECT_EQ(reasons[datagen::kUnknownAct], file["planted"].value(datagen::kUnknownAct, 0)) << report.out;
  EXPECT_GE(reasons[datagen::kDuplicate] + reasons[datagen::kQuantityOverMaximum],
            file["planted"].value(datagen::kDuplicate, 0) + file["planted"].value(datagen::kQuantityOverMaximum, 0))
      << report.out;
  EXPECT_EQ(Himaya({"claims", "report", "CASHPLUS-9-30", "--sender=CASHPLUS"}).out, report.out);

  // One file: its items, amounts in dirhams; in JSON in centimes, adding up.
  const std::string claim_id = "CASHPLUS-9-30-0000001";
  CliRun status = Himaya({"claims", "status", claim_id});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr(absl::StrCat("claim       ", claim_id, " (BATCH:CASHPLUS/CASHPLUS-9-30)\n")));
  EXPECT_THAT(status.out, ContainsRegex("\nstate       (DECIDED (ACCEPTED|PARTIAL|REJECTED)|IN_REVIEW)"));
  EXPECT_THAT(status.out,
              ContainsRegex("\namounts     claimed [0-9]+\\.[0-9][0-9] DH, reimbursed [0-9]+\\.[0-9][0-9] DH\n"));
  EXPECT_THAT(status.out, ContainsRegex("\nITEM +BENEFICIARY_ID +CARE_DATE +ACT +QTY +PAID_DH"));
  CliRun status_json = Himaya({"claims", "status", claim_id, "--output=json"});
  ASSERT_EQ(status_json.code, 0) << status_json.err;
  const nlohmann::json claim = Json(status_json);
  int64_t reimbursed = 0, claimed = 0;
  for (const nlohmann::json& item : claim["items"]) {
    reimbursed += item.value("reimbursed_centimes", int64_t{0});
    claimed += item.value("amount_paid_centimes", int64_t{0});
  }
  EXPECT_EQ(claim.value("reimbursed_centimes", int64_t{-1}), reimbursed) << status_json.out;
  EXPECT_EQ(claim.value("claimed_centimes", int64_t{-1}), claimed) << status_json.out;
  ExpectOneLineError(Himaya({"claims", "status", "NO-SUCH-CLAIM"}), "NOT_FOUND");

  // An ALD certificate for the first insured.
  CliRun ald = Himaya({"claims", "ald", "add", "--certificate=ALD-2026-1", "--beneficiary=" + numbers[0],
                       "--from=" + absl::FormatCivilTime(today), "--until=" + absl::FormatCivilTime(today + 365)});
  ASSERT_EQ(ald.code, 0) << ald.err;
  EXPECT_THAT(ald.out, ContainsRegex(absl::StrCat("\nALD-2026-1 +", numbers[0], " +")));
  ExpectOneLineError(Himaya({"claims", "ald", "add", "--certificate=ALD-2", "--beneficiary=" + numbers[0],
                             "--from=2026-02-30", "--until=2026-12-31"}),
                     "--from: a day written YYYY-MM-DD");

  // A file whose bytes are not its manifest's is refused whole.
  nlohmann::json manifest = nlohmann::json::parse(ReadFile(dir_.path() + "/CASHPLUS-9-30.manifest.json"));
  manifest["batch_id"] = "CASHPLUS-ALTERED";
  std::ofstream(dir_.path() + "/CASHPLUS-ALTERED.manifest.json") << manifest.dump();
  std::ofstream(dir_.path() + "/CASHPLUS-ALTERED.csv", std::ios::binary)
      << ReadFile(dir_.path() + "/CASHPLUS-9-30.csv") << "ALTERED-1," << numbers[0] << ',' << numbers[0]
      << ",2026-01-01,2026-01-01,C,1,80.00,\n";
  ExpectOneLineError(Himaya({"claims", "submit", "CASHPLUS-ALTERED.csv"}), "INVALID_ARGUMENT: batch refused: ");

  // The review queue: files over the amount or drawn; deciding one that waits for nobody is refused.
  CliRun reviews = Himaya({"claims", "review", "list", "--output=json"});
  ASSERT_EQ(reviews.code, 0) << reviews.err;
  const nlohmann::json pending = Json(reviews)["claims"];
  for (const nlohmann::json& c : pending) EXPECT_EQ(c.value("state", ""), "IN_REVIEW");
  CliRun table = Himaya({"claims", "review", "list"});
  ASSERT_EQ(table.code, 0) << table.err;
  if (pending.empty()) {
    EXPECT_EQ(table.out, "no PENDING reviews\n");
  } else {
    EXPECT_THAT(table.out, StartsWith("CLAIM_ID "));
    const std::string waiting = pending[0].value("claim_id", "");
    CliRun decided = Himaya({"claims", "review", "decide", waiting, "--decision=reject", "--agent=agent.omar",
                             "--reason=FORGED_DOCUMENT", "--output=json"});
    ASSERT_EQ(decided.code, 0) << decided.err;
    EXPECT_EQ(Json(decided).value("outcome", ""), "REJECTED");
    EXPECT_EQ(Json(decided).value("reviewed_by", ""), "agent.omar");
  }
  if (claim.value("state", "") != "IN_REVIEW") {
    ExpectOneLineError(Himaya({"claims", "review", "decide", claim_id, "--decision=confirm", "--agent=agent.omar"}),
                       "refused: ");
  }

  // Nothing is overdue on the day it arrived.
  CliRun overdue = Himaya({"claims", "overdue"});
  ASSERT_EQ(overdue.code, 0) << overdue.err;
  EXPECT_EQ(overdue.out, "no file past its due date\n");
  overdue = Himaya({"claims", "overdue", "--output=json"});
  ASSERT_EQ(overdue.code, 0) << overdue.err;
  EXPECT_EQ(Json(overdue), nlohmann::json({{"claims", nlohmann::json::array()}}));
}

}  // namespace
}  // namespace himaya
