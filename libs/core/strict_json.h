// Reading configuration JSON strictly: nlohmann keeps the last of a repeated key silently, so a
// strict reader notes it; and a key quoted in an error is bounded and printable.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace himaya::core {

struct StrictJson {
  // Discarded (json.is_discarded()) when the text is not JSON.
  nlohmann::json json;
  // The first key repeated within one object, at any depth.
  std::optional<std::string> repeated;
};
StrictJson ParseStrictJson(absl::string_view text);

// A key as an error may quote it: at most 64 bytes ("..." after), anything but printable ASCII
// replaced by '?'.
std::string QuotableKey(absl::string_view key);

}  // namespace himaya::core
