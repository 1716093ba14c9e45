#include "registration/src/chunk_prefetch.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::registration {

std::string LookalikeKey(const StagedRow& row) {
  return absl::StrCat(TextOf(row.birth_date), "|", TextOf(row.sex), "|", TextOf(row.name_key));
}

ChunkPrefetch::ChunkPrefetch(storage::Database& db, At at, std::chrono::steady_clock::duration max_age)
    : at_(std::move(at)),
      used_until_(std::chrono::steady_clock::now() + max_age),
      read_(std::async(std::launch::async, [&db, at = at_]() -> absl::StatusOr<Read> {
        Read read;
        RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
          read = Read{};
          if (Supported(tx.dialect())) {
            // The first statement: the transaction's snapshot, which the query below reads.
            ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT pg_current_snapshot()::text"));
            read.snapshot = rows.at(0).Text(0);
          }
          ASSIGN_OR_RETURN(read.rows,
                           BatchStore::ReadChunk(tx, at.key, at.phase, at.after_row, at.processing_date, at.limit));
          return absl::OkStatus();
        }));
        return read;
      })) {}

ChunkPrefetch::~ChunkPrefetch() {
  if (read_.valid()) read_.wait();
}

absl::Status ChunkPrefetch::ForgetOldNotes(storage::Transaction& tx) {
  RETURN_IF_ERROR(
      tx.Execute("DELETE FROM decision_writes WHERE seen_at < clock_timestamp() - interval '10 minutes'").status());
  return tx.Execute("UPDATE decision_writes SET seen_at = clock_timestamp() WHERE seen_at IS NULL").status();
}

absl::Status ChunkPrefetch::StartedBy(storage::Transaction& tx, std::vector<Person> registered) {
  if (!Supported(tx.dialect())) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT pg_current_xact_id()::text"));
  started_by_ = rows.at(0).Text(0);
  for (Person& p : registered) {
    numbers_by_cin_.emplace(p.cin, p.registration_number);
    lookalikes_.emplace(std::move(p.lookalike_key), std::make_pair(std::move(p.cin), std::move(p.registration_number)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::vector<ChunkRow>>> ChunkPrefetch::Take(storage::Transaction& tx) {
  absl::StatusOr<Read> read = read_.get();
  if (!read.ok()) {
    log::Warn("batch chunk read ahead failed; reading it again", {{"batch", at_.key}, {"error", read.status()}});
    return std::nullopt;
  }
  if (started_by_.empty() || read->snapshot.empty() || std::chrono::steady_clock::now() > used_until_) {
    return std::nullopt;
  }
  // A transaction noted there and committed since the snapshot (visible to this statement, not
  // to the snapshot), other than the chunk that started the read.
  ASSIGN_OR_RETURN(auto stale, tx.Query("SELECT COUNT(*) FROM (SELECT 1 FROM decision_writes w "
                                        "WHERE w.xid >= pg_snapshot_xmin($1::pg_snapshot) "
                                        "AND NOT pg_visible_in_snapshot(w.xid, $1::pg_snapshot) "
                                        "AND w.xid <> $2::xid8 LIMIT 1) AS later",
                                        {read->snapshot, started_by_}));
  if (stale.at(0).Int(0) > 0) return std::nullopt;
  std::vector<ChunkRow> rows = std::move(read->rows);
  for (ChunkRow& c : rows) {
    const std::string& cin = TextOf(c.row.cin);
    if (!c.found.registered_number) {
      if (auto it = numbers_by_cin_.find(cin); it != numbers_by_cin_.end()) c.found.registered_number = it->second;
    }
    auto [first, last] = lookalikes_.equal_range(LookalikeKey(c.row));
    for (auto it = first; it != last; ++it) {
      const auto& [other_cin, number] = it->second;
      if (other_cin == cin) continue;
      if (!c.found.lookalike_number || number < *c.found.lookalike_number) c.found.lookalike_number = number;
    }
  }
  return rows;
}

}  // namespace himaya::registration
