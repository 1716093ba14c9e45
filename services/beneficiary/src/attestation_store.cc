#include "beneficiary/src/attestation_store.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/family.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

constexpr char kColumns[] =
    "attestation_id, registration_number, issued_on, valid_until, family_version, key_id, issued_at_us";

IssuedAttestation Read(const storage::Row& r) {
  return {r.Text(0),
          r.Text(1),
          ParseDay(r.Text(2)).value_or(absl::CivilDay()),
          ParseDay(r.Text(3)).value_or(absl::CivilDay()),
          r.Int(4),
          r.Text(5),
          absl::FromUnixMicros(r.Int(6))};
}

}  // namespace

absl::Status AttestationStore::Insert(storage::Transaction& tx, const IssuedAttestation& a) {
  return tx
      .Execute(absl::StrCat("INSERT INTO attestations (", kColumns, ") VALUES ($1, $2, $3, $4, $5, $6, $7)"),
               {a.attestation_id, a.registration_number, FormatDay(a.issued_on), FormatDay(a.valid_until),
                a.family_version, a.key_id, absl::ToUnixMicros(a.issued_at)})
      .status();
}

absl::StatusOr<std::optional<IssuedAttestation>> AttestationStore::Find(storage::Transaction& tx,
                                                                        absl::string_view attestation_id) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(absl::StrCat("SELECT ", kColumns, " FROM attestations WHERE attestation_id = $1"), {attestation_id}));
  if (rows.empty()) return std::nullopt;
  return Read(rows[0]);
}

absl::StatusOr<std::optional<IssuedAttestation>> AttestationStore::LatestOfVersion(
    storage::Transaction& tx, absl::string_view registration_number, int64_t family_version) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                    " FROM attestations WHERE registration_number = $1 "
                                                    "AND family_version = $2 ORDER BY issued_at_us DESC LIMIT 1"),
                                       {registration_number, family_version}));
  if (rows.empty()) return std::nullopt;
  return Read(rows[0]);
}

}  // namespace himaya::beneficiary
