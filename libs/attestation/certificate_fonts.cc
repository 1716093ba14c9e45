#include "attestation/certificate_fonts.h"

#include <fontconfig/fontconfig.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::attestation {
namespace {

struct ConfigDeleter {
  void operator()(FcConfig* config) const { FcConfigDestroy(config); }
};
struct PatternDeleter {
  void operator()(FcPattern* pattern) const { FcPatternDestroy(pattern); }
};
struct ObjectSetDeleter {
  void operator()(FcObjectSet* set) const { FcObjectSetDestroy(set); }
};
struct FontSetDeleter {
  void operator()(FcFontSet* set) const { FcFontSetDestroy(set); }
};

// The families of the fonts in `config` whose language set includes `language`, sorted.
std::vector<std::string> FamiliesFor(FcConfig* config, const char* language) {
  std::unique_ptr<FcPattern, PatternDeleter> pattern(FcPatternCreate());
  std::unique_ptr<FcLangSet, decltype(&FcLangSetDestroy)> languages(FcLangSetCreate(), &FcLangSetDestroy);
  FcLangSetAdd(languages.get(), reinterpret_cast<const FcChar8*>(language));
  FcPatternAddLangSet(pattern.get(), FC_LANG, languages.get());
  std::unique_ptr<FcObjectSet, ObjectSetDeleter> objects(FcObjectSetBuild(FC_FAMILY, nullptr));
  std::unique_ptr<FcFontSet, FontSetDeleter> fonts(FcFontList(config, pattern.get(), objects.get()));
  std::vector<std::string> families;
  for (int i = 0; fonts != nullptr && i < fonts->nfont; ++i) {
    FcChar8* family = nullptr;
    if (FcPatternGetString(fonts->fonts[i], FC_FAMILY, 0, &family) == FcResultMatch) {
      families.emplace_back(reinterpret_cast<const char*>(family));
    }
  }
  std::sort(families.begin(), families.end());
  families.erase(std::unique(families.begin(), families.end()), families.end());
  return families;
}

absl::StatusOr<std::string> Choose(FcConfig* config, const char* language, const char* preferred, const char* script,
                                   const char* package) {
  std::vector<std::string> families = FamiliesFor(config, language);
  if (families.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no font with ", script,
                                                      " letters found by fontconfig: install the Debian package ",
                                                      package, " to draw certificates"));
  }
  if (std::find(families.begin(), families.end(), preferred) != families.end()) return std::string(preferred);
  return families.front();
}

}  // namespace

absl::StatusOr<CertificateFonts> FindCertificateFonts(const std::vector<std::string>& font_dirs) {
  std::unique_ptr<FcConfig, ConfigDeleter> config;
  if (font_dirs.empty()) {
    if (!FcInit()) return absl::FailedPreconditionError("fontconfig could not load its configuration");
    config.reset(FcConfigReference(nullptr));
  } else {
    // File by file rather than FcConfigAppFontAddDir, which wants a cache directory to write.
    config.reset(FcConfigCreate());
    for (const std::string& dir : font_dirs) {
      std::error_code error;
      for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
           !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file(error)) {
          FcConfigAppFontAddFile(config.get(), reinterpret_cast<const FcChar8*>(it->path().c_str()));
        }
      }
    }
  }
  CertificateFonts fonts;
  ASSIGN_OR_RETURN(fonts.arabic_family,
                   Choose(config.get(), "ar", kPreferredArabicFamily, "Arabic", "fonts-hosny-amiri"));
  ASSIGN_OR_RETURN(fonts.latin_family, Choose(config.get(), "fr", kPreferredLatinFamily, "Latin", "fonts-dejavu-core"));
  return fonts;
}

}  // namespace himaya::attestation
