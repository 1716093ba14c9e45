#include "seal/seal.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seal/attestation_cwt.h"
#include "seal/base45.h"
#include "seal/cbor_items.h"
#include "seal/compression.h"
#include "seal/cose_sign1.h"
#include "seal/fuzz/fuzz_key.h"
#include "seal/test/sample_claims.h"

namespace himaya::seal {
namespace {

using ::himaya::seal::testing::ArabicFamily;
using ::himaya::seal::testing::IssueTime;
using ::himaya::seal::testing::TypicalFamily;
using ::testing::HasSubstr;
using ::testing::Optional;

SigningKey Key(absl::string_view kid, char seed_byte) { return *SigningKey::FromSeed(kid, std::string(32, seed_byte)); }

KeyRing RingOf(std::initializer_list<const SigningKey*> keys) {
  KeyRing ring;
  for (const SigningKey* key : keys) EXPECT_TRUE(ring.Add(key->kid(), key->public_key()).ok());
  return ring;
}

// Seals `bytes` as the signed part of a text, as Seal does after signing.
std::string TextOfSigned(absl::string_view signed_bytes) {
  return absl::StrCat(kSealPrefix, EncodeBase45(*Deflate(signed_bytes)));
}

class SealTest : public ::testing::Test {
 protected:
  const SigningKey key_ = Key("amo-2026", 'k');
  const KeyRing ring_ = RingOf({&key_});
};

TEST_F(SealTest, RoundTripGivesTheClaimsBack) {
  const absl::StatusOr<std::string> text = Seal(TypicalFamily(), key_, IssueTime());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(absl::StartsWith(*text, "HMY1:"));
  const absl::StatusOr<AttestationClaims> opened = Open(*text, ring_, IssueTime() + absl::Hours(24 * 30));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(*opened == TypicalFamily());
}

TEST_F(SealTest, TheTextIsBase45AfterThePrefix) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  for (char c : text.substr(kSealPrefix.size())) {
    EXPECT_NE(absl::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c), absl::string_view::npos) << c;
  }
}

TEST_F(SealTest, ArabicNamesSurvive) {
  const absl::StatusOr<std::string> text = Seal(ArabicFamily(), key_, IssueTime());
  ASSERT_TRUE(text.ok()) << text.status();
  const absl::StatusOr<AttestationClaims> opened = Open(*text, ring_, IssueTime());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->last_name, "العمراني");
  EXPECT_EQ(opened->members[0].first_name, "فاطمة الزهراء");
  EXPECT_TRUE(*opened == ArabicFamily());
  std::cout << "sealed text of a family of 9 in Arabic script: " << text->size() << " characters\n";
  EXPECT_LT(text->size(), 1000u);
}

TEST_F(SealTest, ATypicalFamilyFitsASmallQrCode) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  std::cout << "sealed text of an insured, 2 spouses and 6 children: " << text.size() << " characters\n";
  RecordProperty("sealed_text_characters", static_cast<int>(text.size()));
  // Under 1,000 characters (550 today: a QR code of version 15 at level M, readable from paper).
  EXPECT_LT(text.size(), 1000u);
}

TEST_F(SealTest, EveryChangedCharacterIsRefused) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  for (size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    const absl::StatusOr<AttestationClaims> opened = Open(changed, ring_, IssueTime());
    ASSERT_FALSE(opened.ok()) << "position " << i;
    EXPECT_TRUE(RefusalOf(opened.status()).has_value()) << opened.status();
  }
}

TEST_F(SealTest, EveryChangedSignedByteIsRefused) {
  // Past zlib's checksum: each byte of the COSE_Sign1 changed, then compressed again.
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  const std::string signed_bytes = *InflateBounded(*DecodeBase45(text.substr(kSealPrefix.size())), kMaxSignedBytes);
  for (size_t i = 0; i < signed_bytes.size(); ++i) {
    std::string changed = signed_bytes;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    const absl::StatusOr<AttestationClaims> opened = Open(TextOfSigned(changed), ring_, IssueTime());
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_TRUE(RefusalOf(opened.status()).has_value()) << opened.status();
  }
}

TEST_F(SealTest, AChangedPayloadIsABadSignature) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  const std::string signed_bytes = *InflateBounded(*DecodeBase45(text.substr(kSealPrefix.size())), kMaxSignedBytes);
  CoseSign1 sign1 = *ParseCoseSign1(signed_bytes);
  // Another family's claims under the first signature.
  AttestationClaims other = TypicalFamily();
  other.members.pop_back();
  const std::string other_payload = *EncodeSealedClaims(SealedClaims{IssueTime(), SealExpiry(other), other});
  const std::string forged = *Serialize(CborTag(kCoseSign1Tag, [&] {
    std::vector<CborItem> fields;
    fields.push_back(CborBytes(sign1.protected_header));
    fields.push_back(CborMap({}));
    fields.push_back(CborBytes(other_payload));
    fields.push_back(CborBytes(sign1.signature));
    return CborArray(std::move(fields));
  }()));
  const absl::StatusOr<AttestationClaims> opened = Open(TextOfSigned(forged), ring_, IssueTime());
  EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kBadSignature));
  EXPECT_THAT(opened.status().message(), HasSubstr("BAD_SIGNATURE"));
}

