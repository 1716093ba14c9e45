#include "registration/src/person_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "registration/src/registration_number.h"

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
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kColumns, " FROM persons WHERE ",
                                                    column, " = $1"),
                                       {value}));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows.front());
}

}  // namespace

absl::StatusOr<int64_t> PersonStore::NextSequence(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("UPDATE sequences SET next_value = next_value + 1 "
                                       "WHERE name = 'registration_number' "
                                       "RETURNING next_value - 1"));
  if (rows.empty()) return absl::InternalError("sequences: registration_number is missing");
  int64_t value = rows.front().Int(0);
  if (value > kLastSequence) {
    return absl::ResourceExhaustedError("registration numbers: the sequence is exhausted");
  }
  return value;
}

absl::Status PersonStore::Insert(storage::Transaction& tx, const Person& p) {
  return tx
      .Execute(absl::StrCat("INSERT INTO persons (", kColumns,
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
               {p.registration_number, p.cin, p.last_name, p.first_name, p.birth_date, p.sex,
                p.phone.empty() ? storage::Value() : storage::Value(p.phone), p.city,
                p.preferred_language, p.program, p.category, absl::ToUnixMicros(p.registered_at)})
      .status();
}

absl::StatusOr<std::optional<Person>> PersonStore::FindByNumber(storage::Transaction& tx,
                                                                absl::string_view number) {
  return FindOne(tx, "registration_number", number);
}

absl::StatusOr<std::optional<Person>> PersonStore::FindByCin(storage::Transaction& tx,
                                                             absl::string_view cin) {
  return FindOne(tx, "cin", cin);
}

}  // namespace himaya::registration
