#include "service/instrumented_database.h"

#include "absl/time/clock.h"
#include "rpc/status.h"

namespace himaya::service {
namespace {

class InstrumentedDatabase final : public storage::Database {
 public:
  InstrumentedDatabase(std::unique_ptr<storage::Database> db, metrics::DatabaseMetrics& metrics)
      : db_(std::move(db)),
        metrics_(metrics),
        write_latency_(metrics.latency.Add({{"kind", "write"}}, metrics::LatencyBuckets())),
        read_latency_(metrics.latency.Add({{"kind", "read"}}, metrics::LatencyBuckets())) {}

  absl::Status Write(const storage::TransactionFn& fn) override {
    return Measure("write", write_latency_, [&] { return db_->Write(fn); });
  }
  absl::Status Read(const storage::TransactionFn& fn) override {
    return Measure("read", read_latency_, [&] { return db_->Read(fn); });
  }
  storage::Dialect dialect() const override { return db_->dialect(); }

 private:
  template <typename Fn>
  absl::Status Measure(const char* kind, prometheus::Histogram& latency, Fn&& fn) {
    absl::Time start = absl::Now();
    absl::Status status = fn();
    latency.Observe(absl::ToDoubleSeconds(absl::Now() - start));
    metrics_.transactions
        .Add({{"kind", kind}, {"outcome", rpc::CodeName(static_cast<grpc::StatusCode>(status.code()))}})
        .Increment();
    return status;
  }
  std::unique_ptr<storage::Database> db_;
  metrics::DatabaseMetrics& metrics_;
  prometheus::Histogram& write_latency_;
  prometheus::Histogram& read_latency_;
};

}  // namespace

std::unique_ptr<storage::Database> Instrument(std::unique_ptr<storage::Database> db,
                                              metrics::DatabaseMetrics& metrics) {
  return std::make_unique<InstrumentedDatabase>(std::move(db), metrics);
}

}  // namespace himaya::service
