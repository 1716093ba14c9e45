// Rate limits as token buckets kept in memory: one per client (its address, or its API key), one
// per account (an insured's or an agent's session), and a tighter one per client for the routes
// that check or send credentials. A request takes a token from each of its buckets, or from
// none when one is empty; the wait is the time until that bucket has a token again.
//
// Memory is bounded: each table holds at most `max_buckets`. When one is full, buckets that have
// refilled completely (the same as new ones) are dropped by a sweep of the table; newcomers that
// find no room share one overflow bucket of that table until room is made, so a flood of
// addresses is throttled as one. A sweep walks the whole table, so it runs at most once a second,
// or sooner once max_buckets / 8 newcomers (at least 64) found no room: amortised, a newcomer
// costs a few steps, however many of the buckets each sweep frees.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "gateway/src/pipeline_parts.h"

namespace himaya::gateway {

struct BucketRate {
  // Tokens added per second.
  double per_second = 1;
  // The most tokens held (a burst allowed after a quiet time).
  int burst = 1;
};

struct RateLimitOptions {
  BucketRate client{20, 40};
  BucketRate account{10, 20};
  BucketRate credentials{0.2, 10};
  size_t max_buckets = 100000;
};

// INVALID_ARGUMENT naming the flag when a rate is not positive, a burst below 1 or the bound 0.
absl::Status CheckRateLimitOptions(const RateLimitOptions& options);

class TokenBuckets final : public RateLimits {
 public:
  TokenBuckets(const core::Clock& clock, RateLimitOptions options) : clock_(clock), options_(options) {}

  absl::Duration Admit(const Caller& caller, RateClass rate_class) override;

  // Buckets held now, all tables together (for tests and the gauge).
  size_t BucketCount() const;
  // Sweeps made so far, all tables together (for tests).
  size_t SweepCount() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  struct Table {
    BucketRate rate;
    absl::flat_hash_map<std::string, Bucket> buckets;
    Bucket overflow;
    bool overflow_used = false;
    // No sweep before this (a second after the last one) ...
    absl::Time next_sweep = absl::InfinitePast();
    // ... unless this many newcomers found the table full since the last one.
    size_t newcomers_since_sweep = 0;
  };

  // The bucket of `key` in `table`, refilled to `now` (made full when new).
  Bucket& Refilled(Table& table, const std::string& key, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Sweep(Table& table, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const core::Clock& clock_;
  const RateLimitOptions options_;
  // Newcomers finding a table full that allow a sweep before its second is over.
  const size_t sweep_every_ = std::max<size_t>(64, options_.max_buckets / 8);
  mutable absl::Mutex mu_;
  size_t sweeps_ ABSL_GUARDED_BY(mu_) = 0;
  Table clients_ ABSL_GUARDED_BY(mu_){options_.client, {}, {}, false, absl::InfinitePast(), 0};
  Table accounts_ ABSL_GUARDED_BY(mu_){options_.account, {}, {}, false, absl::InfinitePast(), 0};
  Table credentials_ ABSL_GUARDED_BY(mu_){options_.credentials, {}, {}, false, absl::InfinitePast(), 0};
};

}  // namespace himaya::gateway
