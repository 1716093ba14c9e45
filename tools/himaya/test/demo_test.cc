// `himaya demo` (tools/demo, the README's quick start) run to its end as a new user runs it:
// every step printed, the insured's journey through the gateway until their claim is seen
// PAID, and neither the activation code, the password nor a whole phone number in what it
// prints or in any log of its stack.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::cli {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(DemoTest, WalksRegistrationsAndTheInsuredsJourneyThroughTheGatewayToAPaidClaim) {
  testing::TempDir dir;
  testing::CommandRun run =
      testing::RunCommand({.argv = {stack::DefaultBinDir() + "/himaya", "demo", "--data_dir=" + dir.path()}},
                          dir.path() + "/demo", absl::Minutes(8));
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  // The registration part.
  EXPECT_THAT(run.out, ContainsRegex("registered: number [0-9]{9}"));
  EXPECT_THAT(run.out, ContainsRegex("COMPLETED in [0-9.]+ s: .*REGISTERED [0-9]+"));
  // The journey through the gateway, step by step.
  // The SMS in the person's language (fr or ar), its code masked: "...: PW**-****. ...".
  EXPECT_THAT(run.out, ContainsRegex(R"(to \+212\*+[0-9]{2}: ".*: [0-9A-Z]{2}\*\*-\*\*\*\*\. )"));
  EXPECT_THAT(run.out, HasSubstr("POST /v1/accounts:activate: activated"));
  EXPECT_THAT(run.out, ContainsRegex("POST /v1/sessions: logged in; the session is a cookie \\(.*HttpOnly; Secure; "
                                     "SameSite=Strict\\)"));
  EXPECT_THAT(run.out, ContainsRegex(R"(GET /v1/me/attestation\.pdf: application/pdf, [0-9]+ bytes, 1 page\(s\))"));
  EXPECT_THAT(run.out, ContainsRegex("POST /v1/me/family: beneficiary [0-9]{9}-[0-9]{2}, covered from today"));
  EXPECT_THAT(run.out, ContainsRegex("POST /v1/me/claims: claim HC-[0-9]+, RECEIVED"));
  EXPECT_THAT(run.out, ContainsRegex(R"(GET /v1/me/claims/HC-[0-9]+: DECIDED ACCEPTED, [0-9.]+ dirhams reimbursed)"));
  EXPECT_THAT(run.out, ContainsRegex(R"(GET /v1/me/claims/HC-[0-9]+: PAID \(payment run PAY-[0-9]{8}\))"));
  EXPECT_THAT(run.out, ContainsRegex("The portal, in French and Arabic, for phones: http://127\\.0\\.0\\.1:[0-9]+/"));
  EXPECT_THAT(run.out, HasSubstr("Done: "));

  // No secret printed: an activation code the SMS carried, the password, a whole phone number.
  std::vector<std::string> codes;
  const std::string sms = testing::ReadWholeFile(dir.path() + "/demo/sms.jsonl");
  const std::regex code(": ([0-9A-Z]{4}-[0-9A-Z]{4})\\.");
  for (auto it = std::sregex_iterator(sms.begin(), sms.end(), code); it != std::sregex_iterator(); ++it) {
    codes.push_back((*it)[1].str());
  }
  ASSERT_GT(codes.size(), 10u) << "the SMS of the batch's persons, read from the fake SMSC";
  for (const std::string& c : codes) ASSERT_THAT(run.out, Not(HasSubstr(c)));
  // The phones the SMS went to, as sent (+212...) and as typed (06...).
  std::vector<std::string> phones;
  const std::regex to("\"to\":\"\\+212([0-9]{9})\"");
  for (auto it = std::sregex_iterator(sms.begin(), sms.end(), to); it != std::sregex_iterator(); ++it) {
    phones.push_back("+212" + (*it)[1].str());
    phones.push_back("0" + (*it)[1].str());
  }
  ASSERT_GT(phones.size(), 20u) << "the phones, read from the fake SMSC";
  for (const std::string& p : phones) ASSERT_THAT(run.out, Not(HasSubstr(p)));
  EXPECT_THAT(run.out, Not(HasSubstr("Oranger-Settat-2026")));
  // Nor in any log of the stack (the SMS themselves are in sms.jsonl, the fake SMSC's outbox).
  int logs = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".log") continue;
    ++logs;
    const std::string log = testing::ReadWholeFile(entry.path().string());
    for (const std::string& c : codes) ASSERT_THAT(log, Not(HasSubstr(c))) << entry.path();
    EXPECT_THAT(log, Not(HasSubstr("Oranger-Settat-2026"))) << entry.path();
  }
  EXPECT_GT(logs, 0) << "the stack's logs were read";
}

}  // namespace
}  // namespace himaya::cli
