// Token buckets at their bounds with a fake clock: a client's burst, then one token per 1/rate
// with the wait until it as Retry-After; an account's bucket shared by its clients; the tighter
// credentials bucket; nothing taken when one bucket is empty; memory bounded under a flood of
// addresses (refilled buckets dropped, newcomers sharing one overflow bucket), and sweeps of a full
// table amortised.
#include "gateway/src/rate_limits.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fakes.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

Caller Anonymous(const std::string& address) {
  Caller c;
  c.client = "ip:" + address;
  return c;
}

Caller Insured(const std::string& number, const std::string& address) {
  Caller c = Anonymous(address);
  c.kind = CallerKind::kInsured;
  c.subject = number;
  return c;
}

class RateLimitsTest : public ::testing::Test {
 protected:
  RateLimitOptions Options() {
    RateLimitOptions o;
    o.client = {2, 4};
    o.account = {1, 3};
    o.credentials = {0.5, 2};
    o.max_buckets = 100;
    return o;
  }
  // Admits `n` requests; returns how many were admitted.
  int Admitted(TokenBuckets& limits, const Caller& caller, int n, RateClass rate_class = RateClass::kOrdinary) {
    int admitted = 0;
    for (int i = 0; i < n; ++i) admitted += limits.Admit(caller, rate_class) == absl::ZeroDuration() ? 1 : 0;
    return admitted;
  }
  testing::FakeClock clock_;
};

TEST_F(RateLimitsTest, AClientHasItsBurstThenOneTokenPerHalfSecond) {
  TokenBuckets limits(clock_, Options());
  const Caller c = Anonymous("10.0.0.1");
  EXPECT_EQ(Admitted(limits, c, 4), 4);
  EXPECT_EQ(limits.Admit(c, RateClass::kOrdinary), absl::Milliseconds(500));
  clock_.Advance(absl::Milliseconds(200));
  EXPECT_NEAR(absl::ToDoubleMilliseconds(limits.Admit(c, RateClass::kOrdinary)), 300, 0.001)
      << "the wait is until the next token";
  clock_.Advance(absl::Milliseconds(300));
  EXPECT_EQ(limits.Admit(c, RateClass::kOrdinary), absl::ZeroDuration());
  EXPECT_GT(limits.Admit(c, RateClass::kOrdinary), absl::ZeroDuration());
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Admitted(limits, c, 10), 4) << "a quiet hour gives back the burst, no more";
  EXPECT_EQ(Admitted(limits, Anonymous("10.0.0.2"), 4), 4) << "another client has its own bucket";
}

TEST_F(RateLimitsTest, AnAccountsBucketIsSharedByItsClients) {
  TokenBuckets limits(clock_, Options());
  EXPECT_EQ(Admitted(limits, Insured("100000017", "10.0.0.1"), 2), 2);
  EXPECT_EQ(Admitted(limits, Insured("100000017", "10.0.0.2"), 2), 1) << "three for the account";
  EXPECT_EQ(limits.Admit(Insured("100000017", "10.0.0.3"), RateClass::kOrdinary), absl::Seconds(1));
  EXPECT_EQ(Admitted(limits, Insured("100000025", "10.0.0.3"), 3), 3);
  Caller agent = Insured("100000017", "10.0.0.4");
  agent.kind = CallerKind::kAgent;
  EXPECT_EQ(Admitted(limits, agent, 3), 3) << "an agent named like an insured has its own bucket";
}

TEST_F(RateLimitsTest, CredentialRoutesDrawFromATighterBucketToo) {
  TokenBuckets limits(clock_, Options());
  const Caller c = Anonymous("10.0.0.1");
  EXPECT_EQ(Admitted(limits, c, 3, RateClass::kCredentials), 2);
  EXPECT_EQ(limits.Admit(c, RateClass::kCredentials), absl::Seconds(2));
  EXPECT_EQ(Admitted(limits, c, 2), 2) << "ordinary routes still have the client's other tokens";
}

TEST_F(RateLimitsTest, NothingIsTakenWhenOneBucketIsEmpty) {
  TokenBuckets limits(clock_, Options());
  const Caller c = Insured("100000017", "10.0.0.1");
  EXPECT_EQ(Admitted(limits, c, 3), 3);
  EXPECT_EQ(Admitted(limits, c, 5), 0) << "the account's bucket is empty";
  EXPECT_EQ(Admitted(limits, Anonymous("10.0.0.1"), 2), 1)
      << "the client's bucket lost only the three admitted requests";
}

