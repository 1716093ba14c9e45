// Fuzzes the rules of a payment mode. The input is split at NUL bytes into a RIB, a wallet phone
// and a chooser. What a rule accepts must be accepted again unchanged; an accepted RIB is 24
// digits whose last two are the key of the first 22; a refusal is one of the rule's fixed
// messages (it never quotes what was typed); a masked account shows at most its last four
// characters.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "registration/src/payment_mode_rules.h"

namespace {

using namespace himaya::registration;

template <typename Normalize>
void CheckRule(Normalize normalize, absl::string_view input, const std::vector<absl::string_view>& refusals) {
  absl::StatusOr<std::string> once = normalize(input);
  if (!once.ok()) {
    if (std::find(refusals.begin(), refusals.end(), once.status().message()) == refusals.end()) std::abort();
    return;
  }
  absl::StatusOr<std::string> twice = normalize(*once);
  if (!twice.ok() || *twice != *once) std::abort();
  const std::string masked = MaskAccount(*once);
  const size_t shown = masked.find_first_not_of("* ");
  if (masked.size() > 9 || (shown != std::string::npos && !absl::EndsWith(*once, masked.substr(shown)))) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> parts = absl::StrSplit(input, absl::MaxSplits('\0', 2));
  parts.resize(3);
  // The refusals of inputs known bad, one per reason.
  static const auto* const rib_refusals = new std::vector<std::string>{
      std::string(NormalizeRib("").status().message()), std::string(NormalizeRib("x").status().message()),
      std::string(NormalizeRib("000000000000000000000000").status().message())};
  static const auto* const wallet_refusals =
      new std::vector<std::string>{std::string(NormalizeWalletPhone("").status().message())};
  CheckRule(NormalizeRib, parts[0], {rib_refusals->begin(), rib_refusals->end()});
  absl::StatusOr<std::string> rib = NormalizeRib(parts[0]);
  if (rib.ok()) {
    if (rib->size() != kRibDigits) std::abort();
    for (char c : *rib) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) std::abort();
    }
    if (RibKey(absl::string_view(*rib).substr(0, 22)) != ((*rib)[22] - '0') * 10 + ((*rib)[23] - '0')) std::abort();
  }
  CheckRule(NormalizeWalletPhone, parts[1], {wallet_refusals->begin(), wallet_refusals->end()});
  if (CheckChosenBy(parts[2]).ok() && ChooserKind(parts[2]) != "PORTAL" && !absl::StartsWith(parts[2], "AGENT:"))
    std::abort();
  return 0;
}
