#include "gateway/src/api_key_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/stored_fields.h"

namespace himaya::gateway {
namespace {

constexpr char kColumns[] = "key_id, client_id, scopes, secret_sha256, created_at_us, revoked_at_us";

ApiKeyRecord FromRow(const storage::Row& r) {
  ApiKeyRecord k;
  k.key_id = r.Text(0);
  k.client_id = r.Text(1);
  k.scopes = ListFrom(r.Text(2));
  k.secret_sha256 = r.Text(3);
  k.created_at = absl::FromUnixMicros(r.Int(4));
  k.revoked_at = TimeOrNone(r, 5);
  return k;
}

}  // namespace

absl::Status ApiKeyStore::Insert(storage::Transaction& tx, const ApiKeyRecord& k) {
  return tx
      .Execute(absl::StrCat("INSERT INTO api_keys (", kColumns, ") VALUES ($1, $2, $3, $4, $5, $6)"),
               {k.key_id, k.client_id, ListText(k.scopes), k.secret_sha256, absl::ToUnixMicros(k.created_at),
                MicrosOrNull(k.revoked_at)})
      .status();
}

absl::StatusOr<std::optional<ApiKeyRecord>> ApiKeyStore::Find(storage::Transaction& tx, absl::string_view key_id) {
  ASSIGN_OR_RETURN(std::vector<storage::Row> rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM api_keys WHERE key_id = $1"), {key_id}));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

absl::StatusOr<std::vector<ApiKeyRecord>> ApiKeyStore::List(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(
      std::vector<storage::Row> rows,
      tx.Query(absl::StrCat("SELECT ", kColumns, " FROM api_keys ORDER BY client_id, created_at_us, key_id")));
  std::vector<ApiKeyRecord> keys;
  keys.reserve(rows.size());
  for (const storage::Row& r : rows) keys.push_back(FromRow(r));
  return keys;
}

absl::Status ApiKeyStore::Revoke(storage::Transaction& tx, absl::string_view key_id, absl::Time at) {
  ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE api_keys SET revoked_at_us = COALESCE(revoked_at_us, $1) "
                                         "WHERE key_id = $2",
                                         {absl::ToUnixMicros(at), key_id}));
  if (n == 0) return absl::NotFoundError("key_id: no such key");
  return absl::OkStatus();
}

}  // namespace himaya::gateway
