// Fuzzes the TNR reader: the input is a version's CSV. What ParseTariffCsv accepts holds what
// tariff.h promises (each column within its bounds, a code once, at most 100000 acts) and a
// Tariff of it answers each act on its effective day and none the day before; what it refuses
// is INVALID_ARGUMENT "line N: ...".
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "claims/src/tariff.h"
#include "claims_file/claim_row.h"
#include "claims_file/dirhams.h"
#include "claims_file/tariff_csv.h"

namespace {

using namespace himaya::claims;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<TariffAct>> acts = himaya::claims_file::ParseTariffCsv(input);
  if (!acts.ok()) {
    Check(acts.status().code() == absl::StatusCode::kInvalidArgument);
    Check(absl::StartsWith(acts.status().message(), "line "));
    return 0;
  }
  Check(!acts->empty() && acts->size() <= 100000);
  std::set<std::string> codes;
  for (const TariffAct& act : *acts) {
    absl::StatusOr<std::string> code = himaya::claims_file::NormalizeActCode(act.act_code);
    Check(code.ok() && *code == act.act_code);
    Check(codes.insert(act.act_code).second);
    Check(!act.label.empty() && act.label.size() <= 200);
    Check(himaya::claims_file::IsCareCategory(act.category));
    Check(act.tnr_centimes > 0 && act.tnr_centimes <= himaya::claims_file::kMaxDirhamsCentimes);
    Check(act.max_quantity >= 1 && act.max_quantity <= himaya::claims_file::kMaxQuantity);
    Check(act.min_days_between >= 0 && act.min_days_between <= 3650);
  }
  const absl::CivilDay from(2026, 1, 1);
  const Tariff tariff({TariffVersion{"FUZZ", from, *acts}});
  for (const TariffAct& act : *acts) {
    Check(tariff.Knows(act.act_code));
    std::optional<TariffAct> found = tariff.ActOn(act.act_code, from);
    Check(found.has_value() && found->tnr_centimes == act.tnr_centimes);
    Check(!tariff.ActOn(act.act_code, from - 1).has_value());
  }
  return 0;
}
