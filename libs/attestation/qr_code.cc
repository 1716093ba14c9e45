#include "attestation/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"

namespace himaya::attestation {

absl::StatusOr<QrSymbol> EncodeQrSymbol(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("QR text: empty");
  if (text.find('\0') != absl::string_view::npos) return absl::InvalidArgumentError("QR text: holds a NUL byte");
  const std::string c_text(text);
  // Version 0: the smallest that fits. Case-sensitive, so that lower-case letters stay 8-bit
  // rather than being upper-cased into alphanumeric mode; the hint matters only for Kanji.
  errno = 0;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(c_text.c_str(), /*version=*/0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1), &QRcode_free);
  if (code == nullptr) {
    if (errno == ERANGE) {
      return absl::InvalidArgumentError(
          absl::StrCat("QR text: ", text.size(), " bytes do not fit in a QR code at error correction level M"));
    }
    return absl::InternalError(absl::StrCat("libqrencode failed: errno ", errno));
  }
  QrSymbol symbol;
  symbol.version = code->version;
  symbol.width = code->width;
  symbol.dark.resize(static_cast<size_t>(code->width) * code->width);
  // Bit 0 of each byte is the module's colour (1: dark); the other bits describe its role.
  for (size_t i = 0; i < symbol.dark.size(); ++i) symbol.dark[i] = (code->data[i] & 1) != 0;
  return symbol;
}

}  // namespace himaya::attestation
