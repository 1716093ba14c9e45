// Internal to the storage library: what each backend's connection provides, and the pool and
// transaction runner the backends share.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/database.h"

namespace himaya::storage::internal {

class Connection : public Transaction {
 public:
  virtual absl::Status Begin(bool write) = 0;
  virtual absl::Status Commit() = 0;
  virtual void Rollback() = 0;
};

// A fixed set of connections handed out one at a time, first come first served: a thread that
// releases a connection and asks again at once queues behind the threads already waiting (on
// SQLite's single writer, a long-running applier would otherwise starve the outbox relay).
class ConnectionPool {
 public:
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections) : idle_(std::move(connections)) {}

  // Runs `fn` in a transaction on a pooled connection; see Database::Write for the contract.
  absl::Status Run(bool write, const TransactionFn& fn);
  // Threads waiting for a connection.
  int64_t Waiting() const;

 private:
  std::unique_ptr<Connection> Acquire();
  void Release(std::unique_ptr<Connection> connection);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  // Tickets: each Acquire takes the next; a connection goes to the oldest ticket still waiting.
  // A waiter never gives up its ticket (no timeout): one that did would hold up every later one.
  uint64_t next_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t serving_ ABSL_GUARDED_BY(mu_) = 0;
};

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options);
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& uri, const DatabaseOptions& options);

}  // namespace himaya::storage::internal
