// The font families a certificate is drawn with, found through fontconfig: one that has Arabic
// letters (Amiri, Debian's fonts-hosny-amiri, when installed) and one for French (DejaVu Sans,
// fonts-dejavu-core). Pango shapes the Arabic with HarfBuzz in that font, so that letters take
// their joined forms and run right to left; a font without them would print boxes.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace himaya::attestation {

struct CertificateFonts {
  std::string arabic_family;
  std::string latin_family;
};

// The families preferred when installed; otherwise any font fontconfig says covers the language.
inline constexpr char kPreferredArabicFamily[] = "Amiri";
inline constexpr char kPreferredLatinFamily[] = "DejaVu Sans";

// Looks in the system's fontconfig configuration when `font_dirs` is empty, otherwise only at
// the fonts under `font_dirs`. FAILED_PRECONDITION naming the Debian package to install when no
// font covers Arabic, or none covers French.
absl::StatusOr<CertificateFonts> FindCertificateFonts(const std::vector<std::string>& font_dirs = {});

}  // namespace himaya::attestation
