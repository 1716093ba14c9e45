// The portal in a real browser on the real stack (broker, registration, notification, beneficiary,
// claims, gateway): two people registered from a liaison batch, one French- and one
// Arabic-speaking, each walked through the whole journey by tests/web/portal_journey.py in
// headless Chromium (activate with the code from their SMS, log in with the keyboard, coverage,
// certificate, a child declared and removed, a claim filed and decided, log out), with an
// accessibility check and a screenshot of every page kept under
// build/<preset>/test-artifacts/portal/<lang>/.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "claims_e2e.h"
#include "gtest/gtest.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "rpc/client.h"
#include "stack/local_sms.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

namespace cl = himaya::claims::v1;

// Claim rules without sampling, so that every portal claim is decided by the rules (not held for
// an agent's review by chance); otherwise as shipped.
constexpr char kRulesWithoutSampling[] = R"({
  "filing_delay_days": 60,
  "due_days": 9,
  "escalate_after_days": 3,
  "review_threshold": "5000.00",
  "sample_percent": "0",
  "sample_seed": 20260101,
  "rates": [{"ordinary": 70, "ald": 90}]
})";

class PortalJourney : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string rules = dir_->path() + "/claim_rules.json";
    std::ofstream(rules) << kRulesWithoutSampling;
    stack::StackOptions options;
    options.data_dir = dir_->path() + "/stack";
    options.extra_flags["claims"] = {"--claim_rules=" + rules};
    auto started = stack::LocalStack::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    stack_ = started->release();
    auto claims = cl::ClaimsService::NewStub(rpc::NewChannel(stack_->endpoint("claims").grpc));
    auto tariff = e2e::ImportTestTariff(*claims);
    ASSERT_TRUE(tariff.ok()) << tariff.status();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  // A person registered in `language`, and the code their activation SMS gave them.
  std::pair<std::string, std::string> RegisteredWithCode(const std::string& language, uint64_t seed) {
    const std::string batch_dir = dir_->path() + "/" + language;
    std::filesystem::create_directories(batch_dir);
    auto registered = e2e::RegisterInsured(*stack_, batch_dir, 1, seed, language);
    EXPECT_TRUE(registered.ok()) << registered.status();
    if (!registered.ok()) return {};
    const std::string number = registered->at(0);
    std::string code;
    EXPECT_TRUE(stack::WaitUntil(
                    [&] {
                      auto got = stack::LastActivationCode(stack_->data_dir(), number);
                      if (got.ok()) code = *got;
                      return got.ok();
                    },
                    absl::Seconds(60), "the activation SMS")
                    .ok());
    return {number, code};
  }

  // Runs tests/web/portal_journey.py for `language` and says where its screenshots are.
  void Walk(const std::string& language, uint64_t seed) {
    ASSERT_NE(stack_, nullptr);
    auto [number, code] = RegisteredWithCode(language, seed);
    ASSERT_FALSE(code.empty());
    const std::string artifacts = std::string(HIMAYA_BINARY_DIR) + "/test-artifacts/portal";
    std::filesystem::create_directories(artifacts);
    core::ProcessOptions run;
    run.argv = {"/usr/bin/python3",
                std::string(HIMAYA_SOURCE_DIR) + "/tests/web/portal_journey.py",
                "--base_url=" + stack_->gateway_url(),
                "--number=" + number,
                "--code=" + code,
                "--lang=" + language,
                "--artifacts=" + artifacts};
    testing::CommandRun walked = testing::RunCommand(run, dir_->path() + "/journey-" + language, absl::Minutes(6));
    std::cout << walked.out << walked.err;
    std::cout << "portal screenshots (" << language << "): " << artifacts << "/" << language << "/" << std::endl;
    EXPECT_EQ(walked.code, 0) << walked.out << walked.err;
    EXPECT_NE(walked.out.find("journey passed"), std::string::npos) << walked.out;
  }

  static testing::TempDir* dir_;
  static stack::LocalStack* stack_;
};

testing::TempDir* PortalJourney::dir_ = nullptr;
stack::LocalStack* PortalJourney::stack_ = nullptr;

TEST_F(PortalJourney, InFrench) { Walk("fr", 61); }

TEST_F(PortalJourney, InArabic) { Walk("ar", 62); }

}  // namespace
}  // namespace himaya
