#include "load_figures.h"

#include <algorithm>
#include <thread>

#include "absl/time/clock.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::cli {

double CallFigures::Percentile(double p) const {
  if (latencies_ms.empty()) return 0;
  return latencies_ms[std::min(latencies_ms.size() - 1, static_cast<size_t>(p * latencies_ms.size()))];
}

LoadFigures CallFigures::Summary() const {
  return {.requests = calls,
          .failures = failures,
          .first_failure = first_failure,
          .per_second = rate(),
          .p50_ms = Percentile(0.5),
          .p99_ms = Percentile(0.99)};
}

CallFigures MeasureGrpc(const std::string& address, int concurrency, absl::Duration duration, const GrpcCall& call) {
  // A connection of each caller's own, as separate clients have.
  const std::vector<std::shared_ptr<grpc::Channel>> channels = rpc::NewChannels(address, concurrency);
  std::vector<CallFigures> each(concurrency);
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  std::vector<std::thread> callers;
  for (int c = 0; c < concurrency; ++c) {
    callers.emplace_back([&, c] {
      std::mt19937_64 random(c + 1);
      CallFigures& mine = each[c];
      for (absl::Time now = absl::Now(); now < end;) {
        grpc::Status status = call(channels[c], random);
        const absl::Time done = absl::Now();
        if (status.ok()) {
          ++mine.calls;
          mine.latencies_ms.push_back(absl::ToDoubleMilliseconds(done - now));
        } else if (++mine.failures == 1) {
          mine.first_failure = rpc::FromGrpcStatus(status).ToString();
        }
        now = done;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  CallFigures all;
  all.elapsed = absl::Now() - start;
  for (CallFigures& f : each) {
    all.calls += f.calls;
    all.failures += f.failures;
    if (all.first_failure.empty()) all.first_failure = f.first_failure;
    all.latencies_ms.insert(all.latencies_ms.end(), f.latencies_ms.begin(), f.latencies_ms.end());
  }
  std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
  return all;
}

}  // namespace himaya::cli
