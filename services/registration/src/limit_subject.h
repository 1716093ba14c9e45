// What the guessing and sending limits key on (IVR lookups, code requests): a digest of the
// value counted, so that their tables keep no CIN or phone number in clear.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace himaya::registration {

// "<kind>:<32 hexadecimal digits>", the same for the same kind and value.
std::string LimitSubject(absl::string_view kind, absl::string_view value);

}  // namespace himaya::registration
