// The `himaya` command line as a user drives it: `himaya up` in the foreground, then status,
// register, person get, messages, a household batch whose head goes to review, the review
// decided, the report, errors (one line, non-zero exit), and SIGTERM stopping the stack with
// exit code 0; a family declared, listed, asked about on days, certified (the certificate
// verified offline) and removed. Real processes on the embedded defaults
// (SQLite, embedded broker).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "core/json_file.h"
#include "core/process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json.hpp"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct CliRun {
  int code = -1;
  std::string out;  // standard output and error
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = dir_.path() + "/var";
    StartUp();
  }
  // Starts `himaya up` in the background and waits until `himaya status` says it serves.
  void StartUp() {
    auto up = core::Subprocess::Start(
        {.argv = {Binary(), "up", "--data_dir=" + data_dir_}, .stdout_path = dir_.path() + "/up.out"});
    ASSERT_TRUE(up.ok()) << up.status();
    up_ = std::make_unique<core::Subprocess>(std::move(*up));
    ASSERT_TRUE(stack::WaitUntil([&] { return Himaya({"status"}).code == 0; }, absl::Seconds(60), "himaya up").ok())
        << Himaya({"status"}).out;
  }
  // Stops `himaya up` as Ctrl-C would; true when it exited with 0.
  bool StopUp() {
    up_->Signal(SIGTERM);
    std::optional<int> stopped = up_->Wait(absl::Seconds(60));
    return stopped.has_value() && WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0;
  }
  void TearDown() override {
    if (up_ && up_->Running()) up_->Stop();
  }

  static std::string Binary() { return stack::DefaultBinDir() + "/himaya"; }

  // Runs `himaya ARGS --data_dir=...` to its end.
  CliRun Himaya(std::vector<std::string> args) {
    args.insert(args.begin(), Binary());
    args.push_back("--data_dir=" + data_dir_);
    const std::string out = absl::StrCat(dir_.path(), "/cli-", ++runs_, ".out");
    auto p = core::Subprocess::Start({.argv = args, .stdout_path = out, .stderr_path = out});
    if (!p.ok()) return {-1, std::string(p.status().message())};
    std::optional<int> status = p->Wait(absl::Seconds(120));
    std::ifstream in(out);
    CliRun run{-1, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
    if (status && WIFEXITED(*status)) run.code = WEXITSTATUS(*status);
    return run;
  }

  // Runs `himaya messages NUMBER` until its output holds `text` (60 s at most); returns the last run.
  CliRun WaitForMessages(const std::string& number, const std::string& text) {
    CliRun messages;
    EXPECT_TRUE(stack::WaitUntil(
                    [&] {
                      messages = Himaya({"messages", number});
                      return messages.out.find(text) != std::string::npos;
                    },
                    absl::Seconds(60), "the activation message")
                    .ok())
        << messages.out;
    return messages;
  }

  // The registration number that `himaya register` printed.
  static std::string NumberRegistered(const CliRun& registered) {
    return std::string(absl::StripAsciiWhitespace(absl::StripPrefix(registered.out, "registered ")));
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Writes NAME.csv and NAME.manifest.json for `body` and `program`.
  std::string WriteBatch(const std::string& name, const std::string& body, const std::string& program,
                         const std::string& csv) {
    const std::string path = dir_.path() + "/" + name + ".csv";
    std::ofstream(path) << csv;
    std::ofstream(dir_.path() + "/" + name + ".manifest.json")
        << "{\"batch_id\": \"" << name << "\", \"liaison_body\": \"" << body << "\", \"program\": \"" << program
        << "\", \"record_count\": " << std::count(csv.begin(), csv.end(), '\n') - 1 << ", \"sha256\": \""
        << liaison::Sha256Hex(csv) << "\", \"produced_at\": \"2022-03-01T08:00:00Z\"}";
    return path;
  }

  testing::TempDir dir_;
  std::string data_dir_;
  std::unique_ptr<core::Subprocess> up_;
  int runs_ = 0;
};

TEST_F(CliTest, AUserRegistersSendsABatchDecidesAReviewAndStopsTheStack) {
  CliRun status = Himaya({"status"});
  EXPECT_THAT(status.out, HasSubstr("registration"));
  EXPECT_THAT(status.out, HasSubstr("notification"));

  CliRun registered = Himaya({"register", "--cin=BK123456", "--last_name=Alaoui", "--first_name=Amina",
                              "--birth_date=1985-03-12", "--sex=F", "--phone=0612345678", "--program=amo-tns",
                              "--category=AGRI", "--city=Settat", "--language=ar"});
  ASSERT_EQ(registered.code, 0) << registered.out;
  ASSERT_THAT(registered.out, StartsWith("registered "));
  const std::string number = NumberRegistered(registered);

  CliRun by_cin = Himaya({"person", "get", "bk123456"});
  EXPECT_EQ(by_cin.code, 0) << by_cin.out;
  EXPECT_THAT(by_cin.out, HasSubstr(number));
  EXPECT_THAT(by_cin.out, HasSubstr("+212612345678"));
  WaitForMessages(number, "activation");

  // Errors: one line naming the problem, and a non-zero exit.
  CliRun duplicate = Himaya({"register", "--cin=BK123456", "--last_name=Alaoui", "--first_name=Amina",
                             "--birth_date=1985-03-12", "--sex=F", "--program=amo-tns", "--category=AGRI"});
  EXPECT_EQ(duplicate.code, 1);
  EXPECT_EQ(duplicate.out, "himaya: ALREADY_EXISTS: cin: a person with this CIN is already registered\n");
  CliRun unknown = Himaya({"person", "get", "100000000"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.out, StartsWith("himaya: "));
  EXPECT_EQ(std::count(unknown.out.begin(), unknown.out.end(), '\n'), 1) << unknown.out;
  CliRun bad_date = Himaya({"register", "--cin=BK9", "--last_name=A", "--first_name=B", "--birth_date=1985-02-30",
                            "--sex=F", "--program=amo-tns", "--category=AGRI"});
  EXPECT_EQ(bad_date.code, 1);
  EXPECT_THAT(bad_date.out, HasSubstr("birth_date"));
  EXPECT_EQ(Himaya({"nonsense"}).code, 2);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"events", "replay", "--since=2026-11-29T08:00:00Z", "--until=yesterday"},
           {"events", "replay", "--since=2026-11-29T08:00:00Z", "--until=infinite-future"},
           {"events", "replay", "--since=2026-11-29T08:00:00Z", "--until=2026-11-29T08:00:00Z"}}) {
    CliRun window = Himaya(args);
    EXPECT_EQ(window.code, 1) << args.back();
    EXPECT_THAT(window.out, StartsWith("himaya: events replay: --until")) << window.out;
    EXPECT_EQ(std::count(window.out.begin(), window.out.end(), '\n'), 1) << window.out;
  }

  // A household whose head looks like the person registered above (another CIN).
  const std::string batch = WriteBatch("RAMED-CLI", "RAMED", "amo-tadamon",
                                       "record_id,cin,last_name,first_name,birth_date,sex,household_id,relationship\n"
                                       "1,BK654321,Alaoui,Amina,1985-03-12,F,H1,HEAD\n"
                                       "2,,Alaoui,Yassine,2012-01-01,M,H1,CHILD\n"
                                       "3,BK777777,Bennani,Omar,1970-01-01,M,H2,HEAD\n");
  CliRun submitted = Himaya({"batch", "submit", batch});
  ASSERT_EQ(submitted.code, 0) << submitted.out;
  EXPECT_THAT(submitted.out, HasSubstr("state      COMPLETED"));
  EXPECT_THAT(submitted.out, HasSubstr("NEEDS_REVIEW 2"));
  CliRun refused = Himaya({"batch", "submit", WriteBatch("RAMED-BAD", "RAMED", "amo-tns", "record_id,cin\n1,X\n")});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.out, HasSubstr("batch refused"));

  CliRun reviews = Himaya({"review", "list"});
  ASSERT_EQ(reviews.code, 0) << reviews.out;
  EXPECT_THAT(reviews.out, HasSubstr("(1 household members wait)"));
  const std::string review_id = reviews.out.substr(0, reviews.out.find(' '));
  CliRun listed = Himaya({"review", "list", "--output=json"});
  ASSERT_EQ(listed.code, 0) << listed.out;
  nlohmann::json listed_json = nlohmann::json::parse(listed.out, nullptr, false);
  ASSERT_TRUE(listed_json.is_object()) << listed.out;
  ASSERT_EQ(listed_json["reviews"].size(), 1u) << listed.out;
  EXPECT_EQ(listed_json["reviews"][0]["review_id"], review_id);
  EXPECT_EQ(listed_json["reviews"][0]["household_members_waiting"], 1);
  CliRun decided = Himaya({"review", "decide", review_id, "new", "--agent=agent.amal"});
  ASSERT_EQ(decided.code, 0) << decided.out;
  EXPECT_THAT(decided.out, HasSubstr("REGISTERED"));
  EXPECT_THAT(decided.out, HasSubstr("1 household members attached"));
  EXPECT_EQ(Himaya({"review", "decide", review_id, "merge", "--agent=agent.omar"}).code, 1) << "decided once";

  CliRun report = Himaya({"batch", "report", "RAMED-CLI"});
  ASSERT_EQ(report.code, 0) << report.out;
  std::vector<std::string> lines = absl::StrSplit(report.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << report.out;
  EXPECT_EQ(lines[0], "record_id,row_number,outcome,registration_number,reasons");
  EXPECT_THAT(lines[1], HasSubstr(";review:REGISTERED"));
  EXPECT_THAT(lines[2], HasSubstr("household_id:ATTACHED_AFTER_REVIEW"));
  EXPECT_THAT(lines[3], StartsWith("3,3,REGISTERED,"));

  EXPECT_TRUE(StopUp()) << "himaya up stops on SIGTERM with exit code 0";
  EXPECT_NE(Himaya({"status"}).code, 0) << "nothing left running";
}

