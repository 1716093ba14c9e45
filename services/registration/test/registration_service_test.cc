// The gRPC edge of registration on both backends, through a real server and stub over the
// suite's mutual TLS: requests become domain calls, domain answers become protos (every field),
// domain errors keep their codes, and bulk personal data goes only to the identities allowed.
#include "registration/src/registration_service.h"

#include "intake_fixture.h"
#include "rpc/call.h"
#include "rpc/credentials.h"
#include "rpc/server.h"
#include "stack/local_authority.h"
#include "testing/temp_dir.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Stub = v1::RegistrationService::Stub;

class RegistrationServiceTest : public IntakeTest {
 protected:
  void SetUp() override {
    IntakeTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(stack::EnsureCertificates(tls_.path(),
                                          {"registration", "beneficiary", "notification", "gateway", "cli", "claims"})
                    .ok());
    households_ = std::make_unique<Households>(*db_);
    codes_ = std::make_unique<ActivationCodes>(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
    accounts_ = std::make_unique<PortalAccounts>(
        *db_, *codes_, clock_, PasswordHashing{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN},
        LoginLimits{.failures = 2});
    resends_ = std::make_unique<CodeResends>(*db_, Source(), ResendLimits{.per_number = 1});
    payment_modes_ = std::make_unique<PaymentModes>(*db_, Source());
    service_ = std::make_unique<RegistrationService>(
        RegistrationDomain{registrar_.get(), Context(AllPrograms()), nullptr, codes_.get(), nullptr, households_.get(),
                           accounts_.get(), resends_.get(), payment_modes_.get()},
        pool_);
    auto identity = rpc::LoadTlsIdentity(stack::CertificateFiles(tls_.path(), "registration"));
    ASSERT_TRUE(identity.ok()) << identity.status();
    auto server =
        rpc::Server::Start({.services = {service_.get()}, .credentials = rpc::MutualTlsServerCredentials(*identity)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  // A stub showing the certificate of `identity`.
  std::unique_ptr<Stub> As(const std::string& identity) {
    auto loaded = rpc::LoadTlsIdentity(stack::CertificateFiles(tls_.path(), identity));
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return std::make_unique<Stub>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), rpc::MutualTlsChannelCredentials(*loaded)));
  }

  testing::TempDir tls_;
  core::ThreadPool pool_{2};
  std::unique_ptr<Households> households_;
  std::unique_ptr<ActivationCodes> codes_;
  std::unique_ptr<PortalAccounts> accounts_;
  std::unique_ptr<CodeResends> resends_;
  std::unique_ptr<PaymentModes> payment_modes_;
  std::unique_ptr<RegistrationService> service_;
  std::unique_ptr<rpc::Server> server_;
};

TEST_P(RegistrationServiceTest, GetHouseholdMembersGivesEveryFieldOfEachMemberInOrder) {
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,H100,Alaoui,Ahmed,1975-05-05,M,F1,HEAD\n"
                          "2,H101,Alaoui,Fatima,1978-06-06,F,F1,SPOUSE\n"
                          "3,,Alaoui,Youssef,2011-07-07,M,F1,CHILD\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "RAMED-S", "RAMED", "amo-tadamon", 3)).ok());
  std::vector<std::string> ids;
  for (const events::Envelope& e : OutboxEvents()) {
    auto member = events::Unpack<v1::HouseholdMemberDeclared>(e);
    if (member.ok()) ids.push_back(member->member_id());
  }
  ASSERT_EQ(ids.size(), 2u);
  const std::string head = registrar_->GetByCin("H100")->registration_number;

  v1::GetHouseholdMembersRequest request;
  request.add_member_ids(ids[0]);
  request.add_member_ids("0f0e0d0c-0b0a-4908-8706-050403020100");
  request.add_member_ids(ids[1]);
  auto response = rpc::Call(*As("beneficiary"), &Stub::GetHouseholdMembers, request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->members_size(), 3);
  const v1::HouseholdMember& spouse = response->members(0);
  EXPECT_EQ(spouse.member_id(), ids[0]);
  EXPECT_TRUE(spouse.found());
  EXPECT_EQ(spouse.head_registration_number(), head);
  EXPECT_EQ(spouse.relationship(), "SPOUSE");
  EXPECT_EQ(spouse.cin(), "H101");
  EXPECT_EQ(spouse.last_name(), "Alaoui");
  EXPECT_EQ(spouse.first_name(), "Fatima");
  EXPECT_EQ(spouse.birth_date(), "1978-06-06");
  EXPECT_EQ(spouse.sex(), v1::SEX_FEMALE);
  EXPECT_EQ(spouse.program(), "amo-tadamon");
  const v1::HouseholdMember& unknown = response->members(1);
  EXPECT_EQ(unknown.member_id(), "0f0e0d0c-0b0a-4908-8706-050403020100");
  EXPECT_FALSE(unknown.found());
  EXPECT_EQ(unknown.head_registration_number(), "") << "nothing else is set";
  EXPECT_EQ(unknown.relationship(), "");
  const v1::HouseholdMember& child = response->members(2);
  EXPECT_TRUE(child.found());
  EXPECT_EQ(child.relationship(), "CHILD");
  EXPECT_EQ(child.cin(), "");
  EXPECT_EQ(child.first_name(), "Youssef");
  EXPECT_EQ(child.sex(), v1::SEX_MALE);
}

TEST_P(RegistrationServiceTest, GetHouseholdMembersKeepsTheDomainsCodes) {
  auto beneficiary = As("beneficiary");
  v1::GetHouseholdMembersRequest request;
  request.add_member_ids("not-an-id");
  auto malformed = rpc::Call(*beneficiary, &Stub::GetHouseholdMembers, request);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument) << malformed.status();
  EXPECT_THAT(std::string(malformed.status().message()), HasSubstr("member_ids[0]"));
  request.clear_member_ids();
  for (size_t i = 0; i <= kMaxHouseholdMemberIds; ++i) request.add_member_ids("0f0e0d0c-0b0a-4908-8706-050403020100");
  auto too_many = rpc::Call(*beneficiary, &Stub::GetHouseholdMembers, request);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument) << too_many.status();
}

