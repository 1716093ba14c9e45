#include "core/strict_json.h"

#include <set>
#include <vector>

namespace himaya::core {

StrictJson ParseStrictJson(absl::string_view text) {
  StrictJson out;
  std::vector<std::set<std::string>> objects;
  const nlohmann::json::parser_callback_t note_keys = [&](int, nlohmann::json::parse_event_t event,
                                                          nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) objects.emplace_back();
    if (event == Event::object_end && !objects.empty()) objects.pop_back();
    if (event == Event::key && !objects.empty() && parsed.is_string()) {
      if (!objects.back().insert(parsed.get<std::string>()).second && !out.repeated) {
        out.repeated = parsed.get<std::string>();
      }
    }
    return true;
  };
  out.json = nlohmann::json::parse(text.begin(), text.end(), note_keys, /*allow_exceptions=*/false);
  return out;
}

std::string QuotableKey(absl::string_view key) {
  std::string out(key.substr(0, 64));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  return key.size() > 64 ? out + "..." : out;
}

}  // namespace himaya::core
