#include "claims/src/reference_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims/src/claim.h"
#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::claims {
namespace {

constexpr char kVersionColumns[] = "version, effective_from, sha256, acts, imported_at_us";
constexpr char kActColumns[] = "version, act_code, label, category, tnr_centimes, max_quantity, min_days_between";
constexpr char kAldColumns[] = "certificate, beneficiary_id, valid_from, valid_until, registered_by, registered_at_us";

absl::CivilDay DayOf(const std::string& text) {
  absl::CivilDay day;
  return absl::ParseCivilTime(text, &day) ? day : absl::CivilDay();
}

// Reads the columns of kVersionColumns, in their order.
StoredTariffVersion ReadVersion(const storage::Row& r) {
  return {r.Text(0), DayOf(r.Text(1)), r.Text(2), r.Int(3), absl::FromUnixMicros(r.Int(4))};
}

// Reads the columns of kAldColumns, in their order.
AldCertificate ReadAld(const storage::Row& r) {
  return {r.Text(0), r.Text(1), DayOf(r.Text(2)), DayOf(r.Text(3)), r.Text(4), absl::FromUnixMicros(r.Int(5))};
}

absl::StatusOr<std::optional<StoredTariffVersion>> OneVersion(storage::Transaction& tx, const char* column,
                                                              const std::string& value) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(absl::StrCat("SELECT ", kVersionColumns, " FROM tariff_versions WHERE ", column, " = $1"), {value}));
  if (rows.empty()) return std::nullopt;
  return ReadVersion(rows[0]);
}

}  // namespace

absl::StatusOr<std::optional<StoredTariffVersion>> ReferenceStore::FindTariffVersion(storage::Transaction& tx,
                                                                                     absl::string_view version) {
  return OneVersion(tx, "version", std::string(version));
}

absl::StatusOr<std::optional<StoredTariffVersion>> ReferenceStore::TariffVersionFrom(storage::Transaction& tx,
                                                                                     absl::CivilDay effective_from) {
  return OneVersion(tx, "effective_from", FormatClaimDay(effective_from));
}

absl::Status ReferenceStore::InsertTariffVersion(storage::Transaction& tx, const TariffVersion& v,
                                                 const std::string& sha256, absl::Time imported_at) {
  RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("INSERT INTO tariff_versions (", kVersionColumns, ") VALUES ($1, $2, $3, $4, $5)"),
                 {v.version, FormatClaimDay(v.effective_from), sha256, static_cast<int64_t>(v.acts.size()),
                  absl::ToUnixMicros(imported_at)})
          .status());
  std::vector<std::vector<storage::Value>> acts;
  acts.reserve(v.acts.size());
  for (const TariffAct& a : v.acts) {
    acts.push_back({v.version, a.act_code, a.label, a.category, a.tnr_centimes, a.max_quantity, a.min_days_between});
  }
  static const auto* const columns = new std::vector<std::string>(absl::StrSplit(kActColumns, ", "));
  return storage::InsertRows(tx, "tariff_acts", *columns, acts).status();
}

absl::StatusOr<std::optional<AldCertificate>> ReferenceStore::FindAldCertificate(storage::Transaction& tx,
                                                                                 absl::string_view certificate) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(absl::StrCat("SELECT ", kAldColumns, " FROM ald_certificates WHERE certificate = $1"), {certificate}));
  if (rows.empty()) return std::nullopt;
  return ReadAld(rows[0]);
}

absl::Status ReferenceStore::InsertAldCertificate(storage::Transaction& tx, const AldCertificate& c) {
  return tx
      .Execute(absl::StrCat("INSERT INTO ald_certificates (", kAldColumns, ") VALUES ($1, $2, $3, $4, $5, $6)"),
               {c.certificate, c.beneficiary_id, FormatClaimDay(c.valid_from), FormatClaimDay(c.valid_until),
                c.registered_by, absl::ToUnixMicros(c.registered_at)})
      .status();
}

}  // namespace himaya::claims
