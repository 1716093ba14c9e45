// Sessions of the portal and of agents' desks: a random token in the cookie
// `__Host-himaya_session` (HttpOnly; Secure; SameSite=Strict; Path=/), of which only the SHA-256 is kept. A session ends when
// idle for `idle` (the expiry slides with use, written at most once per `extend_every`), at
// `absolute` after it was opened whatever its use, or when revoked (logged out, agent disabled).
// Ended sessions are purged by a background loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "gateway/src/session_store.h"
#include "storage/database.h"

namespace himaya::gateway {

struct SessionOptions {
  absl::Duration idle = absl::Minutes(30);
  absl::Duration absolute = absl::Hours(12);
  // The sliding expiry is written only when it moves by at least this much, to spare writes.
  absl::Duration extend_every = absl::Minutes(1);
  // How often ended sessions are purged, and how many per transaction.
  absl::Duration purge_every = absl::Minutes(5);
  int purge_chunk = 1000;
};

// INVALID_ARGUMENT naming the flag when a duration is not positive or idle exceeds absolute.
absl::Status CheckSessionOptions(const SessionOptions& options);

// A session in use, as the Authenticator hands it to the pipeline.
struct ActiveSession {
  std::string key;
  SessionKind kind = SessionKind::kInsured;
  std::string subject;
  std::vector<std::string> roles;
  absl::Time expires_at;
  absl::Time absolute_expiry;
};

// A session just opened: its token goes in the cookie and nowhere else.
struct OpenedSession {
  std::string token;
  ActiveSession session;
};

// The message of every refusal of a session (unknown, expired, revoked, malformed alike).
inline constexpr char kSessionRefused[] = "the session is not valid; log in again";

class Sessions {
 public:
  Sessions(storage::Database& db, const core::Clock& clock, SessionOptions options);
  ~Sessions() { Stop(); }

  // Opens a session for `subject`. Errors are the database's.
  absl::StatusOr<OpenedSession> Open(SessionKind kind, absl::string_view subject, std::vector<std::string> roles);
  // The session of a cookie's token, its idle expiry pushed forward. UNAUTHENTICATED
  // (kSessionRefused) when the token is malformed, unknown, expired or revoked.
  absl::StatusOr<ActiveSession> Resume(absl::string_view token);
  // Revokes the session under `key` (logging out). OK when it had already ended.
  absl::Status Revoke(absl::string_view key);
  // Deletes ended sessions, a chunk per transaction. Returns how many.
  absl::StatusOr<int64_t> PurgeEnded();

  // The Set-Cookie value carrying `opened`'s token until its absolute expiry (the idle one is
  // the gateway's to enforce: it slides).
  std::string Cookie(const OpenedSession& opened) const;
  // The Set-Cookie value that clears the cookie (Max-Age=0).
  static std::string ClearedCookie();

  const SessionOptions& options() const { return options_; }

  // The purge loop (every options.purge_every).
  void Start() { purge_loop_.Start(); }
  void Stop() { purge_loop_.Stop(); }

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const SessionOptions options_;
  core::BackgroundLoop purge_loop_;
};

}  // namespace himaya::gateway
