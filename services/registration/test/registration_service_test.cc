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
using Stub = v1::RegistrationService::Stub;

class RegistrationServiceTest : public IntakeTest {
 protected:
  void SetUp() override {
    IntakeTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(stack::EnsureCertificates(tls_.path(), {"registration", "beneficiary", "notification"}).ok());
    households_ = std::make_unique<Households>(*db_);
    service_ = std::make_unique<RegistrationService>(
        RegistrationDomain{registrar_.get(), Context(AllPrograms()), nullptr, nullptr, nullptr, households_.get()},
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

INSTANTIATE_BACKENDS(RegistrationServiceTest);

}  // namespace
}  // namespace himaya::registration
