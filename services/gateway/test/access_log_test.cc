// The access audit log on both backends: a record is committed with who, what, on whom, why, when
// and the request; only agents' and API clients' reads with a reason are recorded (a client's
// under "client:<id>"); records come back newest first
// a page at a time (ties kept apart), filtered by agent, subject and time, and a bad page size or
// token is refused.
#include "gateway/src/access_log.h"

#include "gateway_database.h"
#include "gmock/gmock.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

constexpr char kAction[] = "GET /v1/persons/{registration_number}";

Caller Agent(const std::string& id) {
  Caller c;
  c.kind = CallerKind::kAgent;
  c.subject = id;
  c.roles = {"support"};
  c.client = "ip:10.0.0.9";
  return c;
}

class AccessLogTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    log_ = std::make_unique<AccessLog>(*db_, clock_, random_);
  }
  std::vector<std::string> Requests(const AccessPage& page) {
    std::vector<std::string> ids;
    for (const AccessRecord& r : page.records) ids.push_back(r.request_id);
    return ids;
  }
  std::unique_ptr<AccessLog> log_;
};

TEST_P(AccessLogTest, ARecordHoldsWhoWhatOnWhomWhyWhenAndTheRequest) {
  ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", "phone call about a refund", "req-1").ok());
  auto page = log_->List({}, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const AccessRecord& r = page->records[0];
  EXPECT_EQ(r.agent_id, "agent.amal");
  EXPECT_EQ(r.action, kAction);
  EXPECT_EQ(r.subject, "100000017");
  EXPECT_EQ(r.reason, "phone call about a refund");
  EXPECT_EQ(r.request_id, "req-1");
  EXPECT_EQ(r.at, clock_.Now());
  EXPECT_EQ(r.record_id.size(), 36u);
  EXPECT_EQ(page->next_page_token, "");
}

TEST_P(AccessLogTest, OnlyAnAgentsReadWithAReasonIsRecorded) {
  Caller insured;
  insured.kind = CallerKind::kInsured;
  insured.subject = "100000017";
  EXPECT_TRUE(absl::IsInvalidArgument(log_->Record(insured, kAction, "100000017", "mine", "r")));
  EXPECT_TRUE(absl::IsInvalidArgument(log_->Record(Caller{}, kAction, "100000017", "why", "r")));
  absl::Status no_reason = log_->Record(Agent("agent.amal"), kAction, "100000017", "", "r");
  EXPECT_TRUE(absl::IsInvalidArgument(no_reason));
  EXPECT_THAT(std::string(no_reason.message()), HasSubstr("x-himaya-reason"));
  EXPECT_TRUE(absl::IsInvalidArgument(
      log_->Record(Agent("agent.amal"), kAction, "100000017", std::string(kMaxReasonLength + 1, 'r'), "r")));
  EXPECT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", std::string(kMaxReasonLength, 'r'), "r").ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM access_records"), 1);
}

TEST_P(AccessLogTest, AnApiClientsReadIsRecordedUnderItsClient) {
  Caller clinic{CallerKind::kApiClient, "clinic-atlas", {"fhir"}, "", "key:k1"};
  ASSERT_TRUE(log_->Record(clinic, "GET /fhir/r4/Coverage", "100000017-01", "FHIR read", "r1").ok());
  auto page = log_->List(AccessFilter{}, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].agent_id, "client:clinic-atlas");
  EXPECT_EQ(page->records[0].subject, "100000017-01");
}

TEST_P(AccessLogTest, RecordsComeNewestFirstAPageAtATimeTiesIncluded) {
  // Five records, the middle three at the same instant.
  ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", "why", "r1").ok());
  clock_.Advance(absl::Seconds(1));
  for (const char* id : {"r2", "r3", "r4"}) {
    ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", "why", id).ok());
  }
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", "why", "r5").ok());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = log_->List({}, 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& id : Requests(*page)) seen.push_back(id);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen.front(), "r5");
  EXPECT_EQ(seen.back(), "r1");
  std::vector<std::string> middle(seen.begin() + 1, seen.end() - 1);
  std::sort(middle.begin(), middle.end());
  EXPECT_EQ(middle, (std::vector<std::string>{"r2", "r3", "r4"})) << "each tie once";
}

TEST_P(AccessLogTest, FiltersByAgentSubjectAndTime) {
  ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000017", "why", "a1").ok());
  clock_.Advance(absl::Minutes(1));
  const absl::Time since = clock_.Now();
  ASSERT_TRUE(log_->Record(Agent("agent.badr"), kAction, "100000017", "why", "b1").ok());
  ASSERT_TRUE(log_->Record(Agent("agent.amal"), kAction, "100000025", "why", "a2").ok());
  auto requests = [&](AccessFilter filter) {
    auto page = log_->List(filter, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids = page.ok() ? Requests(*page) : std::vector<std::string>{};
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(requests({"agent.amal", "", std::nullopt}), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(requests({"", "100000017", std::nullopt}), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(requests({"", "", since}), (std::vector<std::string>{"a2", "b1"}));
  EXPECT_EQ(requests({"agent.amal", "100000017", since}), std::vector<std::string>{});
}

TEST_P(AccessLogTest, ABadPageSizeOrTokenIsRefused) {
  EXPECT_THAT(std::string(log_->List({}, -1, "").status().message()), HasSubstr("page_size"));
  EXPECT_THAT(std::string(log_->List({}, kMaxAccessPage + 1, "").status().message()), HasSubstr("page_size"));
  EXPECT_TRUE(log_->List({}, kMaxAccessPage, "").ok());
  for (const char* token : {"x", "12~short", "abc~0f0e0d0c-0b0a-4908-8706-050403020100", "~"}) {
    auto page = log_->List({}, 0, token);
    EXPECT_TRUE(absl::IsInvalidArgument(page.status())) << token;
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("page_token")) << token;
  }
}

INSTANTIATE_BACKENDS(AccessLogTest);

}  // namespace
}  // namespace himaya::gateway
