#include "registration/src/manifest.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "registration/src/person_rules.h"

namespace himaya::registration {
namespace {

absl::Status CheckCommon(const v1::Manifest& m) {
  if (m.batch_id().empty()) return absl::InvalidArgumentError("manifest.batch_id: is required");
  if (m.batch_id().size() > 64) return absl::InvalidArgumentError("manifest.batch_id: longer than 64 characters");
  for (char c : m.batch_id()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return absl::InvalidArgumentError("manifest.batch_id: may hold only A-Z, a-z, 0-9, '-', '_' and '.'");
    }
  }
  if (m.liaison_body().empty()) return absl::InvalidArgumentError("manifest.liaison_body: is required");
  if (m.produced_at().size() > 64) {
    return absl::InvalidArgumentError("manifest.produced_at: longer than 64 characters");
  }
  if (m.record_count() < 0) return absl::InvalidArgumentError("manifest.record_count: is negative");
  if (m.sha256().size() != 64) {
    return absl::InvalidArgumentError("manifest.sha256: must be 64 hexadecimal digits");
  }
  for (char c : m.sha256()) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("manifest.sha256: must be 64 hexadecimal digits");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Manifest> ParseManifestJson(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("manifest: not a JSON object");
  }
  v1::Manifest m;
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
  std::string value;
  if (auto s = text_field("batch_id", &value, true); !s.ok()) return s;
  m.set_batch_id(value);
  if (auto s = text_field("liaison_body", &value, true); !s.ok()) return s;
  m.set_liaison_body(value);
  value.clear();
  if (auto s = text_field("program", &value, false); !s.ok()) return s;
  m.set_program(value);
  if (auto s = text_field("sha256", &value, true); !s.ok()) return s;
  m.set_sha256(absl::AsciiStrToLower(value));
  value.clear();
  if (auto s = text_field("produced_at", &value, false); !s.ok()) return s;
  m.set_produced_at(value);
  if (!json.contains("record_count") || !json["record_count"].is_number_integer()) {
    return absl::InvalidArgumentError("manifest.record_count: must be a whole number");
  }
  if (json["record_count"].is_number_unsigned() &&
      json["record_count"].get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError("manifest.record_count: too large");
  }
  m.set_record_count(json["record_count"].get<int64_t>());
  return m;
}

absl::Status CheckBatchManifest(const v1::Manifest& m, const ReferenceData& reference) {
  if (absl::Status s = CheckCommon(m); !s.ok()) return s;
  const LiaisonBody* body = reference.Body(m.liaison_body());
  if (body == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.liaison_body: unknown liaison body '", ShortForError(m.liaison_body()), "'"));
  }
  if (m.program().empty()) return absl::InvalidArgumentError("manifest.program: is required");
  if (reference.Program(m.program()) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.program: unknown program '", ShortForError(m.program()), "'"));
  }
  if (body->programs.count(m.program()) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.program: ", m.liaison_body(), " does not serve ",
                                                   m.program(), " (it serves ", absl::StrJoin(body->programs, ", "),
                                                   ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckCoverageManifest(const v1::Manifest& m, const ReferenceData& reference) {
  if (absl::Status s = CheckCommon(m); !s.ok()) return s;
  if (reference.coverage_operators.count(m.liaison_body()) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.liaison_body: unknown coverage operator '", ShortForError(m.liaison_body()),
                     "' (known: ", absl::StrJoin(reference.coverage_operators, ", "), ")"));
  }
  return absl::OkStatus();
}

}  // namespace himaya::registration