TEST_F(CliTest, AnAgentDeclaresAFamilyAndAsksWhoIsCoveredOnADay) {
  // The service's days are Africa/Casablanca's (its --time_zone).
  absl::TimeZone casablanca;
  ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &casablanca));
  const std::string today = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), casablanca));
  const std::string tomorrow = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), casablanca) + 1);
  CliRun registered = Himaya({"register", "--cin=BK200001", "--last_name=Alaoui", "--first_name=Ahmed",
                              "--birth_date=1980-01-01", "--sex=M", "--program=amo-tns", "--category=AGRI"});
  ASSERT_EQ(registered.code, 0) << registered.out;
  const std::string number = NumberRegistered(registered);
  ASSERT_EQ(Himaya({"register", "--cin=BK200002", "--last_name=Idrissi", "--first_name=Salma",
                    "--birth_date=1982-02-02", "--sex=F", "--program=amo-tns", "--category=AGRI"})
                .code,
            0);
  // Beneficiary learns of the insured from registration's event.
  CliRun insured;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    insured = Himaya({"eligibility", number});
                    return insured.code == 0;
                  },
                  absl::Seconds(60), "the insured covered")
                  .ok())
      << insured.out;

  CliRun declared =
      Himaya({"family", "declare", number, "--relationship=CHILD", "--first_name=Sara", "--last_name=Alaoui",
              "--birth_date=2010-05-01", "--sex=F", "--agent=agent.amal", "--output=json"});
  ASSERT_EQ(declared.code, 0) << declared.out;
  nlohmann::json child = nlohmann::json::parse(declared.out, nullptr, false);
  ASSERT_TRUE(child.is_object()) << declared.out;
  const std::string child_id = child.value("beneficiary_id", "");
  EXPECT_EQ(child_id, number + "-01");

  CliRun family = Himaya({"family", "list", number});
  ASSERT_EQ(family.code, 0) << family.out;
  EXPECT_THAT(family.out, ContainsRegex("\n" + number + " +INSURED +yes"))  // events carry no names
      << family.out;
  EXPECT_THAT(family.out, ContainsRegex("\n" + child_id + " +CHILD +Sara Alaoui +2010-05-01 +F +yes"));

  CliRun covered = Himaya({"eligibility", child_id, "--date=" + today});
  EXPECT_EQ(covered.code, 0) << covered.out;
  CliRun grown = Himaya({"eligibility", child_id, "--date=2032-01-01", "--output=json"});
  EXPECT_EQ(grown.code, 3) << grown.out;
  EXPECT_EQ(nlohmann::json::parse(grown.out, nullptr, false).value("reason", ""), "AGE_LIMIT") << grown.out;

  // The certificate, then checked offline with the stack's public keys (DATA_DIR/secrets/attestation).
  const std::string pdf = dir_.path() + "/attestation.pdf";
  CliRun issued = Himaya({"attestation", "get", number, "--out=" + pdf});
  ASSERT_EQ(issued.code, 0) << issued.out;
  EXPECT_THAT(issued.out, HasSubstr(pdf));
  CliRun verified = Himaya({"attestation", "verify", pdf, "--output=json"});
  ASSERT_EQ(verified.code, 0) << verified.out;
  nlohmann::json attestation = nlohmann::json::parse(verified.out, nullptr, false);
  EXPECT_EQ(attestation.value("status", ""), "VALID") << verified.out;
  EXPECT_EQ(attestation.value("registration_number", ""), number);
  ASSERT_EQ(attestation["members"].size(), 1u) << verified.out;
  EXPECT_EQ(attestation["members"][0].value("beneficiary_id", ""), child_id);

  // A registered person cannot also be a dependent: the refusal names its rule.
  CliRun refused = Himaya({"family", "declare", number, "--relationship=SPOUSE", "--first_name=Salma",
                           "--last_name=Idrissi", "--birth_date=1982-02-02", "--sex=F", "--cin=BK200002"});
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_THAT(refused.out, StartsWith("himaya: refused: DIRECTLY_INSURED"));
  EXPECT_EQ(std::count(refused.out.begin(), refused.out.end(), '\n'), 1) << refused.out;

  CliRun removed = Himaya({"family", "remove", number, child_id, "--reason=DECLARED_IN_ERROR", "--end_date=" + today});
  ASSERT_EQ(removed.code, 0) << removed.out;
  CliRun after = Himaya({"eligibility", child_id, "--date=" + tomorrow});
  EXPECT_EQ(after.code, 3) << after.out;
  EXPECT_THAT(after.out, HasSubstr("REMOVED"));
  EXPECT_EQ(Himaya({"eligibility", child_id, "--date=" + today}).code, 0) << "the past stays answerable";
}

