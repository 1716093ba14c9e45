// Figures computed by a pass: a gauge family replaced whole by each pass (a group gone is 0, not
// stale), the pass's duration and end time recorded only when it succeeds, a failed pass leaving
// the figures as they were, and the idle that keeps slow passes from hogging the database.
#include "metrics/figures.h"

#include <atomic>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "metrics/scrape.h"
#include "prometheus/text_serializer.h"
#include "testing/fakes.h"

namespace himaya::metrics {
namespace {

constexpr char kPersons[] = "himaya_test_persons";

TEST(FigureGaugeTest, EachPublishReplacesTheGroupsAndAGroupGoneIsZero) {
  prometheus::Registry registry;
  FigureGauge persons(registry, kPersons, "persons", {"program", "region"});
  persons.Publish({{{"amo-tns", "Oriental"}, 3}, {{"amo-tadamon", "Souss-Massa"}, 5}});
  EXPECT_EQ(RegistrySum(registry, kPersons, {{"program", "amo-tns"}, {"region", "Oriental"}}), 3);
  EXPECT_EQ(RegistrySum(registry, kPersons), 8);

  persons.Publish({{{"amo-tns", "Oriental"}, 4}});
  EXPECT_EQ(RegistrySum(registry, kPersons, {{"program", "amo-tns"}}), 4);
  EXPECT_EQ(RegistrySum(registry, kPersons, {{"program", "amo-tadamon"}, {"region", "Souss-Massa"}}), 0);
  // The group gone is still served (as 0), so its series does not vanish.
  const std::string exposition = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(exposition.find("program=\"amo-tadamon\""), std::string::npos);
}

TEST(FigureGaugeTest, AGroupWithTheWrongNumberOfLabelsIsSkipped) {
  prometheus::Registry registry;
  FigureGauge persons(registry, kPersons, "persons", {"program", "region"});
  persons.Publish({{{"amo-tns"}, 3}, {{"amo-tns", "Oriental"}, 2}});
  EXPECT_EQ(RegistrySum(registry, kPersons), 2);
}

TEST(FiguresPassTest, ASuccessfulPassRecordsItsDurationAndEnd) {
  prometheus::Registry registry;
  testing::FakeClock clock(absl::FromUnixSeconds(1700000000));
  FigureGauge persons(registry, kPersons, "persons", {"program"});
  int passes = 0;
  FiguresPass pass(registry, "people", clock, absl::Minutes(1), [&](const FiguresPass::Stopping&) {
    ++passes;
    persons.Publish({{{"amo-tns"}, static_cast<double>(passes)}});
    return absl::OkStatus();
  });
  ASSERT_TRUE(pass.RunOnce().ok());
  EXPECT_EQ(RegistrySum(registry, kPersons), 1);
  EXPECT_EQ(RegistrySum(registry, "himaya_figures_pass_timestamp_seconds", {{"figures", "people"}}), 1700000000);
  EXPECT_GE(RegistrySum(registry, "himaya_figures_pass_seconds", {{"figures", "people"}}), 0);
}

TEST(FiguresPassTest, AFailedPassLeavesTheFiguresAndItsEndTimeAsTheyWere) {
  prometheus::Registry registry;
  testing::FakeClock clock(absl::FromUnixSeconds(1700000000));
  FigureGauge persons(registry, kPersons, "persons", {"program"});
  bool fail = false;
  FiguresPass pass(registry, "people", clock, absl::Minutes(1), [&](const FiguresPass::Stopping&) -> absl::Status {
    if (fail) return absl::UnavailableError("database down");
    persons.Publish({{{"amo-tns"}, 7}});
    return absl::OkStatus();
  });
  ASSERT_TRUE(pass.RunOnce().ok());
  fail = true;
  clock.Advance(absl::Minutes(5));
  EXPECT_EQ(pass.RunOnce().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(RegistrySum(registry, kPersons), 7);
  EXPECT_EQ(RegistrySum(registry, "himaya_figures_pass_timestamp_seconds", {{"figures", "people"}}), 1700000000);
}

TEST(FiguresPassTest, TwoPassesOfOneRegistryHaveTheirOwnSeries) {
  prometheus::Registry registry;
  testing::FakeClock clock(absl::FromUnixSeconds(1700000000));
  FiguresPass people(registry, "people", clock, absl::Minutes(1),
                     [](const FiguresPass::Stopping&) { return absl::OkStatus(); });
  FiguresPass claims(registry, "claims", clock, absl::Minutes(1),
                     [](const FiguresPass::Stopping&) { return absl::OkStatus(); });
  ASSERT_TRUE(people.RunOnce().ok());
  clock.Advance(absl::Seconds(30));
  ASSERT_TRUE(claims.RunOnce().ok());
  EXPECT_EQ(RegistrySum(registry, "himaya_figures_pass_timestamp_seconds", {{"figures", "people"}}), 1700000000);
  EXPECT_EQ(RegistrySum(registry, "himaya_figures_pass_timestamp_seconds", {{"figures", "claims"}}), 1700000030);
}

TEST(FiguresPassTest, ASlowPassIdlesNineTimesAsLong) {
  EXPECT_EQ(FiguresPass::IdleAfter(absl::Minutes(1), absl::Seconds(1)), absl::Minutes(1));
  EXPECT_EQ(FiguresPass::IdleAfter(absl::Minutes(1), absl::Seconds(20)), absl::Minutes(3));
}

TEST(FiguresPassTest, ALongCountSeesTheStopAskedAndGivesUp) {
  prometheus::Registry registry;
  absl::Notification counting;
  std::atomic<bool> gave_up{false};
  FiguresPass pass(registry, "slow", core::SystemClock::Get(), absl::Minutes(1),
                   [&](const FiguresPass::Stopping& stopping) -> absl::Status {
                     counting.Notify();
                     while (!stopping()) std::this_thread::yield();  // a page, then the next
                     gave_up = true;
                     return absl::CancelledError("stopping");
                   });
  pass.Start();
  counting.WaitForNotification();
  pass.Stop();  // returns only once the count gave up
  EXPECT_TRUE(gave_up);
  EXPECT_EQ(RegistrySum(registry, "himaya_figures_pass_timestamp_seconds", {{"figures", "slow"}}), 0);
}

TEST(FiguresPassTest, StartedPassesRunOnTheirOwnThread) {
  prometheus::Registry registry;
  absl::Mutex mu;
  int passes = 0;
  FiguresPass pass(registry, "people", core::SystemClock::Get(), absl::Milliseconds(1),
                   [&](const FiguresPass::Stopping&) {
                     absl::MutexLock lock(&mu);
                     ++passes;
                     return absl::OkStatus();
                   });
  pass.Start();
  {
    absl::MutexLock lock(&mu);
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(
                                        +[](int* n) { return *n >= 3; }, &passes),
                                    absl::Seconds(30)));
  }
  pass.Stop();
}

}  // namespace
}  // namespace himaya::metrics
