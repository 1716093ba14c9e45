#include "beneficiary/src/beneficiary_store.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "beneficiary/src/insured_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {
namespace {

// The columns ReadDependent reads, in its order.
constexpr char kDependentColumns[] =
    "beneficiary_id, registration_number, relationship, first_name, last_name, birth_date, sex, cin, identity_key, "
    "disabled, studying_until, program, source, member_id, state, refusal, declared_at_us, apprenticeship_until";

Dependent ReadDependent(const storage::Row& r) {
  Dependent d;
  d.beneficiary_id = r.Text(0);
  d.registration_number = r.Text(1);
  d.relationship = r.Text(2);
  d.first_name = r.Text(3);
  d.last_name = r.Text(4);
  d.birth_date = ParseDay(r.Text(5));
  d.sex = r.Text(6);
  d.cin = r.Text(7);
  d.identity_key = r.Text(8);
  d.disabled = r.Int(9) != 0;
  d.studying_until = ParseDay(r.Text(10));
  d.program = r.Text(11);
  d.source = r.Text(12);
  d.member_id = r.Text(13);
  d.state = ParseState(r.Text(14));
  d.refusal = r.Text(15);
  d.declared_at = absl::FromUnixMicros(r.Int(16));
  d.apprenticeship_until = ParseDay(r.Text(17));
  return d;
}

storage::Value OptionalDay(const std::optional<absl::CivilDay>& day) {
  return day ? storage::Value(FormatDay(*day)) : storage::Value();
}
storage::Value OptionalText(const std::string& text) { return text.empty() ? storage::Value() : storage::Value(text); }

// Reads the dependents `where` selects (with `params`), and their periods.
absl::StatusOr<std::vector<Dependent>> ReadWithPeriods(storage::Transaction& tx, absl::string_view where,
                                                       storage::Params params) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kDependentColumns, " FROM beneficiaries WHERE ", where,
                                                    " ORDER BY beneficiary_id"),
                                       params));
  std::vector<Dependent> out;
  if (rows.empty()) return out;
  std::map<std::string, size_t> index;
  std::vector<storage::Value> ids;
  for (const storage::Row& r : rows) {
    out.push_back(ReadDependent(r));
    index[out.back().beneficiary_id] = out.size() - 1;
    ids.push_back(out.back().beneficiary_id);
  }
  ASSIGN_OR_RETURN(auto periods, tx.Query(absl::StrCat("SELECT beneficiary_id, start_date, end_date, end_reason, note "
                                                       "FROM coverage_periods WHERE beneficiary_id IN (",
                                                       Placeholders(1, ids.size()), ") ORDER BY start_date"),
                                          ids));
  for (const storage::Row& p : periods) {
    out[index[p.Text(0)]].periods.push_back(
        {ParseDay(p.Text(1)).value_or(absl::CivilDay()), ParseDay(p.Text(2)), p.Text(3), p.Text(4)});
  }
  return out;
}

// The dependents `condition` selects (on `b`, beneficiaries) among the insured between $1 and $2
// (`params`' first two), with their periods, by beneficiary id. Periods are read by a join on
// the same range rather than by ids: a page may hold many dependents.
absl::StatusOr<std::vector<Dependent>> ReadBetween(storage::Transaction& tx, absl::string_view condition,
                                                   storage::Params params) {
  const std::string where = absl::StrCat("b.registration_number >= $1 AND b.registration_number <= $2 AND ", condition);
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kDependentColumns, " FROM beneficiaries b WHERE ", where,
                                                    " ORDER BY beneficiary_id"),
                                       params));
  std::vector<Dependent> out;
  std::map<std::string, size_t> index;
  for (const storage::Row& r : rows) {
    out.push_back(ReadDependent(r));
    index[out.back().beneficiary_id] = out.size() - 1;
  }
  if (out.empty()) return out;
  ASSIGN_OR_RETURN(auto periods,
                   tx.Query(absl::StrCat("SELECT p.beneficiary_id, p.start_date, p.end_date, "
                                         "p.end_reason, p.note FROM coverage_periods p JOIN beneficiaries b "
                                         "ON b.beneficiary_id = p.beneficiary_id WHERE ",
                                         where, " ORDER BY p.start_date"),
                            params));
  for (const storage::Row& p : periods) {
    auto at = index.find(p.Text(0));
    if (at == index.end()) continue;  // changed state between the two reads
    out[at->second].periods.push_back(
        {ParseDay(p.Text(1)).value_or(absl::CivilDay()), ParseDay(p.Text(2)), p.Text(3), p.Text(4)});
  }
  return out;
}

}  // namespace