TEST_P(RegistrationServiceTest, GetHouseholdMembersAnswersTheBeneficiaryServiceOnly) {
  v1::GetHouseholdMembersRequest request;
  request.add_member_ids("0f0e0d0c-0b0a-4908-8706-050403020100");
  auto denied = rpc::Call(*As("notification"), &Stub::GetHouseholdMembers, request);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied) << denied.status();
  EXPECT_THAT(std::string(denied.status().message()), HasSubstr("notification"));
  EXPECT_TRUE(rpc::Call(*As("beneficiary"), &Stub::GetHouseholdMembers, request).ok());
}

// The portal account through the edge: opened with a code and a password, logged into by the
// gateway (its answer, its refusals, the wait of a lock-out in `retry-after`), a new code asked.
TEST_P(RegistrationServiceTest, ThePortalAccountIsOpenedAndLoggedIntoThroughTheGateway) {
  auto person =
      registrar_->Register({"BK300", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
  ASSERT_TRUE(person.ok());
  const std::string number = person->registration_number;
  auto gateway = As("gateway");
  v1::ActivateAccountRequest activate;
  activate.set_registration_number(number);
  activate.set_code(codes_->Issue(number)->code);
  activate.set_password("short");
  auto refused = rpc::Call(*gateway, &Stub::ActivateAccount, activate);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "password: is shorter than 12 characters");
  activate.set_password("sel et poivre 2022");
  ASSERT_TRUE(rpc::Call(*gateway, &Stub::ActivateAccount, activate).ok());

  v1::AuthenticateAccountRequest login;
  login.set_registration_number(number);
  login.set_password("sel et poivre 2022");
  auto account = rpc::Call(*gateway, &Stub::AuthenticateAccount, login);
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->registration_number(), number);
  EXPECT_EQ(account->program(), "amo-tns");
  EXPECT_EQ(account->preferred_language(), "ar");

  login.set_password("sel et poivre 2023");
  for (int i = 0; i < 2; ++i) {
    auto wrong = rpc::Call(*gateway, &Stub::AuthenticateAccount, login);
    EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(std::string(wrong.status().message()), ::testing::StartsWith("INVALID_CREDENTIALS"));
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::AuthenticateAccountResponse ignored;
  grpc::Status locked = gateway->AuthenticateAccount(&context, login, &ignored);
  EXPECT_EQ(locked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(locked.error_message(), ::testing::StartsWith("ACCOUNT_LOCKED"));
  auto wait = context.GetServerTrailingMetadata().find(rpc::kRetryAfterMetadata);
  ASSERT_NE(wait, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(wait->second.data(), wait->second.size()), "900") << "15 minutes";

  v1::ResendActivationCodeRequest resend;
  resend.set_registration_number(number);
  EXPECT_TRUE(rpc::Call(*gateway, &Stub::ResendActivationCode, resend).ok());
  grpc::ClientContext again;
  v1::ResendActivationCodeResponse empty;
  EXPECT_EQ(gateway->ResendActivationCode(&again, resend, &empty).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(again.GetServerTrailingMetadata().count(rpc::kRetryAfterMetadata), 1u);
}

TEST_P(RegistrationServiceTest, PortalAccountsAnswerOnlyTheIdentitiesThatMayAsk) {
  const std::string number = identity::FormatRegistrationNumber(99999993);
  v1::ActivateAccountRequest activate;
  activate.set_registration_number(number);
  activate.set_code("ABCD-EFGH");
  activate.set_password("sel et poivre 2022");
  v1::AuthenticateAccountRequest login;
  login.set_registration_number(number);
  login.set_password("sel et poivre 2022");
  v1::ResendActivationCodeRequest resend;
  resend.set_registration_number(number);
  auto expect_denied = [](const absl::Status& status, const std::string& who) {
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << who << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(who));
  };
  for (const std::string who : {"notification", "beneficiary"}) {
    expect_denied(rpc::Call(*As(who), &Stub::ActivateAccount, activate).status(), who);
    expect_denied(rpc::Call(*As(who), &Stub::AuthenticateAccount, login).status(), who);
    expect_denied(rpc::Call(*As(who), &Stub::ResendActivationCode, resend).status(), who);
  }
  expect_denied(rpc::Call(*As("cli"), &Stub::AuthenticateAccount, login).status(), "cli");
  // Those allowed reach the domain: no code was issued; nobody has the number.
  EXPECT_EQ(rpc::Call(*As("cli"), &Stub::ActivateAccount, activate).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rpc::Call(*As("gateway"), &Stub::AuthenticateAccount, login).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(rpc::Call(*As("cli"), &Stub::ResendActivationCode, resend).ok());
}

// The payment mode through the edge: chosen on the portal (through the gateway) and by an agent's
// command line, shown masked, published without the account, refused with the domain's reason
// and field; whole accounts only to the services that pay.
TEST_P(RegistrationServiceTest, APaymentModeIsChosenShownMaskedAndReadWholeByThePayers) {
  auto person =
      registrar_->Register({"BK300", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
  ASSERT_TRUE(person.ok());
  const std::string number = person->registration_number;
  v1::ChoosePaymentModeRequest choose;
  choose.set_registration_number(number);
  choose.set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  choose.set_rib("007 780 0001234567890123 96");
  choose.set_chosen_by("PORTAL");
  auto chosen = rpc::Call(*As("gateway"), &Stub::ChoosePaymentMode, choose);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->registration_number(), number);
  EXPECT_EQ(chosen->method(), v1::PAYMENT_METHOD_BANK_TRANSFER);
  EXPECT_EQ(chosen->account_masked(), "**** 2396");
  EXPECT_EQ(chosen->chosen_by(), "PORTAL");
  EXPECT_EQ(chosen->chosen_at().seconds(), absl::ToUnixSeconds(clock_.Now()));

  v1::GetPaymentModeRequest get;
  get.set_registration_number(number);
  auto shown = rpc::Call(*As("cli"), &Stub::GetPaymentMode, get);
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_EQ(shown->account_masked(), "**** 2396");
  EXPECT_EQ(shown->method(), v1::PAYMENT_METHOD_BANK_TRANSFER);

  // The event in the outbox holds no account.
  bool published = false;
  for (const events::Envelope& e : OutboxEvents()) {
    if (!events::Unpack<v1::PaymentModeChosen>(e).ok()) continue;
    published = true;
    EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr("0001234567890123")));
  }
  EXPECT_TRUE(published);

  choose.clear_rib();
  choose.set_method(v1::PAYMENT_METHOD_MOBILE_WALLET);
  choose.set_wallet_phone("0712345678");
  choose.set_chosen_by("AGENT:cli");
  auto wallet = rpc::Call(*As("cli"), &Stub::ChoosePaymentMode, choose);
  ASSERT_TRUE(wallet.ok()) << wallet.status();
  EXPECT_EQ(wallet->method(), v1::PAYMENT_METHOD_MOBILE_WALLET);
  EXPECT_EQ(wallet->account_masked(), "**** 5678");
  EXPECT_EQ(wallet->chosen_by(), "AGENT:cli");

  v1::GetPaymentAccountsRequest accounts;
  accounts.add_registration_numbers(number);
  accounts.add_registration_numbers(identity::FormatRegistrationNumber(99999993));
  for (const std::string payer : {"beneficiary", "claims"}) {
    auto read = rpc::Call(*As(payer), &Stub::GetPaymentAccounts, accounts);
    ASSERT_TRUE(read.ok()) << payer << ": " << read.status();
    ASSERT_EQ(read->accounts_size(), 2);
    EXPECT_EQ(read->accounts(0).registration_number(), number);
    EXPECT_EQ(read->accounts(0).method(), v1::PAYMENT_METHOD_MOBILE_WALLET);
    EXPECT_EQ(read->accounts(0).account(), "+212712345678");
    EXPECT_EQ(read->accounts(1).method(), v1::PAYMENT_METHOD_UNSPECIFIED);
    EXPECT_EQ(read->accounts(1).account(), "");
  }
}

TEST_P(RegistrationServiceTest, PaymentModesKeepTheDomainsCodesAndAnswerOnlyThoseThatMayAsk) {
  auto person =
      registrar_->Register({"BK300", "Tazi", "Hamza", "1990-09-09", "M", "0612345678", "amo-tns", "TAXI", "", "ar"});
  ASSERT_TRUE(person.ok());
  v1::ChoosePaymentModeRequest choose;
  choose.set_registration_number(person->registration_number);
  choose.set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  choose.set_rib("007780000123456789012395");
  choose.set_chosen_by("PORTAL");
  auto wrong_key = rpc::Call(*As("gateway"), &Stub::ChoosePaymentMode, choose);
  EXPECT_EQ(wrong_key.status().code(), absl::StatusCode::kInvalidArgument) << wrong_key.status();
  EXPECT_THAT(std::string(wrong_key.status().message()), StartsWith("RIB_KEY: rib: "));
  choose.set_method(static_cast<v1::PaymentMethod>(7));  // a value this server does not know
  auto method = rpc::Call(*As("gateway"), &Stub::ChoosePaymentMode, choose);
  EXPECT_THAT(std::string(method.status().message()), StartsWith("METHOD: method: "));

  v1::GetPaymentModeRequest get;
  get.set_registration_number(person->registration_number);
  EXPECT_EQ(rpc::Call(*As("gateway"), &Stub::GetPaymentMode, get).status().code(), absl::StatusCode::kNotFound);

  v1::GetPaymentAccountsRequest accounts;
  for (size_t i = 0; i <= kMaxPaymentAccounts; ++i) accounts.add_registration_numbers(person->registration_number);
  EXPECT_EQ(rpc::Call(*As("beneficiary"), &Stub::GetPaymentAccounts, accounts).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto expect_denied = [](const absl::Status& status, const std::string& who) {
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << who << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(who));
  };
  for (const std::string who : {"notification", "beneficiary", "claims"}) {
    expect_denied(rpc::Call(*As(who), &Stub::ChoosePaymentMode, choose).status(), who);
    expect_denied(rpc::Call(*As(who), &Stub::GetPaymentMode, get).status(), who);
  }
  accounts.clear_registration_numbers();
  accounts.add_registration_numbers(person->registration_number);
  for (const std::string who : {"notification", "gateway", "cli"}) {
    expect_denied(rpc::Call(*As(who), &Stub::GetPaymentAccounts, accounts).status(), who);
  }
}

INSTANTIATE_BACKENDS(RegistrationServiceTest);

}  // namespace
}  // namespace himaya::registration
