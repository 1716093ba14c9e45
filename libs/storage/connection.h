// Internal to the storage library: what each backend's connection provides, and the pool and
// transaction runner the backends share.
#pragma once

#include <memory>
#include <string>
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

  // The backend's bulk load, for storage::InsertRows: all `rows` (each as wide as `columns`) in
  // one stream, all or nothing, returning the number inserted. Only where CanCopy().
  virtual bool CanCopy() const { return false; }
  virtual absl::StatusOr<int64_t> Copy(absl::string_view table, const std::vector<std::string>& columns,
                                       const std::vector<std::vector<Value>>& rows) {
    return absl::UnimplementedError("this backend has no bulk load");
  }
};

// A fixed set of connections handed out one at a time.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::vector<std::unique_ptr<Connection>> connections) : idle_(std::move(connections)) {}

  // Runs `fn` in a transaction on a pooled connection; see Database::Write for the contract.
  absl::Status Run(bool write, const TransactionFn& fn);

 private:
  std::unique_ptr<Connection> Acquire();
  void Release(std::unique_ptr<Connection> connection);

  absl::Mutex mu_;
  absl::CondVar available_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const DatabaseOptions& options);
absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& uri, const DatabaseOptions& options);

}  // namespace himaya::storage::internal
