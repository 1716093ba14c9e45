#include "beneficiary/src/insured_store.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "beneficiary/src/suspension_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {

std::string Placeholders(size_t first, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i == 0 ? "$" : ", $", first + i);
  return out;
}

namespace {

constexpr char kInsuredColumns[] =
    "registration_number, program, category, city, region, registered_on, registered, family_version";

Insured ReadInsured(const storage::Row& r) {
  return Insured{r.Text(0),     r.Text(1), r.Text(2),
                 r.Text(3),     r.Text(4), ParseDay(r.Text(5)).value_or(absl::CivilDay()),
                 r.Int(6) != 0, r.Int(7)};
}

// Reads the suspensions of `insured` into them.
absl::Status AttachSuspensions(storage::Transaction& tx, std::vector<Insured>& insured) {
  std::vector<std::string> numbers;
  numbers.reserve(insured.size());
  for (const Insured& i : insured) numbers.push_back(i.registration_number);
  ASSIGN_OR_RETURN(auto suspensions, SuspensionStore::ForMany(tx, numbers));
  for (Insured& i : insured) {
    auto found = suspensions.find(i.registration_number);
    if (found != suspensions.end()) i.suspensions = std::move(found->second);
  }
  return absl::OkStatus();
}

// The one insured of `rows` (none when empty), with their suspensions.
absl::StatusOr<std::optional<Insured>> OneInsured(storage::Transaction& tx, const std::vector<storage::Row>& rows) {
  if (rows.empty()) return std::nullopt;
  std::vector<Insured> one{ReadInsured(rows[0])};
  RETURN_IF_ERROR(AttachSuspensions(tx, one));
  return std::move(one.front());
}

}  // namespace

absl::StatusOr<bool> InsuredStore::RecordRegistered(storage::Transaction& tx, const Insured& i) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute(
          "INSERT INTO insured (registration_number, program, category, city, region, registered_on, registered) "
          "VALUES ($1, $2, $3, $4, $5, $6, 1) "
          "ON CONFLICT (registration_number) DO UPDATE SET program = excluded.program, "
          "category = excluded.category, city = excluded.city, region = excluded.region, "
          "registered_on = excluded.registered_on, registered = 1 WHERE insured.registered = 0",
          {i.registration_number, i.program, i.category, i.city, i.region, FormatDay(i.registered_on)}));
  ASSIGN_OR_RETURN(bool enrolled, RecordEnrolment(tx, {i.registration_number, i.program, i.category, "PersonRegistered",
                                                       i.registered_on}));
  return changed > 0 || enrolled;
}

absl::StatusOr<bool> InsuredStore::RecordEnrolment(storage::Transaction& tx, const Enrolment& e) {
  RETURN_IF_ERROR(
      tx.Execute(
            "INSERT INTO insured (registration_number, program, category, city, region, registered_on, registered) "
            "VALUES ($1, $2, $3, '', '', $4, 0) ON CONFLICT (registration_number) DO NOTHING",
            {e.registration_number, e.program, e.category, FormatDay(e.since)})
          .status());
  ASSIGN_OR_RETURN(int64_t inserted,
                   tx.Execute("INSERT INTO enrolments (registration_number, program, category, source_event, since) "
                              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (registration_number, program) DO NOTHING",
                              {e.registration_number, e.program, e.category, e.source_event, FormatDay(e.since)}));
  return inserted > 0;
}

absl::StatusOr<std::optional<Insured>> InsuredStore::Find(storage::Transaction& tx,
                                                          absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kInsuredColumns, " FROM insured WHERE registration_number = $1"),
                            {registration_number}));
  return OneInsured(tx, rows);
}

absl::StatusOr<std::optional<Insured>> InsuredStore::FindForUpdate(storage::Transaction& tx,
                                                                   absl::string_view registration_number) {
  // SQLite's write transactions (BEGIN IMMEDIATE) hold the whole database already.
  const char* lock = tx.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE" : "";
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kInsuredColumns,
                                                    " FROM insured WHERE registration_number = $1", lock),
                                       {registration_number}));
  return OneInsured(tx, rows);
}

absl::StatusOr<std::vector<Insured>> InsuredStore::FindMany(storage::Transaction& tx,
                                                            const std::vector<std::string>& numbers) {
  std::vector<Insured> out;
  if (numbers.empty()) return out;
  std::vector<storage::Value> params(numbers.begin(), numbers.end());
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kInsuredColumns, " FROM insured WHERE registration_number IN (",
                                         Placeholders(1, numbers.size()), ")"),
                            params));
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadInsured(r));
  RETURN_IF_ERROR(AttachSuspensions(tx, out));
  return out;
}

absl::StatusOr<std::vector<Enrolment>> InsuredStore::Enrolments(storage::Transaction& tx,
                                                                absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, program, category, source_event, since "
                                       "FROM enrolments WHERE registration_number = $1 ORDER BY program",
                                       {registration_number}));
  std::vector<Enrolment> out;
  for (const storage::Row& r : rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), ParseDay(r.Text(4)).value_or(absl::CivilDay())});
  }
  return out;
}

absl::StatusOr<int> InsuredStore::TakeRank(storage::Transaction& tx, absl::string_view registration_number) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("UPDATE insured SET next_rank = next_rank + 1 WHERE registration_number = $1 "
                                       "RETURNING next_rank - 1",
                                       {registration_number}));
  if (rows.empty()) return absl::NotFoundError("registration_number: no insured has this number");
  const int rank = static_cast<int>(rows[0].Int(0));
  if (rank > 99) return absl::ResourceExhaustedError("family: 99 dependents were declared already");
  return rank;
}

absl::Status InsuredStore::BumpFamilyVersion(storage::Transaction& tx, absl::string_view registration_number) {
  return tx
      .Execute("UPDATE insured SET family_version = family_version + 1 WHERE registration_number = $1",
               {registration_number})
      .status();
}

absl::StatusOr<std::vector<Insured>> InsuredStore::Page(storage::Transaction& tx, absl::string_view after, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kInsuredColumns,
                                                    " FROM insured WHERE registration_number > $1 "
                                                    "ORDER BY registration_number LIMIT $2"),
                                       {after, limit}));
  std::vector<Insured> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(ReadInsured(r));
  return out;
}

absl::StatusOr<std::vector<Enrolment>> InsuredStore::EnrolmentsBetween(storage::Transaction& tx,
                                                                       absl::string_view first,
                                                                       absl::string_view last) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, program, category, source_event, since "
                                       "FROM enrolments WHERE registration_number >= $1 AND registration_number <= $2 "
                                       "ORDER BY registration_number, program",
                                       {first, last}));
  std::vector<Enrolment> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), ParseDay(r.Text(4)).value_or(absl::CivilDay())});
  }
  return out;
}

}  // namespace himaya::beneficiary
