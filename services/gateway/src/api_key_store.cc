#include "gateway/src/api_key_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/stored_fields.h"

namespace himaya::gateway {
namespace {

constexpr char kColumns[] = "key_id, client_id, scopes, secret_sha256, created_at_us, revoked_at_us";

ApiKeyRecord FromRow(const storage::Row& r) {
  return {r.Text(0), r.Text(1), ListFrom(r.Text(2)), r.Text(3), absl::FromUnixMicros(r.Int(4)), TimeOrNone(r, 5)};
}

}  // namespace

absl::Status ApiKeyStore::Insert(storage::Transaction& tx, const ApiKeyRecord& k) {
  return InsertRow(tx, "api_keys", kColumns,
                   {k.key_id, k.client_id, ListText(k.scopes), k.secret_sha256, absl::ToUnixMicros(k.created_at),
                    MicrosOrNull(k.revoked_at)});
}

absl::StatusOr<std::optional<ApiKeyRecord>> ApiKeyStore::Find(storage::Transaction& tx, absl::string_view key_id) {
  return ReadRecord(tx, absl::StrCat("SELECT ", kColumns, " FROM api_keys WHERE key_id = $1"), {key_id}, FromRow);
}

absl::StatusOr<std::vector<ApiKeyRecord>> ApiKeyStore::List(storage::Transaction& tx) {
  return ReadRecords(tx, absl::StrCat("SELECT ", kColumns, " FROM api_keys ORDER BY client_id, created_at_us, key_id"),
                     {}, FromRow);
}

absl::Status ApiKeyStore::Revoke(storage::Transaction& tx, absl::string_view key_id, absl::Time at) {
  return StampOnce(tx, "api_keys", "revoked_at_us", "key_id", key_id, at, "key_id: no such key");
}

}  // namespace himaya::gateway
