// Reading a batch's next chunk while the current one is decided and written (PostgreSQL).
//
// The chunk query is the longest statement on the applier's path, and the applier's writes wait
// for it. So once a chunk's last slice is read, the next chunk's first slice is read on another
// connection, on a snapshot of its own, while this chunk is decided and written. The next
// chunk uses that read only if it is what its own query would find:
//   - The chunk that started the read commits after the snapshot, so the read may miss the
//     persons it registered. That chunk hands them over (StartedBy) and Take completes the two
//     findings they change, as the query would: the person registered with the row's CIN, and
//     the look-alike (same birth date, sex and name key under another CIN) with the smallest
//     registration number. The staged rows, the coverages and, in the dependents' phase, the
//     heads' outcomes are settled before a batch's chunks run.
//   - Any other transaction that changed what the query reads (persons, CIN aliases,
//     coverages, outcomes: a registration at a counter, a review decided, a coverage imported,
//     another batch) and committed after the snapshot makes the read stale: the database notes
//     each such transaction (decision_writes, filled by triggers), and Take then gives nothing,
//     so that the chunk runs its query itself.
// SQLite cannot tell which transactions committed after a snapshot: there, Take always gives
// nothing, and the applier does not read ahead.
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registration/src/batch_store.h"
#include "storage/database.h"

namespace himaya::registration {

// The key the look-alike finding compares: birth date, sex and name key.
std::string LookalikeKey(const StagedRow& row);

class ChunkPrefetch {
 public:
  // Where a slice starts: the arguments of BatchStore::ReadChunk.
  struct At {
    std::string key;
    ApplyPhase phase;
    int64_t after_row;
    std::string processing_date;
    int64_t limit;
    bool operator==(const At& o) const {
      return key == o.key && phase == o.phase && after_row == o.after_row && processing_date == o.processing_date &&
             limit == o.limit;
    }
  };
  // A person registered by the chunk that started the read: its staged CIN and look-alike key.
  struct Person {
    std::string cin;
    std::string lookalike_key;
    std::string registration_number;
  };

  // Whether a read ahead can be checked on this backend.
  static bool Supported(storage::Dialect dialect) { return dialect == storage::Dialect::kPostgres; }
  // Stamps the notes of writes seen for the first time (their transactions committed) and
  // deletes those stamped ten minutes before, long after any read they could make stale (a read
  // is used within kMaxAge). PostgreSQL only.
  static absl::Status ForgetOldNotes(storage::Transaction& tx);

  // A read older than this is not used: the notes it is checked against are kept ten minutes.
  static constexpr std::chrono::seconds kMaxAge{60};

  // Starts reading the slice at `at` on a connection of its own; Take uses it until `max_age`.
  ChunkPrefetch(storage::Database& db, At at, std::chrono::steady_clock::duration max_age = kMaxAge);
  // Waits for the read, if it is still running.
  ~ChunkPrefetch();
  ChunkPrefetch(const ChunkPrefetch&) = delete;
  ChunkPrefetch& operator=(const ChunkPrefetch&) = delete;

  const At& at() const { return at_; }
  // In the transaction of the chunk that started the read, once it is decided: that
  // transaction, and the persons it registered.
  absl::Status StartedBy(storage::Transaction& tx, std::vector<Person> registered);
  // Waits for the read to end.
  void Wait() { read_.wait(); }
  // In the transaction of the chunk the read is for: the slice, its findings completed, or
  // nothing when the read cannot be used (stale, older than a minute, failed, or never handed
  // over by StartedBy).
  // Once only.
  absl::StatusOr<std::optional<std::vector<ChunkRow>>> Take(storage::Transaction& tx);

 private:
  struct Read {
    std::string snapshot;  // PostgreSQL's pg_snapshot, as text
    std::vector<ChunkRow> rows;
  };
  const At at_;
  const std::chrono::steady_clock::time_point used_until_;
  std::future<absl::StatusOr<Read>> read_;
  std::string started_by_;  // the transaction id of the chunk that started the read
  std::map<std::string, std::string> numbers_by_cin_;
  // By look-alike key: each person's CIN and number.
  std::multimap<std::string, std::pair<std::string, std::string>> lookalikes_;
};

}  // namespace himaya::registration
