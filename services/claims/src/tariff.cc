#include "claims/src/tariff.h"

#include <utility>

namespace himaya::claims {

Tariff::Tariff(std::vector<TariffVersion> versions) {
  for (TariffVersion& version : versions) {
    auto& acts = versions_[version.effective_from];
    acts.clear();  // the same day twice: the last version given holds it
    for (TariffAct& act : version.acts) acts[act.act_code] = std::move(act);
  }
}

std::optional<TariffAct> Tariff::ActOn(absl::string_view act_code, absl::CivilDay care_date) const {
  auto version = versions_.upper_bound(care_date);
  if (version == versions_.begin()) return std::nullopt;  // no version effective yet
  --version;
  auto act = version->second.find(act_code);
  if (act == version->second.end()) return std::nullopt;
  return act->second;
}

bool Tariff::Knows(absl::string_view act_code) const {
  for (const auto& [effective_from, acts] : versions_) {
    if (acts.find(act_code) != acts.end()) return true;
  }
  return false;
}

}  // namespace himaya::claims
