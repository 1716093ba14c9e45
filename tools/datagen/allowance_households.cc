#include "datagen/allowance_households.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"
#include "storage/bulk.h"
#include "storage/database.h"

namespace himaya::datagen {
namespace {

constexpr char kProgram[] = "family-allowances";
constexpr char kCoveredFrom[] = "2023-06-01";
// Children written per transaction.
constexpr size_t kRowsPerTransaction = 50000;

// Household i's children: 1 to 7, born from 2008 to 2023.
int ChildrenOf(int64_t i) { return static_cast<int>(1 + (i * 2654435761LL) % 7); }
std::string BirthOf(int64_t i, int c) { return absl::StrCat(2008 + (i + 3 * c) % 16, "-0", 1 + c, "-15"); }

}  // namespace

absl::StatusOr<int64_t> WriteAllowanceHouseholds(const std::string& url, int64_t n) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  int64_t children = 0;
  std::vector<std::vector<storage::Value>> insured, beneficiaries, periods;
  auto flush = [&]() -> absl::Status {
    return db->Write([&](storage::Transaction& tx) -> absl::Status {
      RETURN_IF_ERROR(storage::InsertRows(tx, "insured",
                                          {"registration_number", "program", "category", "city", "region",
                                           "registered_on", "registered", "next_rank"},
                                          insured)
                          .status());
      RETURN_IF_ERROR(storage::InsertRows(tx, "beneficiaries",
                                          {"beneficiary_id", "registration_number", "relationship", "first_name",
                                           "last_name", "birth_date", "sex", "identity_key", "disabled", "program",
                                           "source", "state", "declared_at_us"},
                                          beneficiaries)
                          .status());
      return storage::InsertRows(tx, "coverage_periods", {"beneficiary_id", "start_date"}, periods).status();
    });
  };
  for (int64_t i = 0; i < n; ++i) {
    const std::string number = identity::FormatRegistrationNumber(identity::kFirstSequence + i);
    const int count = ChildrenOf(i);
    insured.push_back({number, kProgram, "RSU", "Agadir", i % 2 ? "Souss-Massa" : "Oriental", kCoveredFrom, int64_t{1},
                       int64_t{count + 1}});
    for (int c = 1; c <= count; ++c) {
      const std::string id = absl::StrCat(number, "-0", c);
      beneficiaries.push_back({id, number, "CHILD", "Sara", "Alaoui", BirthOf(i, c), "F", absl::StrCat("NAME:", id),
                               int64_t{c == 7 ? 1 : 0}, kProgram, "LIAISON_BATCH", "ACTIVE", int64_t{0}});
      periods.push_back({id, kCoveredFrom});
      ++children;
    }
    if (beneficiaries.size() >= kRowsPerTransaction || i + 1 == n) {
      RETURN_IF_ERROR(flush());
      insured.clear();
      beneficiaries.clear();
      periods.clear();
    }
  }
  return children;
}

}  // namespace himaya::datagen
