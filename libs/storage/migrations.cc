#include "storage/migrations.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"

namespace himaya::storage {
namespace {

constexpr absl::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " applied_at_us BIGINT NOT NULL, PRIMARY KEY (component, version))";

// Any fixed number: the key of the advisory lock taken while migrating.
constexpr int64_t kMigrationLockKey = 0x68696d617961;  // "himaya"

absl::StatusOr<int> MaxVersion(Transaction& tx, absl::string_view component) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations "
                                       "WHERE component = $1",
                                       {component}));
  return static_cast<int>(rows.at(0).Int(0));
}

}  // namespace

absl::StatusOr<int> AppliedVersion(Database& db, absl::string_view component) {
  int version = 0;
  RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(LockUntilTransactionEnds(tx, kMigrationLockKey));
    RETURN_IF_ERROR(tx.ExecuteScript(kCreateTable));
    ASSIGN_OR_RETURN(version, MaxVersion(tx, component));
    return absl::OkStatus();
  }));
  return version;
}

absl::Status ApplyMigrations(Database& db, const std::vector<MigrationSet>& sets) {
  for (const MigrationSet& set : sets) {
    std::vector<Migration> ordered = set.migrations;
    std::sort(ordered.begin(), ordered.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    const int known = ordered.empty() ? 0 : ordered.back().version;
    ASSIGN_OR_RETURN(int applied, AppliedVersion(db, set.component));
    if (applied > known) {
      return absl::FailedPreconditionError(absl::StrCat("migrations: database has ", set.component, " version ",
                                                        applied, " but this binary knows only up to ", known));
    }
    for (const Migration& m : ordered) {
      absl::Status status = db.Write([&](Transaction& tx) -> absl::Status {
        RETURN_IF_ERROR(LockUntilTransactionEnds(tx, kMigrationLockKey));
        ASSIGN_OR_RETURN(int current, MaxVersion(tx, set.component));
        if (current >= m.version) return absl::OkStatus();  // another process got here first
        RETURN_IF_ERROR(tx.ExecuteScript(m.sql));
        return tx
            .Execute(
                "INSERT INTO schema_migrations (component, version, name, applied_at_us) "
                "VALUES ($1, $2, $3, $4)",
                {set.component, m.version, m.name, absl::ToUnixMicros(absl::Now())})
            .status();
      });
      if (!status.ok()) {
        return absl::Status(status.code(), absl::StrCat("migration ", set.component, " ", m.version, "_", m.name, ": ",
                                                        status.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace himaya::storage