absl::Status BeneficiaryStore::Insert(storage::Transaction& tx, const Dependent& d) {
  RETURN_IF_ERROR(
      tx.Execute(absl::StrCat("INSERT INTO beneficiaries (", kDependentColumns,
                              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                              "$15, $16, $17, $18)"),
                 {d.beneficiary_id, d.registration_number, d.relationship, d.first_name, d.last_name,
                  d.birth_date ? FormatDay(*d.birth_date) : std::string(), d.sex, OptionalText(d.cin),
                  OptionalText(d.identity_key), d.disabled, OptionalDay(d.studying_until), d.program, d.source,
                  OptionalText(d.member_id), std::string(StateName(d.state)), OptionalText(d.refusal),
                  absl::ToUnixMicros(d.declared_at), OptionalDay(d.apprenticeship_until)})
          .status());
  for (const Period& p : d.periods) {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO coverage_periods (beneficiary_id, start_date, end_date, end_reason, note) "
                               "VALUES ($1, $2, $3, $4, $5)",
                               {d.beneficiary_id, FormatDay(p.start), OptionalDay(p.end), OptionalText(p.end_reason),
                                OptionalText(p.note)})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Dependent>> BeneficiaryStore::Find(storage::Transaction& tx,
                                                                absl::string_view beneficiary_id) {
  ASSIGN_OR_RETURN(auto found, ReadWithPeriods(tx, "beneficiary_id = $1", {beneficiary_id}));
  if (found.empty()) return std::nullopt;
  return std::move(found[0]);
}

absl::StatusOr<std::vector<Dependent>> BeneficiaryStore::FindMany(storage::Transaction& tx,
                                                                  const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Dependent>{};
  std::vector<storage::Value> params(ids.begin(), ids.end());
  return ReadWithPeriods(tx, absl::StrCat("beneficiary_id IN (", Placeholders(1, ids.size()), ")"), params);
}

absl::StatusOr<std::vector<Dependent>> BeneficiaryStore::Family(storage::Transaction& tx,
                                                                absl::string_view registration_number) {
  return ReadWithPeriods(tx, "registration_number = $1", {registration_number});
}

absl::StatusOr<std::vector<Dependent>> BeneficiaryStore::ActiveBetween(storage::Transaction& tx,
                                                                       absl::string_view first,
                                                                       absl::string_view last) {
  return ReadBetween(tx, "b.state = 'ACTIVE'", {first, last});
}

absl::StatusOr<std::vector<Dependent>> BeneficiaryStore::ChildrenBetween(storage::Transaction& tx,
                                                                         absl::string_view program,
                                                                         absl::string_view first,
                                                                         absl::string_view last) {
  return ReadBetween(tx, "b.relationship = 'CHILD' AND b.program = $3 AND b.state <> 'REFUSED'",
                     {first, last, program});
}

absl::StatusOr<std::vector<std::string>> BeneficiaryStore::HouseholdsAfter(storage::Transaction& tx,
                                                                           absl::string_view program,
                                                                           absl::string_view after, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT DISTINCT registration_number FROM beneficiaries "
                                       "WHERE program = $1 AND relationship = 'CHILD' AND registration_number > $2 "
                                       "AND state <> 'REFUSED' ORDER BY registration_number LIMIT $3",
                                       {program, after, limit}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const storage::Row& r : rows) out.push_back(r.Text(0));
  return out;
}

absl::StatusOr<bool> BeneficiaryStore::HasMember(storage::Transaction& tx, absl::string_view member_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM beneficiaries WHERE member_id = $1", {member_id}));
  return !rows.empty();
}

