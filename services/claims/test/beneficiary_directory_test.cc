// The beneficiary directory against a fake beneficiary service over real gRPC: questions asked
// 1,000 at a time and answered in order, every way the service may fail to answer (down,
// answering other questions), each UNAVAILABLE so that the files wait, and questions refused as
// malformed, INVALID_ARGUMENT so that the decider does not wait for them.
#include "claims/src/beneficiary_directory.h"

#include <mutex>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "rpc/server.h"

namespace himaya::claims {
namespace {

namespace ben = himaya::beneficiary::v1;

class FakeBeneficiary final : public ben::BeneficiaryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* CheckEligibilityBatch(grpc::CallbackServerContext* context,
                                                  const ben::CheckEligibilityBatchRequest* request,
                                                  ben::CheckEligibilityBatchResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      calls.push_back(request->questions_size());
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (refuse) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "questions[0].beneficiary_id: 100000017"));
      return reactor;
    }
    for (const ben::EligibilityQuestion& q : request->questions()) {
      ben::EligibilityAnswer* a = response->add_answers();
      a->set_beneficiary_id(answer_for_others ? q.beneficiary_id() + "x" : q.beneficiary_id());
      a->set_date(q.date());
      if (q.beneficiary_id() == "unknown") {
        a->set_reason("NOT_REGISTERED");
        continue;
      }
      a->set_registration_number("100000017");
      a->set_program("amo-tadamon");
      if (q.date() < "2026-01-01") {
        a->set_reason("NOT_YET_COVERED");
      } else {
        a->set_covered(true);
      }
    }
    if (answer_fewer) response->mutable_answers()->RemoveLast();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::mutex mu;
  std::vector<int> calls;
  bool answer_for_others = false;
  bool answer_fewer = false;
  bool refuse = false;
};

class BeneficiaryDirectoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<BeneficiaryDirectory> Serve(absl::Duration deadline = absl::Seconds(5)) {
    auto server = rpc::Server::Start({.services = {&beneficiary_}});
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    server_ = std::move(*server);
    return NewBeneficiaryDirectory(absl::StrCat("127.0.0.1:", server_->port()), deadline);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  FakeBeneficiary beneficiary_;
  std::unique_ptr<rpc::Server> server_;
};

TEST_F(BeneficiaryDirectoryTest, AsksAThousandAtATimeAndAnswersEachQuestionInOrder) {
  auto directory = Serve();
  std::vector<CoverageQuestion> questions;
  for (int i = 0; i < 2500; ++i) questions.push_back({absl::StrCat("1000000", i), absl::CivilDay(2026, 3, 1)});
  questions[1] = {"unknown", absl::CivilDay(2026, 3, 1)};
  questions[2] = {"100000017-01", absl::CivilDay(2025, 12, 31)};
  auto answers = directory->CoverageOn(questions);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->size(), questions.size());
  EXPECT_EQ(beneficiary_.calls, (std::vector<int>{1000, 1000, 500}));
  EXPECT_TRUE((*answers)[0].covered);
  EXPECT_EQ((*answers)[0].covered_through, "100000017");
  EXPECT_EQ((*answers)[0].program, "amo-tadamon");
  EXPECT_EQ((*answers)[0].reason, "");
  EXPECT_FALSE((*answers)[1].covered);
  EXPECT_EQ((*answers)[1].reason, "NOT_REGISTERED");
  EXPECT_EQ((*answers)[1].program, "");
  EXPECT_FALSE((*answers)[2].covered);
  EXPECT_EQ((*answers)[2].reason, "NOT_YET_COVERED");
  EXPECT_TRUE((*answers)[2499].covered);
}

TEST_F(BeneficiaryDirectoryTest, NoQuestionNoCall) {
  auto directory = Serve();
  auto answers = directory->CoverageOn({});
  ASSERT_TRUE(answers.ok());
  EXPECT_TRUE(answers->empty());
  EXPECT_TRUE(beneficiary_.calls.empty());
}

TEST_F(BeneficiaryDirectoryTest, AnAnswerForOtherQuestionsIsUnavailable) {
  auto directory = Serve();
  beneficiary_.answer_for_others = true;
  EXPECT_EQ(directory->CoverageOn({{"100000017", absl::CivilDay(2026, 3, 1)}}).status().code(),
            absl::StatusCode::kUnavailable);
  beneficiary_.answer_for_others = false;
  beneficiary_.answer_fewer = true;
  EXPECT_EQ(directory->CoverageOn({{"100000017", absl::CivilDay(2026, 3, 1)}}).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(BeneficiaryDirectoryTest, ARefusalIsInvalidArgumentAndEchoesNoIdentifier) {
  auto directory = Serve();
  beneficiary_.refuse = true;
  absl::Status refused = directory->CoverageOn({{"100000017", absl::CivilDay(2026, 3, 1)}}).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << "asking again would not help";
  EXPECT_EQ(refused.message().find("100000017"), absl::string_view::npos) << refused;
  EXPECT_NE(refused.message().find("INVALID_ARGUMENT"), absl::string_view::npos) << refused;
}

TEST_F(BeneficiaryDirectoryTest, AServiceDownIsUnavailable) {
  auto directory = Serve(absl::Milliseconds(500));
  server_->Shutdown(absl::ZeroDuration());
  EXPECT_EQ(directory->CoverageOn({{"100000017", absl::CivilDay(2026, 3, 1)}}).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace himaya::claims
