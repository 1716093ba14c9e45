// The registration directory against a fake registration service over real gRPC: queries asked
// 1,000 at a time and answered in order, and registration's answers (unknown, already active,
// unreachable, answering for others) turned into each recipient's status.
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "notification/src/person_directory.h"
#include "rpc/server.h"

namespace himaya::notification {
namespace {

namespace reg = himaya::registration::v1;

class FakeRegistration final : public reg::RegistrationService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetRecipients(grpc::CallbackServerContext* context,
                                          const reg::GetRecipientsRequest* request,
                                          reg::GetRecipientsResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      calls.push_back(request->queries_size());
    }
    for (const reg::RecipientQuery& q : request->queries()) {
      reg::Recipient* r = response->add_recipients();
      r->set_registration_number(q.registration_number());
      if (q.registration_number() == "unknown") continue;
      r->set_found(true);
      r->set_phone("+212612345678");
      r->set_preferred_language("ar");
      if (!q.activation_code()) continue;
      if (active.count(q.registration_number())) {
        r->set_account_active(true);
      } else {
        r->set_activation_code("CODE-" + q.registration_number());
      }
    }
    if (answer_one_less) response->mutable_recipients()->RemoveLast();
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::mutex mu;
  std::vector<int> calls;
  std::set<std::string> active;
  bool answer_one_less = false;
};

class RegistrationDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = rpc::Server::Start({.services = {&registration_}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    directory_ = NewRegistrationDirectory(absl::StrCat("127.0.0.1:", server_->port()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  FakeRegistration registration_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<PersonDirectory> directory_;
};

TEST_F(RegistrationDirectoryTest, AsksAThousandAtATimeAndAnswersEachQueryInOrder) {
  std::vector<RecipientQuery> queries;
  for (int i = 0; i < 2500; ++i) queries.push_back({absl::StrCat("n", i), i % 2 == 0});
  std::vector<PreparedRecipient> prepared = directory_->Prepare(queries);
  ASSERT_EQ(prepared.size(), queries.size());
  EXPECT_EQ(registration_.calls, (std::vector<int>{1000, 1000, 500}));
  for (size_t i : {size_t{0}, size_t{1}, size_t{1999}, size_t{2000}, size_t{2499}}) {
    EXPECT_TRUE(prepared[i].status.ok()) << i;
    EXPECT_EQ(prepared[i].recipient.phone, "+212612345678");
    EXPECT_EQ(prepared[i].recipient.preferred_language, "ar");
    EXPECT_EQ(prepared[i].activation_code, i % 2 == 0 ? absl::StrCat("CODE-n", i) : "") << i;
  }
  EXPECT_TRUE(directory_->Prepare({}).empty());
}

TEST_F(RegistrationDirectoryTest, UnknownNumbersAndActiveAccountsHaveTheirOwnStatus) {
  registration_.active = {"active"};
  std::vector<PreparedRecipient> prepared =
      directory_->Prepare({{"unknown", true}, {"active", true}, {"active", false}, {"new", true}});
  ASSERT_EQ(prepared.size(), 4u);
  EXPECT_EQ(prepared[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(prepared[1].status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(prepared[2].status.ok()) << "no code asked: an active account is fine";
  EXPECT_TRUE(prepared[3].status.ok());
  EXPECT_EQ(prepared[3].activation_code, "CODE-new");
}

TEST_F(RegistrationDirectoryTest, WhenRegistrationCannotAnswerRightEveryQueryCarriesTheError) {
  registration_.answer_one_less = true;
  for (const PreparedRecipient& p : directory_->Prepare({{"a", false}, {"b", false}})) {
    EXPECT_EQ(p.status.code(), absl::StatusCode::kInternal) << "answered for other recipients";
  }
  server_->Shutdown(absl::ZeroDuration());
  std::vector<PreparedRecipient> prepared = directory_->Prepare({{"a", false}, {"b", true}});
  ASSERT_EQ(prepared.size(), 2u);
  for (const PreparedRecipient& p : prepared) {
    EXPECT_EQ(p.status.code(), absl::StatusCode::kUnavailable) << p.status;
  }
}

}  // namespace
}  // namespace himaya::notification
