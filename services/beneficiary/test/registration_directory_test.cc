// The registration directory against a fake registration service over real gRPC: household
// members asked 1,000 at a time and answered in order, CINs looked up, and every way
// registration may fail to answer (down, not serving the method yet, answering for others).
#include "beneficiary/src/registration_directory.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/server.h"

namespace himaya::beneficiary {
namespace {

namespace reg = himaya::registration::v1;

class FakeRegistration final : public reg::RegistrationService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetHouseholdMembers(grpc::CallbackServerContext* context,
                                                const reg::GetHouseholdMembersRequest* request,
                                                reg::GetHouseholdMembersResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      calls.push_back(request->member_ids_size());
    }
    for (const std::string& id : request->member_ids()) {
      reg::HouseholdMember* m = response->add_members();
      m->set_member_id(answer_for_others ? id + "x" : id);
      if (id == "unknown") continue;
      m->set_found(true);
      m->set_head_registration_number("100000017");
      m->set_relationship("CHILD");
      m->set_cin(id == "with-cin" ? "BK1" : "");
      m->set_last_name("Alaoui");
      m->set_first_name("Sara");
      m->set_birth_date("2015-06-01");
      m->set_sex(id == "boy" ? reg::SEX_MALE : reg::SEX_FEMALE);
      m->set_program("amo-tadamon");
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context, const reg::GetPersonRequest* request,
                                      reg::Person* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->registration_number() == "100000017") {
      response->set_registration_number("100000017");
      response->set_first_name("Amina");
      response->set_last_name("Alaoui");
      reactor->Finish(grpc::Status::OK);
    } else if (request->cin() == "BK1") {
      response->set_registration_number("100000017");
      reactor->Finish(grpc::Status::OK);
    } else if (request->cin() == "BROKEN") {
      reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "broken"));
    } else {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no person"));
    }
    return reactor;
  }
  std::mutex mu;
  std::vector<int> calls;
  bool answer_for_others = false;
};

// A registration that does not serve GetHouseholdMembers yet.
class OlderRegistration final : public reg::RegistrationService::CallbackService {};

class RegistrationDirectoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<RegistrationDirectory> Serve(grpc::Service* service) {
    auto server = rpc::Server::Start({.services = {service}});
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    server_ = std::move(*server);
    return NewRegistrationDirectory(absl::StrCat("127.0.0.1:", server_->port()), absl::Seconds(5));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  FakeRegistration registration_;
  std::unique_ptr<rpc::Server> server_;
};

TEST_F(RegistrationDirectoryTest, AsksAThousandAtATimeAndAnswersEachIdInOrder) {
  auto directory = Serve(&registration_);
  std::vector<std::string> ids;
  for (int i = 0; i < 2500; ++i) ids.push_back(absl::StrCat("m", i));
  ids[1] = "unknown";
  ids[2] = "boy";
  ids[3] = "with-cin";
  auto members = directory->HouseholdMembers(ids);
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->size(), ids.size());
  EXPECT_EQ(registration_.calls, (std::vector<int>{1000, 1000, 500}));
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ((*members)[i].member_id, ids[i]);
  const MemberDetails& first = (*members)[0];
  EXPECT_TRUE(first.found);
  EXPECT_EQ(first.head_registration_number, "100000017");
  EXPECT_EQ(first.relationship, "CHILD");
  EXPECT_EQ(first.cin, "");
  EXPECT_EQ(first.last_name, "Alaoui");
  EXPECT_EQ(first.first_name, "Sara");
  EXPECT_EQ(first.birth_date, "2015-06-01");
  EXPECT_EQ(first.sex, "F");
  EXPECT_EQ(first.program, "amo-tadamon");
  EXPECT_FALSE((*members)[1].found);
  EXPECT_EQ((*members)[1].first_name, "");
  EXPECT_EQ((*members)[2].sex, "M");
  EXPECT_EQ((*members)[3].cin, "BK1");
  EXPECT_TRUE(directory->HouseholdMembers({})->empty());
}

TEST_F(RegistrationDirectoryTest, WhenRegistrationCannotAnswerRightTheCallerTriesLater) {
  auto directory = Serve(&registration_);
  registration_.answer_for_others = true;
  EXPECT_EQ(directory->HouseholdMembers({"a"}).status().code(), absl::StatusCode::kUnavailable);
  server_->Shutdown(absl::ZeroDuration());
  EXPECT_EQ(directory->HouseholdMembers({"a"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(directory->IsRegistered("BK1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RegistrationDirectoryTest, ARegistrationNotServingHouseholdMembersYetIsAnError) {
  OlderRegistration older;
  auto directory = Serve(&older);
  EXPECT_EQ(directory->HouseholdMembers({"a"}).status().code(), absl::StatusCode::kUnimplemented);
}

TEST_F(RegistrationDirectoryTest, ACinIsRegisteredOrNotOrCannotBeToldNow) {
  auto directory = Serve(&registration_);
  EXPECT_TRUE(*directory->IsRegistered("BK1"));
  EXPECT_FALSE(*directory->IsRegistered("BK2"));
  absl::Status broken = directory->IsRegistered("BROKEN").status();
  EXPECT_EQ(broken.code(), absl::StatusCode::kUnavailable) << "never declare without the check";
}

TEST_F(RegistrationDirectoryTest, AnInsuredsNamesOrWhyNot) {
  auto directory = Serve(&registration_);
  absl::StatusOr<InsuredNames> names = directory->Names("100000017");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(names->first_name, "Amina");
  EXPECT_EQ(names->last_name, "Alaoui");
  EXPECT_EQ(directory->Names("100000025").status().code(), absl::StatusCode::kNotFound);
  server_->Shutdown(absl::ZeroDuration());
  EXPECT_EQ(directory->Names("100000017").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace himaya::beneficiary
