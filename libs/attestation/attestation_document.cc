#include "attestation/attestation_document.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "core/utf8.h"

namespace himaya::attestation {
namespace {

// True when `text` holds a C0 or C1 control character or DEL (a layout would draw them as boxes
// or break lines where the certificate has none).
bool HasControlCharacter(absl::string_view text) {
  while (!text.empty()) {
    core::DecodedCodePoint decoded = core::DecodeUtf8(text);
    char32_t c = decoded.code_point;
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return true;
    text.remove_prefix(decoded.length);
  }
  return false;
}

absl::Status CheckText(absl::string_view field, absl::string_view text, bool required) {
  if (text.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, ": empty")) : absl::OkStatus();
  }
  std::optional<size_t> length = core::CountCodePoints(text);
  if (!length.has_value()) return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  if (*length > kMaxNameCodePoints) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than ", kMaxNameCodePoints, " characters"));
  }
  if (HasControlCharacter(text)) return absl::InvalidArgumentError(absl::StrCat(field, ": holds a control character"));
  return absl::OkStatus();
}

// Identifiers are printed as they are: printable ASCII only.
absl::Status CheckAscii(absl::string_view field, absl::string_view text, size_t max_bytes) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty"));
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than ", max_bytes, " bytes"));
  }
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return absl::InvalidArgumentError(absl::StrCat(field, ": not printable ASCII"));
  }
  return absl::OkStatus();
}

absl::Status CheckNames(absl::string_view field, const PersonNames& names) {
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".first_name"), names.first_name, true));
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".last_name"), names.last_name, true));
  RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".first_name_ar"), names.first_name_ar, false));
  return CheckText(absl::StrCat(field, ".last_name_ar"), names.last_name_ar, false);
}

}  // namespace

absl::Status CheckAttestationDocument(const AttestationDocument& document) {
  const AttestationDocument& d = document;
  RETURN_IF_ERROR(CheckAscii("attestation_id", d.attestation_id, kMaxIdentifierBytes));
  RETURN_IF_ERROR(CheckAscii("registration_number", d.registration_number, kMaxIdentifierBytes));
  RETURN_IF_ERROR(CheckAscii("program", d.program, kMaxIdentifierBytes));
  RETURN_IF_ERROR(CheckNames("insured", d.insured));
  RETURN_IF_ERROR(CheckText("program_label", d.program_label, true));
  RETURN_IF_ERROR(CheckText("program_label_ar", d.program_label_ar, false));
  RETURN_IF_ERROR(CheckText("fund_name", d.fund_name, true));
  RETURN_IF_ERROR(CheckText("fund_name_ar", d.fund_name_ar, false));
  if (d.valid_until < d.issued_on) return absl::InvalidArgumentError("valid_until: before issued_on");
  if (d.members.size() > kMaxMembers) {
    return absl::InvalidArgumentError(absl::StrCat("members: more than ", kMaxMembers));
  }
  for (size_t i = 0; i < d.members.size(); ++i) {
    const std::string field = absl::StrCat("members[", i, "]");
    RETURN_IF_ERROR(CheckNames(absl::StrCat(field, ".names"), d.members[i].names));
    RETURN_IF_ERROR(
        CheckAscii(absl::StrCat(field, ".beneficiary_id"), d.members[i].beneficiary_id, kMaxIdentifierBytes));
  }
  return CheckAscii("qr_text", d.qr_text, kMaxQrTextBytes);
}

}  // namespace himaya::attestation