TEST_F(SealTest, ExpiredAtTheEndOfValidUntil) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  const absl::Time end = absl::FromCivil(absl::CivilDay(2027, 11, 28), absl::UTCTimeZone());
  EXPECT_TRUE(Open(text, ring_, end - absl::Seconds(1)).ok());
  const absl::StatusOr<AttestationClaims> expired = Open(text, ring_, end);
  EXPECT_THAT(RefusalOf(expired.status()), Optional(Refusal::kExpired));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(expired.status().message(), HasSubstr("EXPIRED: expired at 2027-11-28T00:00:00"));
  EXPECT_THAT(RefusalOf(Open(text, ring_, end + absl::Hours(24 * 400)).status()), Optional(Refusal::kExpired));
}

TEST_F(SealTest, ExpiredAtTheEndOfValidUntilInTheIssuersTimeZone) {
  absl::TimeZone casablanca;
  ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &casablanca)) << "tzdata";
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime(), casablanca);
  const absl::Time end = absl::FromCivil(absl::CivilDay(2027, 11, 28), casablanca);
  EXPECT_EQ(end, absl::FromCivil(absl::CivilSecond(2027, 11, 27, 23, 0, 0), absl::UTCTimeZone())) << "UTC+1";
  EXPECT_EQ(SealExpiry(TypicalFamily(), casablanca), end);
  EXPECT_TRUE(Open(text, ring_, end - absl::Seconds(1)).ok());
  EXPECT_THAT(RefusalOf(Open(text, ring_, end).status()), Optional(Refusal::kExpired));
}

TEST_F(SealTest, IssuedLaterThanTheCheckIsNotYetValid) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  EXPECT_TRUE(Open(text, ring_, IssueTime() - kClockSkew).ok());
  const absl::StatusOr<AttestationClaims> early = Open(text, ring_, IssueTime() - kClockSkew - absl::Seconds(1));
  EXPECT_THAT(RefusalOf(early.status()), Optional(Refusal::kNotYetValid));
}

TEST_F(SealTest, AKeyNotInTheRingIsAnUnknownKey) {
  const SigningKey stranger = Key("elsewhere", 's');
  const std::string text = *Seal(TypicalFamily(), stranger, IssueTime());
  const absl::StatusOr<AttestationClaims> opened = Open(text, ring_, IssueTime());
  EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kUnknownKey));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(opened.status().message(), HasSubstr("UNKNOWN_KEY: key id elsewhere"));
}

TEST_F(SealTest, AKnownKidWithAnotherKeyIsABadSignature) {
  const SigningKey impostor = Key(key_.kid(), 'i');  // same kid, another secret
  const std::string text = *Seal(TypicalFamily(), impostor, IssueTime());
  const absl::StatusOr<AttestationClaims> opened = Open(text, ring_, IssueTime());
  EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kBadSignature));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(SealTest, RotatedKeysKeepEarlierSealsValid) {
  const SigningKey old_key = Key("amo-2026", 'o');
  const SigningKey new_key = Key("amo-2027", 'n');
  const std::string before = *Seal(TypicalFamily(), old_key, IssueTime());
  const std::string after = *Seal(TypicalFamily(), new_key, IssueTime() + absl::Hours(24));
  const KeyRing both = RingOf({&old_key, &new_key});
  EXPECT_TRUE(Open(before, both, IssueTime() + absl::Hours(48)).ok());
  EXPECT_TRUE(Open(after, both, IssueTime() + absl::Hours(48)).ok());
  // A ring that has dropped the old key no longer knows the seals it signed.
  const KeyRing new_only = RingOf({&new_key});
  EXPECT_THAT(RefusalOf(Open(before, new_only, IssueTime() + absl::Hours(48)).status()),
              Optional(Refusal::kUnknownKey));
  EXPECT_TRUE(Open(after, new_only, IssueTime() + absl::Hours(48)).ok());
}

TEST_F(SealTest, NotASealIsMalformed) {
  const std::string text = *Seal(TypicalFamily(), key_, IssueTime());
  const std::string body = text.substr(kSealPrefix.size());
  const std::string cases[] = {
      "",
      "HMY1:",
      body,                                        // no prefix
      absl::StrCat("HC1:", body),                  // another format's prefix
      absl::StrCat("hmy1:", body),                 // prefixes are case-sensitive
      absl::StrCat("HMY1:", body, "A"),            // a Base45 length that leaves one character
      absl::StrCat("HMY1:", body.substr(0, 300)),  // truncated zlib stream
      absl::StrCat("HMY1:", body, "00"),           // a byte after the zlib stream
      absl::StrCat("HMY1:", "abc"),                // lower case is not Base45
      absl::StrCat("HMY1:", EncodeBase45("not zlib at all")),
      TextOfSigned("not CBOR"),
      TextOfSigned(std::string("\xd2\x84", 2)),  // a COSE_Sign1 cut short
      TextOfSigned(*Serialize(CborInt(18))),     // CBOR, but not a COSE_Sign1
      std::string(kMaxSealTextLength + 1, 'A'),
  };
  for (const std::string& text_case : cases) {
    const absl::StatusOr<AttestationClaims> opened = Open(text_case, ring_, IssueTime());
    EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kMalformed)) << text_case.substr(0, 40);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(opened.status().message(), "MALFORMED: ")) << opened.status();
  }
}

