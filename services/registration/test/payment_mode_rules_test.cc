// The rules of a payment mode: RIB keys right and wrong (computed here by the whole-number rule,
// independently of RibKey, and on RIBs shaped like real ones), every bad RIB, wallet phone and
// chooser refused with its reason and field and never quoted, and accounts masked.
#include "registration/src/payment_mode_rules.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The remainder of a whole decimal number modulo 97, by long division on 128 bits: another way
// than RibKey's, so that the two check each other.
int Mod97(absl::string_view digits) {
  unsigned __int128 n = 0;
  for (char c : digits) n = n * 10 + static_cast<unsigned>(c - '0');
  return static_cast<int>(n % 97);
}

// `first22` completed by the key that makes the 24-digit number a multiple of 97 (from 01 to 97).
std::string WithKey(absl::string_view first22) {
  for (int key = 1; key <= 97; ++key) {
    const std::string rib = absl::StrFormat("%s%02d", first22, key);
    if (Mod97(rib) == 0) return rib;
  }
  return "";
}

// Asserts `status` refuses with `reason` on `field` ("REASON: field: ...").
void ExpectRefused(const absl::Status& status, absl::string_view field, absl::string_view reason) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(absl::StrCat(reason, ": ", field, ": "))) << status;
}

TEST(RibKey, IsWhatMakesTheWholeNumberAMultipleOf97) {
  for (absl::string_view first22 : {"0077800001234567890123", "2308100000123456789012", "0117800000000000000001",
                                    "1903301234567890123456", "1810000000000000000097", "9999999999999999999999"}) {
    const std::string rib = WithKey(first22);
    ASSERT_EQ(rib.size(), kRibDigits) << first22;
    EXPECT_EQ(absl::StrFormat("%s%02d", first22, RibKey(first22)), rib) << first22;
    EXPECT_EQ(Mod97(rib), 0);
  }
  // First 22 digits that are a multiple of 97 take the key 97, not 00: keys go from 01 to 97.
  EXPECT_EQ(RibKey("0000000000000000000000"), 97);
  EXPECT_EQ(RibKey("0000000000000000000097"), 97);
}

TEST(NormalizeRib, RightKeysAreAcceptedWithTheirSpacesRemoved) {
  // Shaped like real ones: bank 007/230/011/190, city, 16 account digits, key.
  EXPECT_EQ(*NormalizeRib("007780000123456789012396"), "007780000123456789012396");
  EXPECT_EQ(*NormalizeRib("007 780 0001234567890123 96"), "007780000123456789012396");
  EXPECT_EQ(*NormalizeRib(" 230 810 0000123456789012 31 "), "230810000012345678901231");
  EXPECT_EQ(*NormalizeRib("011\t780\t0000000000000001\t50"), "011780000000000000000150");
  EXPECT_EQ(*NormalizeRib("1 9 0 3 3 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 4 1"), "190330123456789012345641");
  // And a thousand computed ones.
  for (int i = 0; i < 1000; ++i) {
    const std::string rib = WithKey(absl::StrFormat("%03d%03d%016d", i % 300, i % 7, int64_t{i} * 7919));
    EXPECT_TRUE(NormalizeRib(rib).ok()) << rib;
  }
}

TEST(NormalizeRib, AWrongKeyIsRefused) {
  const std::string right = "007780000123456789012396";
  for (int key = 0; key <= 99; ++key) {
    if (key == 96) continue;
    const std::string wrong = absl::StrFormat("%s%02d", right.substr(0, 22), key);
    ExpectRefused(NormalizeRib(wrong).status(), "rib", "RIB_KEY");
  }
  // Typing errors the key catches: one digit changed, two neighbours swapped.
  std::string changed = right;
  changed[10] = '7';
  ExpectRefused(NormalizeRib(changed).status(), "rib", "RIB_KEY");
  std::string swapped = right;
  std::swap(swapped[8], swapped[9]);  // "01" -> "10"
  ExpectRefused(NormalizeRib(swapped).status(), "rib", "RIB_KEY");
  // 00 makes the whole number a multiple of 97 when the first 22 digits are one, but the key
  // then is 97.
  ExpectRefused(NormalizeRib("000000000000000000000000").status(), "rib", "RIB_KEY");
  EXPECT_TRUE(NormalizeRib("000000000000000000000097").ok());
}

