#include "gateway/src/agent_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/stored_fields.h"

namespace himaya::gateway {
namespace {

constexpr char kColumns[] = "agent_id, display_name, roles, password_hash, created_at_us, disabled_at_us";

AgentRecord FromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), ListFrom(r.Text(2)), r.Text(3), absl::FromUnixMicros(r.Int(4)), TimeOrNone(r, 5)};
}

}  // namespace

absl::Status AgentStore::Insert(storage::Transaction& tx, const AgentRecord& a) {
  return InsertRow(tx, "agents", kColumns,
                   {a.agent_id, a.display_name, ListText(a.roles), a.password_hash, absl::ToUnixMicros(a.created_at),
                    MicrosOrNull(a.disabled_at)});
}

absl::StatusOr<std::optional<AgentRecord>> AgentStore::Find(storage::Transaction& tx, absl::string_view agent_id) {
  return ReadRecord(tx, absl::StrCat("SELECT ", kColumns, " FROM agents WHERE agent_id = $1"), {agent_id}, FromRow);
}

absl::StatusOr<std::vector<AgentRecord>> AgentStore::List(storage::Transaction& tx) {
  return ReadRecords(tx, absl::StrCat("SELECT ", kColumns, " FROM agents ORDER BY agent_id"), {}, FromRow);
}

absl::Status AgentStore::Disable(storage::Transaction& tx, absl::string_view agent_id, absl::Time at) {
  return StampOnce(tx, "agents", "disabled_at_us", "agent_id", agent_id, at, "agent_id: no such agent");
}

absl::StatusOr<LoginFailures> AgentStore::Failures(storage::Transaction& tx, absl::string_view agent_id) {
  ASSIGN_OR_RETURN(
      std::vector<storage::Row> rows,
      tx.Query("SELECT failed_logins, locked_until_us FROM agent_login_failures WHERE agent_id = $1", {agent_id}));
  LoginFailures failures;
  if (rows.empty()) return failures;
  failures.count = static_cast<int>(rows[0].Int(0));
  if (rows[0].Int(1) > 0) failures.locked_until = absl::FromUnixMicros(rows[0].Int(1));
  return failures;
}

absl::StatusOr<std::optional<int>> AgentStore::TakeAttempt(storage::Transaction& tx, absl::string_view agent_id,
                                                           absl::Time now, int max_attempts) {
  // A lock that ended starts the count again.
  constexpr char kEnded[] = "(agent_login_failures.locked_until_us > 0 AND agent_login_failures.locked_until_us <= $2)";
  ASSIGN_OR_RETURN(
      std::vector<storage::Row> taken,
      tx.Query(absl::StrCat(
                   "INSERT INTO agent_login_failures (agent_id, failed_logins, locked_until_us, "
                   "last_failure_us) VALUES ($1, 1, 0, $2) ON CONFLICT (agent_id) DO UPDATE SET "
                   "failed_logins = CASE WHEN ",
                   kEnded, " THEN 1 ELSE agent_login_failures.failed_logins + 1 END, locked_until_us = CASE WHEN ",
                   kEnded, " THEN 0 ELSE agent_login_failures.locked_until_us END, last_failure_us = $2 WHERE ", kEnded,
                   " OR (agent_login_failures.locked_until_us = 0 AND agent_login_failures.failed_logins < $3) "
                   "RETURNING failed_logins"),
               {agent_id, absl::ToUnixMicros(now), max_attempts}));
  if (taken.empty()) return std::nullopt;
  return static_cast<int>(taken[0].Int(0));
}

absl::Status AgentStore::LockIfReached(storage::Transaction& tx, absl::string_view agent_id, int max_attempts,
                                       absl::Time until) {
  return tx
      .Execute(
          "UPDATE agent_login_failures SET locked_until_us = $3 WHERE agent_id = $1 AND failed_logins >= $2 "
          "AND locked_until_us = 0",
          {agent_id, max_attempts, absl::ToUnixMicros(until)})
      .status();
}

absl::Status AgentStore::ClearFailures(storage::Transaction& tx, absl::string_view agent_id) {
  return tx.Execute("DELETE FROM agent_login_failures WHERE agent_id = $1", {agent_id}).status();
}

absl::StatusOr<int64_t> AgentStore::PurgeFailures(storage::Transaction& tx, absl::Time before) {
  const int64_t before_us = absl::ToUnixMicros(before);
  return tx.Execute("DELETE FROM agent_login_failures WHERE last_failure_us < $1 AND locked_until_us < $1",
                    {before_us});
}

}  // namespace himaya::gateway
