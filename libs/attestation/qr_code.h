// The QR code of a certificate as a grid of modules, encoded by libqrencode: error correction
// level M (15% of the symbol may be lost to a fold or a stain), the smallest version that
// holds the text, and the densest mode for each run of it (the Base45 alphabet of a signed
// payload is QR's alphanumeric set, which takes 5.5 bits a character instead of 8). The PDF
// draws it as vector squares (attestation_pdf.cc).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::attestation {

// The quiet zone a reader needs around a symbol, in modules (ISO/IEC 18004).
inline constexpr int kQrQuietZoneModules = 4;

struct QrSymbol {
  int version = 0;         // 1..40
  int width = 0;           // modules on a side, quiet zone excluded
  std::vector<bool> dark;  // width * width, row by row

  bool IsDark(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};

// The symbol of `text`. INVALID_ARGUMENT when `text` is empty, holds a NUL byte, or is too long
// for any QR version at level M; INTERNAL when libqrencode fails otherwise.
absl::StatusOr<QrSymbol> EncodeQrSymbol(absl::string_view text);

}  // namespace himaya::attestation