TEST_F(RateLimitsTest, AFloodOfAddressesCannotGrowMemoryPastTheBound) {
  RateLimitOptions o = Options();
  o.max_buckets = 3;
  TokenBuckets limits(clock_, o);
  for (int i = 0; i < 1000; ++i)
    limits.Admit(Anonymous(absl::StrCat("10.1.", i / 256, ".", i % 256)), RateClass::kOrdinary);
  EXPECT_LE(limits.BucketCount(), 3u);
  // The newcomers beyond the bound shared one bucket, now empty.
  EXPECT_GT(limits.Admit(Anonymous("10.9.9.9"), RateClass::kOrdinary), absl::ZeroDuration());
  // Once the buckets have refilled, they are dropped for newcomers of their own.
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Admitted(limits, Anonymous("10.9.9.8"), 4), 4);
  EXPECT_LE(limits.BucketCount(), 3u);
}

TEST_F(RateLimitsTest, ATableFullOfBucketsRefillingOneByOneIsNotSweptForEachNewcomer) {
  RateLimitOptions o = Options();
  o.client = {1, 1};  // one token, back after a second
  o.max_buckets = 100;
  TokenBuckets limits(clock_, o);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(limits.Admit(Anonymous(absl::StrCat("10.1.0.", i)), RateClass::kOrdinary), absl::ZeroDuration());
    clock_.Advance(absl::Milliseconds(10));
  }
  // From now on, each newcomer finds exactly one more bucket refilled: a sweep per newcomer would
  // walk the whole table each time.
  clock_.Advance(absl::Milliseconds(10));
  for (int i = 0; i < 1000; ++i) {
    limits.Admit(Anonymous(absl::StrCat("10.2.", i / 256, ".", i % 256)), RateClass::kOrdinary);
    clock_.Advance(absl::Milliseconds(10));
    EXPECT_LE(limits.BucketCount(), 100u);
  }
  // 10 s: at most one a second, plus one per 64 newcomers finding no room.
  EXPECT_LE(limits.SweepCount(), 10u + 1000u / 64 + 1) << "sweeps for 1000 newcomers";
  EXPECT_GE(limits.SweepCount(), 10u) << "room is still made";
}

TEST_F(RateLimitsTest, ABucketInUseIsKeptWhenRoomIsMade) {
  RateLimitOptions o = Options();
  o.max_buckets = 2;
  TokenBuckets limits(clock_, o);
  const Caller busy = Anonymous("10.0.0.1");
  EXPECT_EQ(Admitted(limits, busy, 4), 4);
  limits.Admit(Anonymous("10.0.0.2"), RateClass::kOrdinary);
  clock_.Advance(absl::Seconds(1));  // 10.0.0.2 refills (one token used); 10.0.0.1 has 2 of 4
  EXPECT_EQ(limits.Admit(Anonymous("10.0.0.3"), RateClass::kOrdinary), absl::ZeroDuration());
  EXPECT_EQ(Admitted(limits, busy, 4), 2) << "the busy client's bucket was not dropped (not reset to its burst)";
}

TEST(RateLimitOptionsTest, BadOptionsAreRefusedNamingTheFlag) {
  EXPECT_TRUE(CheckRateLimitOptions({}).ok());
  RateLimitOptions o;
  o.client.per_second = 0;
  EXPECT_THAT(std::string(CheckRateLimitOptions(o).message()), HasSubstr("rate_client_per_second"));
  o = {};
  o.account.burst = 0;
  EXPECT_THAT(std::string(CheckRateLimitOptions(o).message()), HasSubstr("rate_account_burst"));
  o = {};
  o.credentials.per_second = -1;
  EXPECT_THAT(std::string(CheckRateLimitOptions(o).message()), HasSubstr("rate_credentials_per_second"));
  o = {};
  o.max_buckets = 0;
  EXPECT_THAT(std::string(CheckRateLimitOptions(o).message()), HasSubstr("rate_max_buckets"));
}

}  // namespace
}  // namespace himaya::gateway
