#include "seal/cose_sign1.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seal/cbor_items.h"

namespace himaya::seal {
namespace {

using ::testing::HasSubstr;

SigningKey TestKey() { return *SigningKey::FromSeed("k1", std::string(32, '\x01')); }

KeyRing RingOf(const SigningKey& key) {
  KeyRing ring;
  EXPECT_TRUE(ring.Add(key.kid(), key.public_key()).ok());
  return ring;
}

// A COSE_Sign1 of the given parts, to test what ParseCoseSign1 refuses.
std::string Envelope(uint64_t tag, std::string protected_header, CborItem unprotected, std::string signature) {
  std::vector<CborItem> fields;
  fields.push_back(CborBytes(protected_header));
  fields.push_back(std::move(unprotected));
  fields.push_back(CborBytes("payload"));
  fields.push_back(CborBytes(signature));
  return *Serialize(CborTag(tag, CborArray(std::move(fields))));
}

// A protected header given in hexadecimal.
std::string Header(absl::string_view hex) { return absl::HexStringToBytes(hex); }

TEST(CoseSign1, HasTheShapeOfRfc9052) {
  const std::string bytes = *SignCoseSign1("payload", TestKey());
  // Tag 18, an array of four; the protected header {1: -8, 4: h'6b31'} in a byte string of 7.
  EXPECT_EQ(absl::BytesToHexString(bytes.substr(0, 11)), "d28447a2012704426b31a0");
  const CoseSign1 sign1 = *ParseCoseSign1(bytes);
  EXPECT_EQ(sign1.kid, "k1");
  EXPECT_EQ(sign1.payload, "payload");
  EXPECT_EQ(sign1.signature.size(), 64u);
  EXPECT_TRUE(VerifyCoseSign1(sign1, RingOf(TestKey())));
}

TEST(CoseSign1, SignsTheSigStructure) {
  const std::string protected_header = absl::HexStringToBytes("a2012704426b31");
  const std::string to_sign = *CoseSigStructure(protected_header, "payload");
  // ["Signature1", h'a2012704426b31', h'', h'7061796c6f6164']
  EXPECT_EQ(absl::BytesToHexString(to_sign), "846a5369676e61747572653147a2012704426b3140477061796c6f6164");
  const CoseSign1 sign1 = *ParseCoseSign1(*SignCoseSign1("payload", TestKey()));
  EXPECT_EQ(sign1.signature, TestKey().Sign(to_sign));  // Ed25519 is deterministic
}

TEST(CoseSign1, AnotherKeyOrAnotherPayloadDoesNotVerify) {
  CoseSign1 sign1 = *ParseCoseSign1(*SignCoseSign1("payload", TestKey()));
  const SigningKey other = *SigningKey::FromSeed("k1", std::string(32, '\x02'));
  EXPECT_FALSE(VerifyCoseSign1(sign1, RingOf(other)));
  EXPECT_FALSE(VerifyCoseSign1(sign1, KeyRing()));
  sign1.payload = "payloae";
  EXPECT_FALSE(VerifyCoseSign1(sign1, RingOf(TestKey())));
}

TEST(CoseSign1, RefusesAnotherShape) {
  const std::string good_header = Header("a2012704426b31");
  const std::string signature(64, 's');
  EXPECT_TRUE(ParseCoseSign1(Envelope(18, good_header, CborMap({}), signature)).ok());

  EXPECT_THAT(ParseCoseSign1(Envelope(98, good_header, CborMap({}), signature)).status().message(),
              HasSubstr("tag 18"));
  EXPECT_THAT(ParseCoseSign1(Envelope(18, good_header, CborMap({}), std::string(63, 's'))).status().message(),
              HasSubstr("64 bytes"));
  std::vector<std::pair<CborItem, CborItem>> kid_unprotected;
  kid_unprotected.emplace_back(CborInt(4), CborBytes("k2"));
  EXPECT_THAT(
      ParseCoseSign1(Envelope(18, good_header, CborMap(std::move(kid_unprotected)), signature)).status().message(),
      HasSubstr("unprotected header: must be empty"));
  // {1: -7, 4: h'6b31'}: ES256 instead of EdDSA.
  EXPECT_THAT(ParseCoseSign1(Envelope(18, Header("a2012604426b31"), CborMap({}), signature)).status().message(),
              HasSubstr("EdDSA"));
  // {1: -8}: no kid; {1: -8, 4: "k1"}: a text kid; {1: -8, 4: h'2e2e2f6b31'}: "../k1", no key id;
  // {1: -8, 4: h'6b31', 2: 1}: an extra header (crit).
  EXPECT_FALSE(ParseCoseSign1(Envelope(18, Header("a10127"), CborMap({}), signature)).ok());
  EXPECT_FALSE(ParseCoseSign1(Envelope(18, Header("a2012704626b31"), CborMap({}), signature)).ok());
  EXPECT_THAT(ParseCoseSign1(Envelope(18, Header("a2012704452e2e2f6b31"), CborMap({}), signature)).status().message(),
              HasSubstr("not a key id"));
  EXPECT_FALSE(ParseCoseSign1(Envelope(18, Header("a3012704426b310201"), CborMap({}), signature)).ok());
  EXPECT_FALSE(ParseCoseSign1(Envelope(18, "not cbor", CborMap({}), signature)).ok());
  // Tag 18 in its two-byte form: not the one-byte form the seal writes.
  std::string long_tag = Envelope(18, good_header, CborMap({}), signature);
  long_tag.replace(0, 1, "\xd8\x12");
  EXPECT_THAT(ParseCoseSign1(long_tag).status().message(), HasSubstr("tag 18"));
  // An array of three.
  std::vector<CborItem> three;
  three.push_back(CborBytes(good_header));
  three.push_back(CborMap({}));
  three.push_back(CborBytes("payload"));
  EXPECT_THAT(ParseCoseSign1(*Serialize(CborTag(18, CborArray(std::move(three))))).status().message(),
              HasSubstr("array of 4"));
}

}  // namespace
}  // namespace himaya::seal
