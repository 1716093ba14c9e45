#include "registration/src/person_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"
#include "registration/src/name_key.h"
#include "storage/bulk.h"

namespace himaya::registration {
namespace {

constexpr absl::string_view kColumns =
    "registration_number, cin, last_name, first_name, birth_date, sex, phone, city, "
    "preferred_language, program, category, registered_at_us";

Person FromRow(const storage::Row& row) {
  Person p;
  p.registration_number = row.Text(0);
  p.cin = row.Text(1);
  p.last_name = row.Text(2);
  p.first_name = row.Text(3);
  p.birth_date = row.Text(4);
  p.sex = row.Text(5);
  p.phone = row.Text(6);
  p.city = row.Text(7);
  p.preferred_language = row.Text(8);
  p.program = row.Text(9);
  p.category = row.Text(10);
  p.registered_at = absl::FromUnixMicros(row.Int(11));
  return p;
}

absl::StatusOr<std::optional<Person>> FindOne(storage::Transaction& tx, absl::string_view column,
                                              absl::string_view value) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns, " FROM persons WHERE ", column, " = $1"), {value}));
  if (rows.empty() && column == "cin") {
    // A CIN an agent merged into an existing person (review decision) finds that person.
    ASSIGN_OR_RETURN(rows, tx.Query(absl::StrCat("SELECT ", kColumns,
                                                 " FROM persons WHERE "
                                                 "registration_number = (SELECT registration_number "
                                                 "FROM cin_aliases WHERE cin = $1)"),
                                    {value}));
  }
  if (rows.empty()) return std::nullopt;
  return FromRow(rows.front());
}

}  // namespace

const std::vector<std::string>& PersonStore::InsertColumns() {
  static const auto* const columns = new std::vector<std::string>{"registration_number",
                                                                  "cin",
                                                                  "last_name",
                                                                  "first_name",
                                                                  "birth_date",
                                                                  "sex",
                                                                  "phone",
                                                                  "city",
                                                                  "preferred_language",
                                                                  "program",
                                                                  "category",
                                                                  "registered_at_us",
                                                                  "last_name_ar",
                                                                  "first_name_ar",
                                                                  "email",
                                                                  "address",
                                                                  "name_key"};
  return *columns;
}

std::vector<storage::Value> PersonStore::InsertValues(const Person& p) {
  auto optional = [](const std::string& v) { return v.empty() ? storage::Value() : storage::Value(v); };
  return {p.registration_number,
          p.cin,
          p.last_name,
          p.first_name,
          p.birth_date,
          p.sex,
          optional(p.phone),
          p.city,
          p.preferred_language,
          p.program,
          p.category,
          absl::ToUnixMicros(p.registered_at),
          optional(p.last_name_ar),
          optional(p.first_name_ar),
          optional(p.email),
          optional(p.address),
          PersonNameKey(p.last_name, p.first_name)};
}

absl::Status PersonStore::Insert(storage::Transaction& tx, const Person& p) {
  return storage::InsertRows(tx, "persons", InsertColumns(), {InsertValues(p)}).status();
}

absl::Status PersonStore::InsertMany(storage::Transaction& tx, const std::vector<Person>& persons) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(persons.size());
  for (const Person& p : persons) rows.push_back(InsertValues(p));
  return storage::InsertRows(tx, "persons", InsertColumns(), std::move(rows)).status();
}

absl::Status PersonStore::RecordActivities(storage::Transaction& tx, const std::vector<Activity>& activities) {
  std::vector<std::vector<storage::Value>> rows;
  rows.reserve(activities.size());
  for (const Activity& a : activities) {
    rows.push_back({a.registration_number, a.program, a.category, a.liaison_body, a.professional_id, a.batch_key,
                    a.recorded_at_us});
  }
  return storage::InsertRows(tx, "activities",
                             {"registration_number", "program", "category", "liaison_body", "professional_id",
                              "batch_key", "recorded_at_us"},
                             std::move(rows))
      .status();
}

absl::Status PersonStore::AddCinAlias(storage::Transaction& tx, absl::string_view cin,
                                      absl::string_view registration_number, absl::string_view reason) {
  return tx
      .Execute("INSERT INTO cin_aliases (cin, registration_number, reason) VALUES ($1, $2, $3)",
               {cin, registration_number, reason})
      .status();
}

absl::StatusOr<std::optional<Person>> PersonStore::FindByNumber(storage::Transaction& tx, absl::string_view number) {
  return FindOne(tx, "registration_number", number);
}

absl::StatusOr<std::optional<Person>> PersonStore::FindByCin(storage::Transaction& tx, absl::string_view cin) {
  return FindOne(tx, "cin", cin);
}

absl::StatusOr<std::vector<PersonGroupCount>> PersonStore::CountByGroup(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT program, COALESCE(category, ''), COALESCE(city, ''), COUNT(*) "
                                       "FROM persons GROUP BY program, category, city"));
  std::vector<PersonGroupCount> counts;
  for (const storage::Row& r : rows) counts.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return counts;
}

}  // namespace himaya::registration
