// The national identity card number (CIN, carte nationale d'identité): 1 or 2 Latin letters
// then 1 to 6 digits, written in many ways by hand (lower case, spaces around). Registration
// and the beneficiary service read it with the same rule.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace himaya::identity {

// The CIN in its one written form (upper case, no surrounding spaces), or nullopt when `cin` is
// not 1-2 Latin letters then 1-6 digits (empty included).
std::optional<std::string> NormalizedCin(absl::string_view cin);

}  // namespace himaya::identity
