// `himaya payment-mode` as an agent runs it: the real binary against a scripted registration
// service over the suite's mutual TLS. Shown as a table or JSON, the account masked; chosen with
// --rib or --wallet on the insured's behalf (chosen_by AGENT:<--agent>, else AGENT:cli); bad
// flags, refusals and errors one line on standard error with a non-zero exit.
#include "absl/strings/match.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "scripted_service_test.h"

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kInsured[] = "100000017";

// Registration as the command sees it: the insured 100000017 pays by bank transfer; a RIB ending
// in 95 has a wrong key; nobody else has a mode.
class ScriptedRegistration final : public reg::RegistrationService::CallbackService, public ScriptedRequests {
 public:
  grpc::ServerUnaryReactor* GetPaymentMode(grpc::CallbackServerContext* context,
                                           const reg::GetPaymentModeRequest* request,
                                           reg::PaymentMode* response) override {
    Record(request->DebugString());
    if (request->registration_number() != kInsured) {
      return Finish(
          context, grpc::Status(grpc::StatusCode::NOT_FOUND, "payment mode: none chosen for this registration number"));
    }
    response->set_registration_number(kInsured);
    response->set_method(reg::PAYMENT_METHOD_BANK_TRANSFER);
    response->set_account_masked("**** 2396");
    response->mutable_chosen_at()->set_seconds(1764493200);  // 2025-11-30T09:00:00Z
    response->set_chosen_by("PORTAL");
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ChoosePaymentMode(grpc::CallbackServerContext* context,
                                              const reg::ChoosePaymentModeRequest* request,
                                              reg::PaymentMode* response) override {
    Record(request->DebugString());
    if (absl::EndsWith(request->rib(), "95")) {
      return Finish(context, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                          "RIB_KEY: rib: the key (last two digits) does not match the account"));
    }
    response->set_registration_number(request->registration_number());
    response->set_method(request->method());
    response->set_account_masked("**** 5678");
    response->mutable_chosen_at()->set_seconds(1764493200);
    response->set_chosen_by(request->chosen_by());
    return Finish(context, grpc::Status::OK);
  }
};

class PaymentModeCommandTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("registration", &service_); }
  ScriptedRegistration service_;
};

TEST_F(PaymentModeCommandTest, ShowsTheModeAsATableOrJson) {
  CliRun table = Himaya({"payment-mode", kInsured});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_EQ(table.out,
            "REGISTRATION_NUMBER  METHOD         ACCOUNT    CHOSEN_AT             CHOSEN_BY\n"
            "100000017            BANK_TRANSFER  **** 2396  2025-11-30T09:00:00Z  PORTAL\n");

  CliRun json = Himaya({"payment-mode", kInsured, "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(Json(json), (nlohmann::json{{"registration_number", kInsured},
                                        {"method", "BANK_TRANSFER"},
                                        {"account_masked", "**** 2396"},
                                        {"chosen_at", "2025-11-30T09:00:00Z"},
                                        {"chosen_by", "PORTAL"}}));
  ASSERT_EQ(service_.requests().size(), 2u);
  EXPECT_THAT(service_.requests()[0], HasSubstr("registration_number: \"100000017\""));
}

TEST_F(PaymentModeCommandTest, ChoosesARibOrAWalletOnTheInsuredsBehalf) {
  CliRun rib = Himaya({"payment-mode", kInsured, "--rib=007 780 0001234567890123 96"});
  ASSERT_EQ(rib.code, 0) << rib.err;
  EXPECT_THAT(rib.out, HasSubstr("AGENT:cli"));
  CliRun wallet = Himaya({"payment-mode", kInsured, "--wallet=0612345678", "--agent=desk-7", "--output=json"});
  ASSERT_EQ(wallet.code, 0) << wallet.err;
  EXPECT_EQ(Json(wallet)["method"], "MOBILE_WALLET");
  EXPECT_EQ(Json(wallet)["chosen_by"], "AGENT:desk-7");

  const std::vector<std::string> sent = service_.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_THAT(sent[0], HasSubstr("method: PAYMENT_METHOD_BANK_TRANSFER"));
  EXPECT_THAT(sent[0], HasSubstr("rib: \"007 780 0001234567890123 96\""));
  EXPECT_THAT(sent[0], HasSubstr("chosen_by: \"AGENT:cli\""));
  EXPECT_THAT(sent[0], Not(HasSubstr("wallet_phone")));
  EXPECT_THAT(sent[1], HasSubstr("method: PAYMENT_METHOD_MOBILE_WALLET"));
  EXPECT_THAT(sent[1], HasSubstr("wallet_phone: \"0612345678\""));
  EXPECT_THAT(sent[1], HasSubstr("chosen_by: \"AGENT:desk-7\""));
}

TEST_F(PaymentModeCommandTest, BadFlagsRefusalsAndErrorsAreOneLine) {
  ExpectOneLineError(Himaya({"payment-mode"}), "usage: himaya payment-mode NUMBER");
  ExpectOneLineError(Himaya({"payment-mode", kInsured, "extra"}), "usage: himaya payment-mode NUMBER");
  ExpectOneLineError(Himaya({"payment-mode", kInsured, "--rib=1", "--wallet=0612345678"}), "not both");
  ExpectOneLineError(Himaya({"payment-mode", kInsured, "--output=xml"}), "--output: table or json");
  EXPECT_TRUE(service_.requests().empty()) << "nothing sent for bad flags";
  ExpectOneLineError(Himaya({"payment-mode", kInsured, "--rib=007780000123456789012395"}), "RIB_KEY: rib: ");
  ExpectOneLineError(Himaya({"payment-mode", "100000025"}), "NOT_FOUND: payment mode: none chosen");
}

}  // namespace
}  // namespace himaya::cli