TEST_F(CliTest, ASecondUpOnTheSameDataDirectoryIsRefusedAndTheFirstStackRunsOn) {
  const std::string run_file = data_dir_ + "/run/registration.json";
  const std::string before = ReadFile(run_file);
  ASSERT_FALSE(before.empty());

  CliRun second = Himaya({"up"});
  EXPECT_EQ(second.code, 1) << second.out;
  EXPECT_THAT(second.out, HasSubstr("another stack is running on " + data_dir_));
  EXPECT_THAT(second.out, HasSubstr(absl::StrCat("(pid ", up_->pid(), ")")));
  EXPECT_EQ(std::count(second.out.begin(), second.out.end(), '\n'), 2) << "the start line and one error line";
  EXPECT_EQ(ReadFile(run_file), before) << "the first stack's run files are kept";
  CliRun status = Himaya({"status"});
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_TRUE(up_->Running());
}

TEST_F(CliTest, TheDemoKeepsTheFilesOfAStackRunningWhereItWouldStart) {
  const std::string demo_dir = data_dir_ + "/demo";  // where `himaya demo` starts its stack
  auto other = core::Subprocess::Start(
      {.argv = {Binary(), "up", "--data_dir=" + demo_dir}, .stdout_path = dir_.path() + "/up-demo.out"});
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE(stack::WaitUntil([&] { return stack::ReadEndpoint(demo_dir, "notification").ok(); }, absl::Seconds(60),
                               "the stack in the demo's directory")
                  .ok());
  const std::string before = ReadFile(demo_dir + "/run/registration.json");

  CliRun demo = Himaya({"demo"});
  EXPECT_EQ(demo.code, 1) << demo.out;
  EXPECT_THAT(demo.out, HasSubstr("another stack is running on " + demo_dir));
  EXPECT_EQ(ReadFile(demo_dir + "/run/registration.json"), before) << "the running stack's files are kept";
  EXPECT_TRUE(std::filesystem::exists(demo_dir + "/registration.db"));
  EXPECT_TRUE(other->Running());
  other->Stop();
}

