#include "notification/src/audience_store.h"

#include <limits>

#include "core/status_macros.h"
#include "storage/bulk.h"

namespace himaya::notification {

absl::Status AudienceStore::Add(storage::Transaction& tx, const AudienceMember& m) {
  return tx
      .Execute(
          "INSERT INTO audience (registration_number, program, category, city, region, "
          "preferred_language, registered_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7) "
          "ON CONFLICT DO NOTHING",
          {m.registration_number, m.program, m.category, m.city, m.region, m.preferred_language,
           absl::ToUnixMicros(m.registered_at)})
      .status();
}

absl::Status AudienceStore::AddMany(storage::Transaction& tx, const std::vector<AudienceMember>& members) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(members.size());
  for (const AudienceMember& m : members) {
    rows.push_back({m.registration_number, m.program, m.category, m.city, m.region, m.preferred_language,
                    absl::ToUnixMicros(m.registered_at)});
  }
  return storage::InsertRows(
             tx, "audience",
             {"registration_number", "program", "category", "city", "region", "preferred_language", "registered_at_us"},
             std::move(rows), "ON CONFLICT DO NOTHING")
      .status();
}

absl::StatusOr<std::optional<std::string>> AudienceStore::LanguageOf(storage::Transaction& tx,
                                                                     const std::string& registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT preferred_language FROM audience WHERE registration_number = $1",
                                       {registration_number}));
  if (rows.empty()) return std::nullopt;
  return rows[0].Text(0);
}

absl::StatusOr<bool> AudienceStore::IsActivated(storage::Transaction& tx, const std::string& registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM audience WHERE registration_number = $1 "
                                       "AND activated_at_us IS NOT NULL",
                                       {registration_number}));
  return !rows.empty();
}

absl::Status AudienceStore::MarkActivated(storage::Transaction& tx, const std::string& registration_number,
                                          absl::Time at) {
  return tx
      .Execute("UPDATE audience SET activated_at_us = $2 WHERE registration_number = $1",
               {registration_number, absl::ToUnixMicros(at)})
      .status();
}

absl::StatusOr<std::vector<AudienceMember>> AudienceStore::InSegment(storage::Transaction& tx, const Segment& segment,
                                                                     const std::string& after, int limit) {
  // The segment's filters, each either given or skipped ($N = '' or a NULL bound).
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT registration_number, program, category, city, region, preferred_language, "
                            "registered_at_us, activated_at_us FROM audience "
                            "WHERE program = $1 AND registration_number > $2 "
                            "AND ($3 = '' OR category = $3) AND ($4 = '' OR city = $4) AND ($5 = '' OR region = $5) "
                            "AND registered_at_us < $6 AND ($7 = 0 OR activated_at_us IS NULL) "
                            "ORDER BY registration_number LIMIT $8",
                            {segment.program, after, segment.category, segment.city, segment.region,
                             segment.registered_before ? absl::ToUnixMicros(*segment.registered_before)
                                                       : std::numeric_limits<int64_t>::max(),
                             int64_t{segment.not_activated ? 1 : 0}, int64_t{limit}}));
  std::vector<AudienceMember> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    AudienceMember m{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), absl::FromUnixMicros(r.Int(6))};
    if (!r.IsNull(7)) m.activated_at = absl::FromUnixMicros(r.Int(7));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace himaya::notification
