// A producer standing in for Kafka (events::Producer): it records what it published, and can be
// told to refuse a record for good (INVALID_ARGUMENT, as a broker refuses a record too large),
// to fail one for now (UNAVAILABLE), to fail every record of a call from an index on, or to
// report another cluster (a broker that forgot everything) or none. Safe to use from a relay's
// thread while a test reads it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "events/producer.h"

namespace himaya::testing {

class FakeProducer final : public events::Producer {
 public:
  std::vector<absl::Status> Publish(absl::Span<const events::Record> records) override {
    absl::MutexLock lock(&mu_);
    std::vector<absl::Status> out;
    for (size_t i = 0; i < records.size(); ++i) {
      if (i >= fail_from_ || unavailable_.count(records[i].key) > 0) {
        out.push_back(absl::UnavailableError("broker down"));
      } else if (refused_.count(records[i].key) > 0) {
        out.push_back(absl::InvalidArgumentError("kafka: Broker: Message size too large"));
      } else {
        published_.push_back(records[i]);
        out.push_back(absl::OkStatus());
      }
    }
    return out;
  }
  // The identity set by SetClusterIdentity; UNAVAILABLE when it is empty.
  absl::StatusOr<std::string> ClusterIdentity() override {
    absl::MutexLock lock(&mu_);
    if (identity_.empty()) return absl::UnavailableError("no broker");
    return identity_;
  }

  // Records with this key are refused for good.
  void Refuse(const std::string& key) {
    absl::MutexLock lock(&mu_);
    refused_.insert(key);
  }
  // Records with this key fail for now, until Recover.
  void FailForNow(const std::string& key) {
    absl::MutexLock lock(&mu_);
    unavailable_.insert(key);
  }
  // Every record of a call from index `index` on fails for now, until Recover (0: the broker is
  // down).
  void FailFrom(size_t index) {
    absl::MutexLock lock(&mu_);
    fail_from_ = index;
  }
  // Ends FailForNow and FailFrom.
  void Recover() {
    absl::MutexLock lock(&mu_);
    unavailable_.clear();
    fail_from_ = kNever;
  }
  // Another cluster (a new broker), or none (empty: the cluster cannot be asked).
  void SetClusterIdentity(std::string identity) {
    absl::MutexLock lock(&mu_);
    identity_ = std::move(identity);
  }
  // Waits until `n` records were published or `timeout` passed; returns how many were.
  size_t WaitForPublished(size_t n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return published_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
    return published_.size();
  }
  // What was published, in order.
  std::vector<events::Record> published() const {
    absl::MutexLock lock(&mu_);
    return published_;
  }

 private:
  static constexpr size_t kNever = static_cast<size_t>(-1);
  mutable absl::Mutex mu_;
  size_t fail_from_ ABSL_GUARDED_BY(mu_) = kNever;
  std::set<std::string> refused_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> unavailable_ ABSL_GUARDED_BY(mu_);
  std::string identity_ ABSL_GUARDED_BY(mu_) = "cluster-1";
  std::vector<events::Record> published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace himaya::testing
