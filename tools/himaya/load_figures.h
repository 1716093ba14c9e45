// What a benchmark measures of a load, whichever client drove it (gRPC callers of our own, or
// wrk over HTTP): how many requests answered, how many failed, the rate and the latency
// percentiles; and the gRPC load itself, `concurrency` callers each on its own connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace himaya::cli {

// One load, summed up.
struct LoadFigures {
  int64_t requests = 0;  // answered as expected
  int64_t failures = 0;  // errors, or answers other than expected
  std::string first_failure;
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// Calls made by `concurrency` callers for a while, each on its own connection.
struct CallFigures {
  int64_t calls = 0;
  int64_t failures = 0;
  std::string first_failure;
  absl::Duration elapsed;
  std::vector<double> latencies_ms;  // sorted

  double rate() const { return static_cast<double>(calls) / absl::ToDoubleSeconds(elapsed); }
  // The latency below which a share `p` (0 to 1) of the calls answered; 0 without calls.
  double Percentile(double p) const;
  LoadFigures Summary() const;
};

// One call of a load: `call(channel, random)` returns its status.
using GrpcCall = std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&, std::mt19937_64&)>;

// `concurrency` callers, each on its own connection to `address` (mutual TLS as the CLI), make
// calls until `duration` has passed.
CallFigures MeasureGrpc(const std::string& address, int concurrency, absl::Duration duration, const GrpcCall& call);

}  // namespace himaya::cli
