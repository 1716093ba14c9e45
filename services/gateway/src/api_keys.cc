#include "gateway/src/api_keys.h"

#include <algorithm>
#include <optional>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/agents.h"
#include "gateway/src/api_key_store.h"
#include "gateway/src/credential_text.h"
#include "gateway/src/secrets.h"

namespace himaya::gateway {
namespace {

// key_id: "k" and 16 hex digits.
constexpr size_t kKeyIdBytes = 8;

ApiKeyView ViewOf(const ApiKeyRecord& k) {
  return {k.key_id, k.client_id, k.scopes, k.created_at, k.revoked_at.has_value(), ""};
}

}  // namespace

absl::StatusOr<ApiKeyView> ApiKeys::Create(absl::string_view client_id, std::vector<std::string> scopes) {
  RETURN_IF_ERROR(CheckClientId("client_id", client_id));
  if (scopes.empty()) return absl::InvalidArgumentError("scopes: at least one of ivr, fhir");
  for (const std::string& scope : scopes) {
    if (scope != kScopeIvr && scope != kScopeFhir)
      return absl::InvalidArgumentError("scopes: each must be ivr or fhir");
  }
  absl::c_sort(scopes);
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  ApiKeyRecord record;
  record.key_id = absl::StrCat("k", RandomHex(kKeyIdBytes));
  record.client_id = std::string(client_id);
  record.scopes = std::move(scopes);
  const std::string secret = NewToken();
  record.secret_sha256 = Sha256Hex(secret);
  record.created_at = clock_.Now();
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) { return ApiKeyStore::Insert(tx, record); }));
  ApiKeyView view = ViewOf(record);
  view.key = absl::StrCat(record.key_id, ".", secret);
  return view;
}

absl::StatusOr<std::vector<ApiKeyView>> ApiKeys::List() {
  std::vector<ApiKeyView> out;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<ApiKeyRecord> keys, ApiKeyStore::List(tx));
    out.clear();
    for (const ApiKeyRecord& k : keys) out.push_back(ViewOf(k));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<ApiKeyView> ApiKeys::Revoke(absl::string_view key_id) {
  std::optional<ApiKeyRecord> key;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(ApiKeyStore::Revoke(tx, key_id, clock_.Now()));
    ASSIGN_OR_RETURN(key, ApiKeyStore::Find(tx, key_id));
    return absl::OkStatus();
  }));
  if (!key) return absl::NotFoundError("key_id: no such key");
  return ViewOf(*key);
}

absl::StatusOr<ApiClient> ApiKeys::Authenticate(absl::string_view credential) {
  std::optional<ApiKeyParts> parts = SplitApiKey(credential);
  if (!parts) return absl::UnauthenticatedError(kApiKeyRefused);
  std::optional<ApiKeyRecord> key;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(key, ApiKeyStore::Find(tx, parts->key_id));
    return absl::OkStatus();
  }));
  if (!key || key->revoked_at || !SameSecret(Sha256Hex(parts->secret), key->secret_sha256)) {
    return absl::UnauthenticatedError(kApiKeyRefused);
  }
  return ApiClient{key->key_id, key->client_id, key->scopes};
}

}  // namespace himaya::gateway
