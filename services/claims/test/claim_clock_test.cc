// The nine-day clock with an injected clock, on both backends: the overdue list (files not
// settled past their due date, oldest first, a page at a time), the open and past-due gauges by
// program and age, and the processing-time histogram.
#include "claims/src/claim_clock.h"

#include "claims/test/received_claims.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "prometheus/text_serializer.h"

namespace himaya::claims {
namespace {

class ClaimClockTest : public ReceivedClaimsTest {
 protected:
  void SetUp() override {
    ReceivedClaimsTest::SetUp();
    if (HasFatalFailure()) return;
    claim_clock_ = std::make_unique<ClaimClock>(*db_, registry_, clock_);
  }
  // Receives `claim_id` of `program` (as the decider leaves it), then moves the clock on by `then`.
  void ReceiveOf(const std::string& claim_id, const std::string& program, absl::Duration then = absl::ZeroDuration()) {
    Receive({.claim_id = claim_id});
    Exec("UPDATE claims SET program = $2 WHERE claim_id = $1", {claim_id, program});
    clock_.Advance(then);
  }
  void Settle(const std::string& claim_id) {
    Exec("UPDATE claims SET state = 'DECIDED', outcome = 'REJECTED', settled_at_us = $2 WHERE claim_id = $1",
         {claim_id, absl::ToUnixMicros(clock_.Now())});
  }
  std::vector<std::string> Overdue(int page_size, std::string* token) {
    absl::StatusOr<ClaimPage> page = claim_clock_->Overdue(page_size, *token);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const Claim& c : page->claims) ids.push_back(c.claim_id);
    *token = page->next_page_token;
    return ids;
  }
  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }
  bool Shows(const std::string& line) { return Metrics().find(line + "\n") != std::string::npos; }

  prometheus::Registry registry_;
  std::unique_ptr<ClaimClock> claim_clock_;
};

