#include "stack/restart_backoff.h"

#include "gtest/gtest.h"

namespace himaya::stack {
namespace {

TEST(RestartBackoffTest, DoublesWithEachCrashInARowUpToTheCap) {
  RestartBackoff backoff;
  absl::Duration expected[] = {absl::Milliseconds(500), absl::Seconds(1),  absl::Seconds(2),  absl::Seconds(4),
                               absl::Seconds(8),        absl::Seconds(16), absl::Seconds(30), absl::Seconds(30)};
  for (absl::Duration delay : expected) EXPECT_EQ(backoff.AfterExit(absl::Seconds(1)), delay);
}

TEST(RestartBackoffTest, StartsOverAfterTheServiceStayedUpAWhile) {
  RestartBackoff backoff;
  for (int i = 0; i < 7; ++i) backoff.AfterExit(absl::ZeroDuration());
  EXPECT_EQ(backoff.AfterExit(absl::Seconds(59)), absl::Seconds(30)) << "not up long enough";
  EXPECT_EQ(backoff.AfterExit(absl::Seconds(60)), absl::Milliseconds(500));
  EXPECT_EQ(backoff.AfterExit(absl::Seconds(1)), absl::Seconds(1));
}

}  // namespace
}  // namespace himaya::stack