TEST_F(SealTest, AZlibBombIsRefused) {
  // 1 MiB of zeros compresses to about a thousand bytes: a text a QR code could hold.
  const std::string bomb = *Deflate(std::string(1 << 20, '\0'));
  const std::string text = absl::StrCat(kSealPrefix, EncodeBase45(bomb));
  ASSERT_LE(text.size(), kMaxSealTextLength);
  const absl::StatusOr<AttestationClaims> opened = Open(text, ring_, IssueTime());
  EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kMalformed));
  EXPECT_THAT(opened.status().message(), HasSubstr("inflates to more than 8192 bytes"));
}

TEST_F(SealTest, ValidSignatureOverBadClaimsIsMalformed) {
  // Signed by a key of the ring, but the claims are not an attestation.
  const std::string signed_bytes = *SignCoseSign1(*Serialize(CborMap({})), key_);
  const absl::StatusOr<AttestationClaims> opened = Open(TextOfSigned(signed_bytes), ring_, IssueTime());
  EXPECT_THAT(RefusalOf(opened.status()), Optional(Refusal::kMalformed));
  EXPECT_THAT(opened.status().message(), HasSubstr("iss"));
}

TEST_F(SealTest, SealRefusesClaimsItCouldNotOpen) {
  AttestationClaims no_name = TypicalFamily();
  no_name.members[2].first_name.clear();
  EXPECT_THAT(Seal(no_name, key_, IssueTime()).status().message(), HasSubstr("members[2].first_name"));

  AttestationClaims bad_number = TypicalFamily();
  bad_number.registration_number = "123456789";
  EXPECT_EQ(Seal(bad_number, key_, IssueTime()).status().code(), absl::StatusCode::kInvalidArgument);

  const absl::Time after_expiry = absl::FromCivil(absl::CivilDay(2027, 11, 28), absl::UTCTimeZone());
  EXPECT_THAT(Seal(TypicalFamily(), key_, after_expiry).status().message(), HasSubstr("expired already"));
}

TEST_F(SealTest, SealRefusesWhatAQrCodeCannotHold) {
  AttestationClaims huge = TypicalFamily();
  huge.members.clear();
  // Random letters do not compress: the longest names and ids allowed, for the most members.
  std::mt19937 random(9);
  const auto letters = [&random](size_t length) {
    std::string text;
    for (size_t k = 0; k < length; ++k) text.push_back(static_cast<char>('a' + random() % 26));
    return text;
  };
  for (size_t i = 0; i < kMaxMembers; ++i) {
    huge.members.push_back({letters(kMaxIdLength), MemberRelationship::kChild, letters(kMaxNameLength),
                            letters(kMaxNameLength), absl::CivilDay(2010, 1, 1)});
  }
  const absl::StatusOr<std::string> text = Seal(huge, key_, IssueTime());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(), HasSubstr("more than"));
}

TEST(SealRefusal, NamesAndCodesSurviveAStatusCopy) {
  const absl::Status status = Refuse(Refusal::kNotYetValid, "detail");
  const absl::Status copy = status;  // NOLINT: a copy is what callers hold
  EXPECT_THAT(RefusalOf(copy), Optional(Refusal::kNotYetValid));
  EXPECT_EQ(copy.message(), "NOT_YET_VALID: detail");
  EXPECT_EQ(RefusalOf(absl::InvalidArgumentError("MALFORMED: not from Refuse")), std::nullopt);
  EXPECT_EQ(RefusalOf(absl::OkStatus()), std::nullopt);
}

// The fuzz corpus must hold seals that open, or the fuzzer starts from nothing real.
TEST(SealFuzzCorpus, OpensWithTheFuzzKey) {
  const KeyRing ring = fuzz::FuzzKeyRing();
  size_t opened = 0;
  for (const auto& entry : std::filesystem::directory_iterator(HIMAYA_SEAL_FUZZ_CORPUS "/open")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (!absl::StartsWith(entry.path().filename().string(), "valid")) continue;
    const absl::StatusOr<AttestationClaims> claims = Open(text.str(), ring, fuzz::FuzzNow());
    EXPECT_TRUE(claims.ok()) << entry.path() << ": " << claims.status();
    ++opened;
  }
  EXPECT_GE(opened, 2u);
}

}  // namespace
}  // namespace himaya::seal