TEST_P(ClaimClockTest, OverdueFilesAreThoseNotSettledPastTheirDueDateOldestFirst) {
  // Received on 2026-03-02: due 2026-03-11.
  ReceiveOf("O1", "amo-tadamon");
  ReceiveOf("O2", "amo-tns");
  ReceiveOf("O3", "amo-tadamon", absl::Hours(24) * 5);
  ReceiveOf("O4", "amo-tadamon");  // received 2026-03-07: due 2026-03-16
  Settle("O2");
  std::string token;
  EXPECT_TRUE(Overdue(0, &token).empty()) << "2026-03-07: none due yet";
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 11, 23, 59, 59), absl::UTCTimeZone()));
  EXPECT_TRUE(Overdue(0, &token).empty()) << "due today is not past due";
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 12, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(Overdue(1, &token), (std::vector<std::string>{"O1"}));
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Overdue(1, &token), (std::vector<std::string>{"O3"}));
  EXPECT_TRUE(token.empty()) << "O2 settled, O4 not due";
  EXPECT_EQ(claim_clock_->Overdue(-1, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(claim_clock_->Overdue(0, "x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ClaimClockTest, DaysAreTheServicesTimeZones) {
  ReceiveOf("O1", "amo-tadamon");  // 2026-03-02 10:00 UTC: due 2026-03-11
  // 2026-03-11 16:00 UTC is already 2026-03-12 in Tokyo (UTC+9; Casablanca is UTC+0 during
  // Ramadan, which 2026-03-11 falls in).
  absl::TimeZone tokyo;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Tokyo", &tokyo));
  ClaimClock in_tokyo(*db_, registry_, clock_, tokyo);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 11, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(in_tokyo.Overdue(0, "")->claims.size(), 1u);
  EXPECT_EQ(claim_clock_->Overdue(0, "")->claims.size(), 0u);
}

TEST_P(ClaimClockTest, GaugesCountOpenFilesByProgramAndAgeAndThosePastDue) {
  ReceiveOf("O1", "amo-tadamon");
  ReceiveOf("O2", "amo-tadamon", absl::Hours(24) * 4);
  ReceiveOf("O3", "amo-tns", absl::Hours(24) * 6);
  ReceiveOf("O4", "amo-tadamon");
  Settle("O4");
  // Now 2026-03-12 10:00:04: O1 and O2 are 10 days old and past due, O3 6 days old.
  ASSERT_TRUE(claim_clock_->Refresh().ok());
  EXPECT_TRUE(Shows("himaya_claims_open{age=\"9-14\",program=\"amo-tadamon\"} 2")) << Metrics();
  EXPECT_TRUE(Shows("himaya_claims_open{age=\"6-8\",program=\"amo-tns\"} 1")) << Metrics();
  EXPECT_TRUE(Shows("himaya_claims_past_due{program=\"amo-tadamon\"} 2")) << Metrics();
  EXPECT_EQ(Metrics().find("himaya_claims_past_due{program=\"amo-tns\"}"), std::string::npos) << Metrics();
  Settle("O1");
  Settle("O2");
  ASSERT_TRUE(claim_clock_->Refresh().ok());
  EXPECT_TRUE(Shows("himaya_claims_open{age=\"9-14\",program=\"amo-tadamon\"} 0")) << "gone: 0";
  EXPECT_TRUE(Shows("himaya_claims_past_due{program=\"amo-tadamon\"} 0")) << Metrics();
}

TEST_P(ClaimClockTest, GaugesCountFilesByStateAndTheDaysTheSettledOnesTook) {
  ReceiveOf("S1", "amo-tns", absl::Hours(36));
  Settle("S1");  // 1.5 days
  Exec("UPDATE claims SET category = 'AGRI', region = 'Oriental' WHERE claim_id = 'S1'", {});
  ReceiveOf("S2", "amo-tns", absl::Hours(24) * 3);
  Settle("S2");  // 3 days
  ReceiveOf("S3", "amo-tns");
  ReceiveOf("S4", "amo-tadamon");
  Exec("UPDATE claims SET state = 'IN_REVIEW' WHERE claim_id = 'S4'", {});
  ASSERT_TRUE(claim_clock_->Refresh().ok());
  const std::string files = "himaya_claims_files";
  EXPECT_EQ(metrics::RegistrySum(registry_, files, {{"program", "amo-tns"}, {"state", "DECIDED"}}), 2) << Metrics();
  EXPECT_EQ(metrics::RegistrySum(registry_, files, {{"program", "amo-tns"}, {"state", "RECEIVED"}}), 1);
  EXPECT_EQ(metrics::RegistrySum(registry_, files, {{"program", "amo-tadamon"}, {"state", "IN_REVIEW"}}), 1);
  EXPECT_EQ(metrics::RegistrySum(registry_, files, {{"region", "Oriental"}, {"category", "AGRI"}}), 1)
      << "by the insured's category and region";
  EXPECT_EQ(metrics::RegistrySum(registry_, "himaya_claims_settled_files", {{"program", "amo-tns"}}), 2);
  EXPECT_EQ(metrics::RegistrySum(registry_, "himaya_claims_settled_files", {{"region", "Oriental"}}), 1);
  // 1.5 + 3 days (and the seconds receipt takes in the fixture).
  EXPECT_NEAR(metrics::RegistrySum(registry_, "himaya_claims_settled_file_days", {{"program", "amo-tns"}}), 4.5, 0.01);
  EXPECT_EQ(Metrics().find("himaya_claims_settled_files{program=\"amo-tadamon\"}"), std::string::npos) << Metrics();
  // After a restart (a new registry, a new clock object) the figures are the same at once.
  prometheus::Registry other;
  ClaimClock again(*db_, other, clock_);
  ASSERT_TRUE(again.Refresh().ok());
  EXPECT_NEAR(metrics::RegistrySum(other, "himaya_claims_settled_file_days", {{"program", "amo-tns"}}), 4.5, 0.01);
  EXPECT_EQ(metrics::RegistrySum(other, "himaya_claims_files", {{"program", "amo-tns"}}), 3);
}

TEST_P(ClaimClockTest, EachProgramServedShowsFromTheStartAtZero) {
  ClaimClock served(*db_, registry_, clock_, absl::UTCTimeZone(), {"amo-tns", "amo-tadamon"});
  ASSERT_TRUE(served.Refresh().ok());
  EXPECT_TRUE(Shows("himaya_claims_past_due{program=\"amo-tadamon\"} 0")) << Metrics();
  EXPECT_TRUE(Shows("himaya_claims_settled_files{category=\"\",program=\"amo-tns\",region=\"\"} 0")) << Metrics();
  ProcessingTime processing_time(registry_);
  processing_time.Expect({"amo-tns"});
  EXPECT_TRUE(Shows("himaya_claims_processing_days_count{program=\"amo-tns\"} 0")) << Metrics();
}

TEST(AgeBucketTest, EachBucketAtItsBounds) {
  EXPECT_EQ(AgeBucket(0), "0-2");
  EXPECT_EQ(AgeBucket(2), "0-2");
  EXPECT_EQ(AgeBucket(3), "3-5");
  EXPECT_EQ(AgeBucket(5), "3-5");
  EXPECT_EQ(AgeBucket(6), "6-8");
  EXPECT_EQ(AgeBucket(8), "6-8");
  EXPECT_EQ(AgeBucket(9), "9-14");
  EXPECT_EQ(AgeBucket(14), "9-14");
  EXPECT_EQ(AgeBucket(15), "15-30");
  EXPECT_EQ(AgeBucket(30), "15-30");
  EXPECT_EQ(AgeBucket(31), "31+");
}

TEST(ProcessingTimeTest, ObservesDaysFromReceiptToSettlementByProgram) {
  prometheus::Registry registry;
  ProcessingTime processing_time(registry);
  const absl::Time received = absl::FromUnixSeconds(1772445600);
  processing_time.Observe("amo-tadamon", received, received + absl::Hours(36));
  processing_time.Observe("amo-tadamon", received, received + absl::Hours(24) * 12);
  const std::string metrics = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(metrics.find("himaya_claims_processing_days_count{program=\"amo-tadamon\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("himaya_claims_processing_days_sum{program=\"amo-tadamon\"} 13.5"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("himaya_claims_processing_days_bucket{program=\"amo-tadamon\",le=\"2\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("himaya_claims_processing_days_bucket{program=\"amo-tadamon\",le=\"9\"} 1"), std::string::npos)
      << metrics;
}

INSTANTIATE_BACKENDS(ClaimClockTest);

}  // namespace
}  // namespace himaya::claims
