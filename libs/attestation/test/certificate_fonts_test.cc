#include "attestation/certificate_fonts.h"

#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::attestation {
namespace {

using ::testing::HasSubstr;

// Debian's packages put the fonts here (tools/install-deps installs both).
constexpr char kAmiriDir[] = "/usr/share/fonts/opentype/fonts-hosny-amiri";
constexpr char kDejaVuDir[] = "/usr/share/fonts/truetype/dejavu";

TEST(FindCertificateFonts, TheSystemHasAmiriForArabicAndDejaVuForFrench) {
  absl::StatusOr<CertificateFonts> fonts = FindCertificateFonts();
  ASSERT_TRUE(fonts.ok()) << fonts.status();
  EXPECT_EQ(fonts->arabic_family, "Amiri");
  EXPECT_EQ(fonts->latin_family, "DejaVu Sans");
}

TEST(FindCertificateFonts, PrefersAmiriAndDejaVuWhenBothAreThere) {
  absl::StatusOr<CertificateFonts> fonts = FindCertificateFonts({kDejaVuDir, kAmiriDir});
  ASSERT_TRUE(fonts.ok()) << fonts.status();
  EXPECT_EQ(fonts->arabic_family, "Amiri");
  EXPECT_EQ(fonts->latin_family, "DejaVu Sans");
}

TEST(FindCertificateFonts, WithoutAmiriTakesAnotherFontWithArabicLetters) {
  absl::StatusOr<CertificateFonts> fonts = FindCertificateFonts({kDejaVuDir});
  ASSERT_TRUE(fonts.ok()) << fonts.status();
  EXPECT_EQ(fonts->arabic_family, "DejaVu Sans");  // DejaVu Sans covers Arabic too
}

TEST(FindCertificateFonts, WithoutAnyFontSaysWhichPackageToInstall) {
  himaya::testing::TempDir empty;
  absl::StatusOr<CertificateFonts> fonts = FindCertificateFonts({empty.path()});
  EXPECT_EQ(fonts.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fonts.status().message(), HasSubstr("no font with Arabic letters"));
  EXPECT_THAT(fonts.status().message(), HasSubstr("fonts-hosny-amiri"));
}

TEST(FindCertificateFonts, ALatinFontAloneIsRefused) {
  himaya::testing::TempDir dir;
  ASSERT_EQ(symlink((std::string(kDejaVuDir) + "/DejaVuSerif.ttf").c_str(), (dir.path() + "/serif.ttf").c_str()), 0);
  absl::StatusOr<CertificateFonts> fonts = FindCertificateFonts({dir.path()});
  EXPECT_EQ(fonts.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fonts.status().message(), HasSubstr("no font with Arabic letters"));
}

}  // namespace
}  // namespace himaya::attestation
