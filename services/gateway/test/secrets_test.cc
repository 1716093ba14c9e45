// Tokens are 43 base64url characters and never repeat; LooksLikeToken refuses every other shape;
// SHA-256 matches the standard's vectors; Argon2id hashes verify only their password.
#include "gateway/src/secrets.h"

#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace himaya::gateway {
namespace {

TEST(SecretsTest, TokensAre43Base64UrlCharactersAndNeverRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewToken();
    EXPECT_EQ(token.size(), 43u);
    EXPECT_TRUE(LooksLikeToken(token)) << token;
    EXPECT_TRUE(seen.insert(token).second) << "a token drawn twice";
  }
}

TEST(SecretsTest, LooksLikeTokenRefusesOtherShapes) {
  const std::string good = NewToken();
  EXPECT_FALSE(LooksLikeToken(""));
  EXPECT_FALSE(LooksLikeToken(good.substr(1)));
  EXPECT_FALSE(LooksLikeToken(good + "A"));
  EXPECT_FALSE(LooksLikeToken(std::string(42, 'A') + "="));
  EXPECT_FALSE(LooksLikeToken(std::string(42, 'A') + "+"));
  EXPECT_FALSE(LooksLikeToken(std::string(42, 'A') + "."));
  EXPECT_TRUE(LooksLikeToken(std::string(41, 'a') + "-_"));
}

TEST(SecretsTest, Sha256HexMatchesTheStandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretsTest, RandomHexHasTwoDigitsPerByte) {
  std::string hex = RandomHex(8);
  EXPECT_EQ(hex.size(), 16u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  EXPECT_NE(RandomHex(8), hex);
}

TEST(SecretsTest, SameSecretComparesWholeStrings) {
  EXPECT_TRUE(SameSecret("abcdef", "abcdef"));
  EXPECT_FALSE(SameSecret("abcdef", "abcdeg"));
  EXPECT_FALSE(SameSecret("abcdef", "abcde"));
}

TEST(SecretsTest, AnArgon2idHashVerifiesOnlyItsPassword) {
  auto hash = HashPassword("correct horse battery", PasswordCost::Minimum());
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(absl::StartsWith(*hash, "$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("correct horse battery", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse batterY", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse battery", "not a hash"));
  auto again = HashPassword("correct horse battery", PasswordCost::Minimum());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *hash) << "each hash has its own salt";
}

}  // namespace
}  // namespace himaya::gateway
