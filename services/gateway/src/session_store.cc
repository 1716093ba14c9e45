#include "gateway/src/session_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/stored_fields.h"

namespace himaya::gateway {
namespace {

constexpr char kColumns[] =
    "token_sha256, kind, subject, roles, created_at_us, expires_at_us, absolute_expiry_us, revoked_at_us";

absl::StatusOr<SessionKind> KindFrom(absl::string_view text) {
  if (text == "INSURED") return SessionKind::kInsured;
  if (text == "AGENT") return SessionKind::kAgent;
  return absl::DataLossError(absl::StrCat("sessions: unknown kind '", text, "'"));
}

absl::StatusOr<SessionRecord> FromRow(const storage::Row& r) {
  SessionRecord s;
  s.key = r.Text(0);
  ASSIGN_OR_RETURN(s.kind, KindFrom(r.Text(1)));
  s.subject = r.Text(2);
  s.roles = ListFrom(r.Text(3));
  s.created_at = absl::FromUnixMicros(r.Int(4));
  s.expires_at = absl::FromUnixMicros(r.Int(5));
  s.absolute_expiry = absl::FromUnixMicros(r.Int(6));
  s.revoked_at = TimeOrNone(r, 7);
  return s;
}

}  // namespace

absl::string_view SessionKindName(SessionKind kind) { return kind == SessionKind::kAgent ? "AGENT" : "INSURED"; }

absl::Status SessionStore::Insert(storage::Transaction& tx, const SessionRecord& s) {
  return InsertRow(
      tx, "sessions", kColumns,
      {s.key, SessionKindName(s.kind), s.subject, ListText(s.roles), absl::ToUnixMicros(s.created_at),
       absl::ToUnixMicros(s.expires_at), absl::ToUnixMicros(s.absolute_expiry), MicrosOrNull(s.revoked_at)});
}

absl::StatusOr<std::optional<SessionRecord>> SessionStore::Find(storage::Transaction& tx, absl::string_view key) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM sessions WHERE token_sha256 = $1"), {key}));
  if (rows.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(SessionRecord s, FromRow(rows[0]));
  return s;
}

absl::Status SessionStore::SetExpiry(storage::Transaction& tx, absl::string_view key, absl::Time expires_at) {
  return tx
      .Execute("UPDATE sessions SET expires_at_us = $1 WHERE token_sha256 = $2 AND revoked_at_us IS NULL",
               {absl::ToUnixMicros(expires_at), key})
      .status();
}

absl::StatusOr<bool> SessionStore::Revoke(storage::Transaction& tx, absl::string_view key, absl::Time at) {
  ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE sessions SET revoked_at_us = $1 "
                                         "WHERE token_sha256 = $2 AND revoked_at_us IS NULL",
                                         {absl::ToUnixMicros(at), key}));
  return n > 0;
}

absl::StatusOr<int64_t> SessionStore::RevokeAllOf(storage::Transaction& tx, SessionKind kind, absl::string_view subject,
                                                  absl::Time at) {
  return tx.Execute(
      "UPDATE sessions SET revoked_at_us = $1 "
      "WHERE kind = $2 AND subject = $3 AND revoked_at_us IS NULL",
      {absl::ToUnixMicros(at), SessionKindName(kind), subject});
}

absl::StatusOr<int64_t> SessionStore::PurgeEnded(storage::Transaction& tx, absl::Time now, int limit) {
  const int64_t now_us = absl::ToUnixMicros(now);
  return tx.Execute(
      "DELETE FROM sessions WHERE token_sha256 IN (SELECT token_sha256 FROM sessions "
      "WHERE expires_at_us <= $1 OR absolute_expiry_us <= $1 OR revoked_at_us IS NOT NULL LIMIT $2)",
      {now_us, limit});
}

}  // namespace himaya::gateway
