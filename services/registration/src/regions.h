// The region (one of Morocco's 12) of a city, for the figures operations report by region.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace himaya::registration {

// Returns the region of `city` (case and accents as usually written), or "" when unknown.
std::string RegionOfCity(absl::string_view city);

}  // namespace himaya::registration
