#include "gateway/src/rate_limits.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace himaya::gateway {
namespace {

// After a sweep, the next waits this long (a sweep walks the whole table), unless many newcomers
// found no room meanwhile.
constexpr absl::Duration kSweepPause = absl::Seconds(1);
// A bucket this close to a whole token has one (refills are sums of floating-point fractions).
constexpr double kTokenSlack = 1e-9;

absl::Status CheckRate(const char* flag, const BucketRate& rate) {
  if (!(rate.per_second > 0)) return absl::InvalidArgumentError(absl::StrCat(flag, "_per_second: must be positive"));
  if (rate.burst < 1) return absl::InvalidArgumentError(absl::StrCat(flag, "_burst: at least 1"));
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRateLimitOptions(const RateLimitOptions& o) {
  for (absl::Status s : {CheckRate("rate_client", o.client), CheckRate("rate_account", o.account),
                         CheckRate("rate_credentials", o.credentials)}) {
    if (!s.ok()) return s;
  }
  if (o.max_buckets < 1) return absl::InvalidArgumentError("rate_max_buckets: at least 1");
  return absl::OkStatus();
}

absl::Duration TokenBuckets::Admit(const Caller& caller, RateClass rate_class) {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<Bucket*, const BucketRate*>> drawn;
  drawn.emplace_back(&Refilled(clients_, caller.client, now), &clients_.rate);
  if (caller.kind == CallerKind::kInsured || caller.kind == CallerKind::kAgent) {
    const std::string account = absl::StrCat(caller.kind == CallerKind::kAgent ? "agent:" : "insured:", caller.subject);
    drawn.emplace_back(&Refilled(accounts_, account, now), &accounts_.rate);
  }
  if (rate_class == RateClass::kCredentials) {
    drawn.emplace_back(&Refilled(credentials_, caller.client, now), &credentials_.rate);
  }
  absl::Duration wait = absl::ZeroDuration();
  for (const auto& [bucket, rate] : drawn) {
    if (bucket->tokens < 1 - kTokenSlack) {
      wait = std::max(wait, absl::Seconds((1 - bucket->tokens) / rate->per_second));
    }
  }
  if (wait > absl::ZeroDuration()) return wait;
  for (const auto& entry : drawn) entry.first->tokens = std::max(0.0, entry.first->tokens - 1);
  return absl::ZeroDuration();
}

TokenBuckets::Bucket& TokenBuckets::Refilled(Table& table, const std::string& key, absl::Time now) {
  auto it = table.buckets.find(key);
  Bucket* bucket = nullptr;
  if (it != table.buckets.end()) {
    bucket = &it->second;
  } else {
    if (table.buckets.size() >= options_.max_buckets) {
      ++table.newcomers_since_sweep;
      Sweep(table, now);
    }
    if (table.buckets.size() < options_.max_buckets) {
      bucket = &table.buckets.emplace(key, Bucket{static_cast<double>(table.rate.burst), now}).first->second;
    } else {
      if (!table.overflow_used) table.overflow = Bucket{static_cast<double>(table.rate.burst), now};
      table.overflow_used = true;
      bucket = &table.overflow;
    }
  }
  if (now > bucket->updated) {
    bucket->tokens = std::min<double>(
        table.rate.burst, bucket->tokens + absl::ToDoubleSeconds(now - bucket->updated) * table.rate.per_second);
    bucket->updated = now;
  }
  return *bucket;
}

void TokenBuckets::Sweep(Table& table, absl::Time now) {
  if (now < table.next_sweep && table.newcomers_since_sweep < sweep_every_) return;
  const double burst = table.rate.burst;
  absl::erase_if(table.buckets, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + absl::ToDoubleSeconds(now - b.updated) * table.rate.per_second >= burst;
  });
  table.next_sweep = now + kSweepPause;
  table.newcomers_since_sweep = 0;
  ++sweeps_;
}

size_t TokenBuckets::SweepCount() const {
  absl::MutexLock lock(&mu_);
  return sweeps_;
}

size_t TokenBuckets::BucketCount() const {
  absl::MutexLock lock(&mu_);
  return clients_.buckets.size() + accounts_.buckets.size() + credentials_.buckets.size();
}

}  // namespace himaya::gateway
