#include "attestation/qr_code.h"

#include <string>

#include "gtest/gtest.h"
#include "sample_document.h"

namespace himaya::attestation {
namespace {

TEST(EncodeQrSymbol, AShortTextIsTheSmallestSymbol) {
  // "HELLO WORLD" is 11 alphanumeric characters: version 1 holds 14 at level M.
  absl::StatusOr<QrSymbol> symbol = EncodeQrSymbol("HELLO WORLD");
  ASSERT_TRUE(symbol.ok()) << symbol.status();
  EXPECT_EQ(symbol->version, 1);
  EXPECT_EQ(symbol->width, 21);
  EXPECT_EQ(symbol->dark.size(), 21u * 21u);
  // The finder pattern's corner modules are dark, the separator beside it light.
  EXPECT_TRUE(symbol->IsDark(0, 0));
  EXPECT_TRUE(symbol->IsDark(20, 0));
  EXPECT_TRUE(symbol->IsDark(0, 20));
  EXPECT_FALSE(symbol->IsDark(7, 0));
}

TEST(EncodeQrSymbol, ABase45TextTakesAlphanumericModeAndASmallerSymbolThanBytes) {
  absl::StatusOr<QrSymbol> alphanumeric = EncodeQrSymbol(Base45Text(1000));
  absl::StatusOr<QrSymbol> bytes = EncodeQrSymbol(std::string(1000, 'x'));  // lower case: 8 bits each
  ASSERT_TRUE(alphanumeric.ok()) << alphanumeric.status();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  // At level M, 1,000 characters take version 21 in alphanumeric mode (5.5 bits each), 26 as
  // bytes: a symbol of 101 modules a side instead of 121.
  EXPECT_EQ(alphanumeric->version, 21);
  EXPECT_EQ(bytes->version, 26);
  EXPECT_EQ(alphanumeric->width, 17 + 4 * 21);
}

TEST(EncodeQrSymbol, TheLongestTextACertificateCarriesFits) {
  absl::StatusOr<QrSymbol> symbol = EncodeQrSymbol(Base45Text(kMaxQrTextBytes));
  ASSERT_TRUE(symbol.ok()) << symbol.status();
  EXPECT_EQ(symbol->version, 26);  // 121 modules a side
}

TEST(EncodeQrSymbol, RefusesAnEmptyTextANulByteAndATextNoSymbolHolds) {
  EXPECT_EQ(EncodeQrSymbol("").status(), absl::InvalidArgumentError("QR text: empty"));
  EXPECT_EQ(EncodeQrSymbol(std::string("HMY1:\0X", 7)).status(),
            absl::InvalidArgumentError("QR text: holds a NUL byte"));
  // Version 40 at level M holds 3,391 alphanumeric characters.
  absl::Status too_long = EncodeQrSymbol(Base45Text(3392)).status();
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.message(), "QR text: 3392 bytes do not fit in a QR code at error correction level M");
  EXPECT_TRUE(EncodeQrSymbol(Base45Text(3391)).ok());
}

}  // namespace
}  // namespace himaya::attestation