TEST_F(CliTest, ACodeSentBeforeARestartOfTheStackStillActivatesTheAccountAfterIt) {
  CliRun registered =
      Himaya({"register", "--cin=BK246810", "--last_name=Alaoui", "--first_name=Amina", "--birth_date=1985-03-12",
              "--sex=F", "--phone=0612345678", "--program=amo-tns", "--category=AGRI", "--language=fr"});
  ASSERT_EQ(registered.code, 0) << registered.out;
  const std::string number = NumberRegistered(registered);
  // The code as the person received it, in the SMS.
  std::string code;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    const std::string sms = ReadFile(data_dir_ + "/sms.jsonl");
                    std::smatch match;
                    if (!std::regex_search(sms, match, std::regex("activation: ([0-9A-Z]{4}-[0-9A-Z]{4})"))) {
                      return false;
                    }
                    code = match[1];
                    return true;
                  },
                  absl::Seconds(30), "the activation SMS")
                  .ok());
  struct stat key;
  ASSERT_EQ(stat((data_dir_ + "/secrets/activation_code.key").c_str(), &key), 0);
  EXPECT_EQ(key.st_mode & 0777, 0600u) << "the key is readable by its owner only";

  ASSERT_TRUE(StopUp());
  StartUp();
  const std::string password_file = absl::StrCat(dir_.path(), "/password");
  std::ofstream(password_file) << "sel et poivre 2022\n";
  CliRun activated = Himaya({"account", "activate", number, code, "--password_file=" + password_file});
  EXPECT_EQ(activated.code, 0) << activated.out;
  EXPECT_THAT(activated.out, HasSubstr("activated"));
}

