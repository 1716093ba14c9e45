// The api_keys table (migrations/common/0001_gateway.sql): the only place that writes its SQL. A
// key is kept as its id, its client, its scopes and its secret's SHA-256.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::gateway {

struct ApiKeyRecord {
  std::string key_id;
  std::string client_id;
  std::vector<std::string> scopes;
  std::string secret_sha256;
  absl::Time created_at;
  std::optional<absl::Time> revoked_at;
};

class ApiKeyStore {
 public:
  // ALREADY_EXISTS when the id is taken.
  static absl::Status Insert(storage::Transaction& tx, const ApiKeyRecord& key);
  static absl::StatusOr<std::optional<ApiKeyRecord>> Find(storage::Transaction& tx, absl::string_view key_id);
  // Every key, by client then creation.
  static absl::StatusOr<std::vector<ApiKeyRecord>> List(storage::Transaction& tx);
  // Marks the key revoked at `at` unless it already is. NOT_FOUND for an unknown id.
  static absl::Status Revoke(storage::Transaction& tx, absl::string_view key_id, absl::Time at);
};

}  // namespace himaya::gateway