absl::StatusOr<std::vector<Dependent>> BeneficiaryStore::Pending(storage::Transaction& tx, int limit) {
  ASSIGN_OR_RETURN(std::vector<Dependent> out,
                   ReadWithPeriods(tx,
                                   "beneficiary_id IN (SELECT beneficiary_id FROM beneficiaries "
                                   "WHERE state = 'DETAILS_PENDING' ORDER BY declared_at_us, beneficiary_id LIMIT $1)",
                                   {limit}));
  std::sort(out.begin(), out.end(), [](const Dependent& a, const Dependent& b) {
    return std::tie(a.declared_at, a.beneficiary_id) < std::tie(b.declared_at, b.beneficiary_id);
  });
  return out;
}

absl::StatusOr<bool> BeneficiaryStore::Resolve(storage::Transaction& tx, const Dependent& d) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      tx.Execute("UPDATE beneficiaries SET first_name = $2, last_name = $3, birth_date = $4, sex = $5, "
                 "cin = $6, identity_key = $7, state = $8, refusal = $9 "
                 "WHERE beneficiary_id = $1 AND state = 'DETAILS_PENDING'",
                 {d.beneficiary_id, d.first_name, d.last_name, d.birth_date ? FormatDay(*d.birth_date) : std::string(),
                  d.sex, OptionalText(d.cin), OptionalText(d.identity_key), std::string(StateName(d.state)),
                  OptionalText(d.refusal)}));
  return changed > 0;
}

absl::StatusOr<bool> BeneficiaryStore::HeldElsewhere(storage::Transaction& tx, const Dependent& d, absl::CivilDay on) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM beneficiaries b JOIN coverage_periods p "
                                       "ON p.beneficiary_id = b.beneficiary_id "
                                       "WHERE (b.identity_key = $1 OR b.cin = $2) AND b.registration_number <> $3 "
                                       "AND b.state = 'ACTIVE' AND (p.end_date IS NULL OR p.end_date >= $4) LIMIT 1",
                                       {d.identity_key, OptionalText(d.cin), d.registration_number, FormatDay(on)}));
  return !rows.empty();
}

absl::Status BeneficiaryStore::LockIdentities(storage::Transaction& tx, std::vector<std::string> identity_keys) {
  std::sort(identity_keys.begin(), identity_keys.end());
  identity_keys.erase(std::unique(identity_keys.begin(), identity_keys.end()), identity_keys.end());
  for (const std::string& key : identity_keys) {
    // An upsert that always writes: it takes the row even when it exists already.
    RETURN_IF_ERROR(tx.Execute("INSERT INTO dependent_identities (identity_key) VALUES ($1) "
                               "ON CONFLICT (identity_key) DO UPDATE SET identity_key = excluded.identity_key",
                               {key})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> BeneficiaryStore::EndPeriod(storage::Transaction& tx, absl::string_view beneficiary_id,
                                                 absl::CivilDay end, absl::string_view reason, absl::string_view note) {
  ASSIGN_OR_RETURN(int64_t changed,
                   tx.Execute("UPDATE coverage_periods SET end_date = $2, end_reason = $3, note = $4 "
                              "WHERE beneficiary_id = $1 AND end_date IS NULL",
                              {beneficiary_id, FormatDay(end), reason, OptionalText(std::string(note))}));
  return changed > 0;
}

absl::StatusOr<std::optional<BeneficiaryStore::KeptDeclaration>> BeneficiaryStore::DeclaredWith(
    storage::Transaction& tx, absl::string_view idempotency_key) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT registration_number, beneficiary_id FROM declaration_keys "
                                       "WHERE idempotency_key = $1",
                                       {idempotency_key}));
  if (rows.empty()) return std::nullopt;
  return KeptDeclaration{rows[0].Text(0), rows[0].Text(1)};
}

absl::Status BeneficiaryStore::KeepDeclaration(storage::Transaction& tx, absl::string_view idempotency_key,
                                               const KeptDeclaration& declaration, absl::Time at) {
  return tx
      .Execute(
          "INSERT INTO declaration_keys (idempotency_key, registration_number, beneficiary_id, created_at_us) "
          "VALUES ($1, $2, $3, $4)",
          {idempotency_key, declaration.registration_number, declaration.beneficiary_id, absl::ToUnixMicros(at)})
      .status();
}

}  // namespace himaya::beneficiary