TEST(NormalizeRib, EveryMalformedRibIsRefusedWithItsReasonAndNeverQuoted) {
  ExpectRefused(NormalizeRib("").status(), "rib", "RIB_LENGTH");
  ExpectRefused(NormalizeRib("   ").status(), "rib", "RIB_LENGTH");
  ExpectRefused(NormalizeRib("00778000012345678901239").status(), "rib", "RIB_LENGTH");    // 23
  ExpectRefused(NormalizeRib("0077800001234567890123960").status(), "rib", "RIB_LENGTH");  // 25
  ExpectRefused(NormalizeRib(std::string(10000, '1')).status(), "rib", "RIB_LENGTH");
  ExpectRefused(NormalizeRib("00778000012345678901239A").status(), "rib", "RIB_DIGITS");
  ExpectRefused(NormalizeRib("007-780-0001234567890123-96").status(), "rib", "RIB_DIGITS");
  ExpectRefused(NormalizeRib("MA64007780000123456789012396").status(), "rib", "RIB_DIGITS");    // an IBAN
  ExpectRefused(NormalizeRib("007780000123456789012\xd9\xa3" "9").status(), "rib", "RIB_DIGITS");  // Arabic-Indic 3
  ExpectRefused(NormalizeRib(std::string("0077800001234567890123\0"
                                         "96",
                                         25))
                    .status(),
                "rib", "RIB_DIGITS");
  for (absl::string_view typed : {"00778000012345678901239", "007780000123456789012395", "00778000012345678901239X"}) {
    const absl::Status status = NormalizeRib(typed).status();
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(typed.substr(0, 12)))) << status;
  }
}

TEST(NormalizeWalletPhone, MoroccanMobileNumbersAreKeptInE164) {
  EXPECT_EQ(*NormalizeWalletPhone("0612345678"), "+212612345678");
  EXPECT_EQ(*NormalizeWalletPhone("0712345678"), "+212712345678");
  EXPECT_EQ(*NormalizeWalletPhone("+212612345678"), "+212612345678");
  EXPECT_EQ(*NormalizeWalletPhone(" +212712345678 "), "+212712345678");
  EXPECT_EQ(*NormalizeWalletPhone("00212612345678"), "+212612345678");
}

TEST(NormalizeWalletPhone, AnythingElseIsRefusedAsWalletPhone) {
  for (absl::string_view bad : {"", "  ", "0512345678", "0812345678", "061234567", "06123456789", "+212512345678",
                                "+33612345678", "06 12 34 56 78", "06123456a8", "+2126123456789"}) {
    const absl::Status status = NormalizeWalletPhone(bad).status();
    ExpectRefused(status, "wallet_phone", "WALLET_PHONE");
    if (bad.size() > 6) {
      EXPECT_THAT(std::string(status.message()), Not(HasSubstr(bad))) << bad;
    }
  }
}

TEST(CheckChosenBy, ThePortalOrAnAgentById) {
  EXPECT_TRUE(CheckChosenBy("PORTAL").ok());
  EXPECT_TRUE(CheckChosenBy("AGENT:cli").ok());
  EXPECT_TRUE(CheckChosenBy(absl::StrCat("AGENT:", std::string(64, 'a'))).ok());
  for (absl::string_view bad : {"", "portal", "AGENT", "AGENT:", "AGENT:a b", "AGENT:\x01", "CLERK:x"}) {
    ExpectRefused(CheckChosenBy(bad), "chosen_by", "CHOSEN_BY");
  }
  ExpectRefused(CheckChosenBy(absl::StrCat("AGENT:", std::string(65, 'a'))), "chosen_by", "CHOSEN_BY");
  EXPECT_EQ(ChooserKind("PORTAL"), "PORTAL");
  EXPECT_EQ(ChooserKind("AGENT:desk-7"), "AGENT") << "an event names the kind, never the agent";
}

TEST(MaskAccount, ShowsTheLastFourOnly) {
  EXPECT_EQ(MaskAccount("007780000123456789012396"), "**** 2396");
  EXPECT_EQ(MaskAccount("+212612345678"), "**** 5678");
  EXPECT_EQ(MaskAccount("1234567"), "****");
  EXPECT_EQ(MaskAccount(""), "****");
}

TEST(PaymentMethodNames, RoundTrip) {
  for (PaymentMethod m : {PaymentMethod::kBankTransfer, PaymentMethod::kMobileWallet}) {
    EXPECT_EQ(PaymentMethodOf(PaymentMethodName(m)), m);
  }
  EXPECT_EQ(PaymentMethodName(PaymentMethod::kBankTransfer), "BANK_TRANSFER");
  EXPECT_EQ(PaymentMethodName(PaymentMethod::kMobileWallet), "MOBILE_WALLET");
  EXPECT_EQ(PaymentMethodOf("CASH"), PaymentMethod::kUnspecified);
}

}  // namespace
}  // namespace himaya::registration