TEST_F(CliTest, ACrashedServiceIsRestartedWhileTheBrokerAndTheOtherServicesRunOn) {
  auto pid_in = [&](const std::string& component) {
    auto json = core::ReadJsonFile(absl::StrCat(data_dir_, "/run/", component, ".json"));
    return json.ok() && json->contains("pid") ? (*json)["pid"].get<int>() : 0;
  };
  const int broker = pid_in("broker");
  const int registration = pid_in("registration");
  const int notification = pid_in("notification");
  ASSERT_GT(broker, 0);
  ASSERT_GT(registration, 0);
  ASSERT_GT(notification, 0);

  ASSERT_EQ(kill(notification, SIGKILL), 0);
  CliRun status;
  ASSERT_TRUE(stack::WaitUntil(
                  [&] {
                    status = Himaya({"status"});
                    return status.code == 0 && pid_in("notification") != notification && pid_in("notification") != 0;
                  },
                  absl::Seconds(60), "notification to serve again")
                  .ok())
      << status.out;
  EXPECT_TRUE(up_->Running());
  EXPECT_EQ(pid_in("broker"), broker);
  EXPECT_EQ(pid_in("registration"), registration);
  EXPECT_EQ(kill(broker, 0), 0) << "the broker is the same process";
  EXPECT_EQ(kill(registration, 0), 0) << "registration is the same process";
  EXPECT_THAT(status.out, ContainsRegex("notification +SERVING .*, restarts 1"));
  EXPECT_THAT(status.out, ContainsRegex("registration +SERVING .*, restarts 0"));

  // The new notification serves: a person registered now gets the message.
  CliRun registered =
      Himaya({"register", "--cin=BK135790", "--last_name=Alaoui", "--first_name=Amina", "--birth_date=1985-03-12",
              "--sex=F", "--phone=0612345678", "--program=amo-tns", "--category=AGRI"});
  ASSERT_EQ(registered.code, 0) << registered.out;
  const std::string number = NumberRegistered(registered);
  WaitForMessages(number, "DELIVERED");
  EXPECT_TRUE(StopUp());
  const std::string log = ReadFile(dir_.path() + "/up.out");
  EXPECT_THAT(log, HasSubstr("notification killed by signal 9"));
  EXPECT_THAT(log, HasSubstr("notification restarted"));
}

}  // namespace
}  // namespace himaya
