// Versioned schema migrations, applied at start. Each component that owns tables (a service,
// or a shared library such as the events outbox) has numbered SQL files per dialect, embedded
// at build time by himaya_sql_migrations(). Applied versions are recorded per component in
// schema_migrations; each migration runs in its own transaction, so a crash leaves either all
// or nothing of it. On PostgreSQL an advisory lock keeps replicas that start together from
// applying the same migration twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/database.h"

namespace himaya::storage {

struct Migration {
  int version;
  absl::string_view name;
  absl::string_view sql;
};

struct MigrationSet {
  std::string component;
  std::vector<Migration> migrations;
};

// Applies, in order, every migration of `sets` not yet recorded. Fails (changing nothing more)
// at the first migration that fails, naming it; FAILED_PRECONDITION when the database holds a
// version newer than this binary knows (a downgrade).
absl::Status ApplyMigrations(Database& db, const std::vector<MigrationSet>& sets);

// Returns the highest applied version of `component`, 0 when none.
absl::StatusOr<int> AppliedVersion(Database& db, absl::string_view component);

}  // namespace himaya::storage
