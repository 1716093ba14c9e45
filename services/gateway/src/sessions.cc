#include "gateway/src/sessions.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/secrets.h"

namespace himaya::gateway {

absl::Status CheckSessionOptions(const SessionOptions& o) {
  if (o.idle <= absl::ZeroDuration()) return absl::InvalidArgumentError("session_idle: must be positive");
  if (o.absolute <= absl::ZeroDuration()) return absl::InvalidArgumentError("session_absolute: must be positive");
  if (o.idle > o.absolute) return absl::InvalidArgumentError("session_idle: longer than session_absolute");
  if (o.extend_every < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("session_extend_every: must not be negative");
  }
  if (o.purge_every <= absl::ZeroDuration()) return absl::InvalidArgumentError("session_purge_every: must be positive");
  if (o.purge_chunk < 1) return absl::InvalidArgumentError("session_purge_chunk: at least 1");
  return absl::OkStatus();
}

Sessions::Sessions(storage::Database& db, const core::Clock& clock, SessionOptions options)
    : db_(db), clock_(clock), options_(options), purge_loop_([this] {
        absl::StatusOr<int64_t> purged = PurgeEnded();
        if (!purged.ok()) log::Warn("sessions could not be purged", {{"error", purged.status()}});
        return options_.purge_every;
      }) {}

absl::StatusOr<OpenedSession> Sessions::Open(SessionKind kind, absl::string_view subject,
                                             std::vector<std::string> roles) {
  const absl::Time now = clock_.Now();
  OpenedSession opened;
  opened.token = NewToken();
  SessionRecord record;
  record.key = Sha256Hex(opened.token);
  record.kind = kind;
  record.subject = std::string(subject);
  record.roles = std::move(roles);
  record.created_at = now;
  record.absolute_expiry = now + options_.absolute;
  record.expires_at = std::min(now + options_.idle, record.absolute_expiry);
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return SessionStore::Insert(tx, record); }));
  opened.session = {record.key, record.kind, record.subject, record.roles, record.expires_at, record.absolute_expiry};
  return opened;
}

absl::StatusOr<ActiveSession> Sessions::Resume(absl::string_view token) {
  if (!LooksLikeToken(token)) return absl::UnauthenticatedError(kSessionRefused);
  const std::string key = Sha256Hex(token);
  const absl::Time now = clock_.Now();
  std::optional<SessionRecord> found;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, SessionStore::Find(tx, key));
    return absl::OkStatus();
  }));
  if (!found || found->revoked_at || found->expires_at <= now || found->absolute_expiry <= now) {
    return absl::UnauthenticatedError(kSessionRefused);
  }
  const absl::Time extended = std::min(now + options_.idle, found->absolute_expiry);
  if (extended - found->expires_at >= options_.extend_every && extended > found->expires_at) {
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return SessionStore::SetExpiry(tx, key, extended); }));
    found->expires_at = extended;
  }
  return ActiveSession{key, found->kind, found->subject, found->roles, found->expires_at, found->absolute_expiry};
}

absl::Status Sessions::Revoke(absl::string_view key) {
  return db_.Write([&](storage::Transaction& tx) { return SessionStore::Revoke(tx, key, clock_.Now()).status(); });
}

absl::StatusOr<int64_t> Sessions::PurgeEnded() {
  int64_t total = 0;
  while (true) {
    int64_t n = 0;
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(n, SessionStore::PurgeEnded(tx, clock_.Now(), options_.purge_chunk));
      return absl::OkStatus();
    }));
    total += n;
    if (n < options_.purge_chunk || purge_loop_.stopping()) return total;
  }
}

std::string Sessions::Cookie(const OpenedSession& opened) const {
  const int64_t max_age = std::max<int64_t>(0, absl::ToInt64Seconds(opened.session.absolute_expiry - clock_.Now()));
  return absl::StrCat(kSessionCookie, "=", opened.token, "; Max-Age=", max_age,
                      "; Path=/; HttpOnly; Secure; SameSite=Strict");
}

std::string Sessions::ClearedCookie() {
  return absl::StrCat(kSessionCookie, "=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict");
}

}  // namespace himaya::gateway
