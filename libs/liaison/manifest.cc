#include "liaison/manifest.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace himaya::liaison {

absl::Status CheckManifestFields(const Manifest& m) {
  if (m.batch_id.empty()) return absl::InvalidArgumentError("manifest.batch_id: is required");
  if (m.batch_id.size() > 64) return absl::InvalidArgumentError("manifest.batch_id: longer than 64 characters");
  for (char c : m.batch_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return absl::InvalidArgumentError("manifest.batch_id: may hold only A-Z, a-z, 0-9, '-', '_' and '.'");
    }
  }
  if (m.liaison_body.empty()) return absl::InvalidArgumentError("manifest.liaison_body: is required");
  if (m.produced_at.size() > 64) {
    return absl::InvalidArgumentError("manifest.produced_at: longer than 64 characters");
  }
  if (m.record_count < 0) return absl::InvalidArgumentError("manifest.record_count: is negative");
  if (m.sha256.size() != 64) {
    return absl::InvalidArgumentError("manifest.sha256: must be 64 hexadecimal digits");
  }
  for (char c : m.sha256) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("manifest.sha256: must be 64 hexadecimal digits");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Manifest> ParseManifestJson(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("manifest: not a JSON object");
  }
  Manifest m;
  auto text_field = [&](const char* name, std::string* out, bool required) -> absl::Status {
    if (!json.contains(name) || json[name].is_null()) {
      return required ? absl::InvalidArgumentError(absl::StrCat("manifest.", name, ": is required")) : absl::OkStatus();
    }
    if (!json[name].is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("manifest.", name, ": must be a string"));
    }
    *out = json[name].get<std::string>();
    return absl::OkStatus();
  };
  if (auto s = text_field("batch_id", &m.batch_id, true); !s.ok()) return s;
  if (auto s = text_field("liaison_body", &m.liaison_body, true); !s.ok()) return s;
  if (auto s = text_field("program", &m.program, false); !s.ok()) return s;
  if (auto s = text_field("sha256", &m.sha256, true); !s.ok()) return s;
  m.sha256 = absl::AsciiStrToLower(m.sha256);
  if (auto s = text_field("produced_at", &m.produced_at, false); !s.ok()) return s;
  if (!json.contains("record_count") || !json["record_count"].is_number_integer()) {
    return absl::InvalidArgumentError("manifest.record_count: must be a whole number");
  }
  if (json["record_count"].is_number_unsigned() &&
      json["record_count"].get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError("manifest.record_count: too large");
  }
  m.record_count = json["record_count"].get<int64_t>();
  return m;
}

}  // namespace himaya::liaison
