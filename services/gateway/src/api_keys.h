// API keys of the IVR and of partners (himaya apikey add/list/revoke), and the check of a key
// sent as `Authorization: ApiKey <key_id>.<secret>`. The secret is 256 random bits shown once,
// at creation; only its SHA-256 is kept (a random secret needs no slow hash).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "storage/database.h"

namespace himaya::gateway {

inline constexpr char kScopeIvr[] = "ivr";
inline constexpr char kScopeFhir[] = "fhir";

// The message of every refusal of a key (malformed, unknown, wrong secret, revoked alike).
inline constexpr char kApiKeyRefused[] = "the API key is not valid";

// A key as listed; `key` (the whole `<key_id>.<secret>`) only when just created.
struct ApiKeyView {
  std::string key_id;
  std::string client_id;
  std::vector<std::string> scopes;
  absl::Time created_at;
  bool revoked = false;
  std::string key;
};

// Who holds a valid key.
struct ApiClient {
  std::string key_id;
  std::string client_id;
  std::vector<std::string> scopes;
};

class ApiKeys {
 public:
  ApiKeys(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // A new key for `client_id` ([a-z0-9._-]{3,64}) with `scopes` (from ivr, fhir), its `key` set.
  // INVALID_ARGUMENT naming the field.
  absl::StatusOr<ApiKeyView> Create(absl::string_view client_id, std::vector<std::string> scopes);
  absl::StatusOr<std::vector<ApiKeyView>> List();
  // Revokes the key at once. NOT_FOUND for an unknown id.
  absl::StatusOr<ApiKeyView> Revoke(absl::string_view key_id);
  // The client holding `credential` (`<key_id>.<secret>`). UNAUTHENTICATED (kApiKeyRefused)
  // for a malformed, unknown or revoked key or a wrong secret.
  absl::StatusOr<ApiClient> Authenticate(absl::string_view credential);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

}  // namespace himaya::gateway
