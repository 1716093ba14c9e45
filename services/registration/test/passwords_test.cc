// Portal passwords: what is accepted (12 to 128 characters of UTF-8, counted after NFC), every
// refusal naming the field and never quoting the password, and the Argon2id hashes.
#include "registration/src/passwords.h"

#include <sodium.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Libsodium's smallest cost: the tests check behaviour, not strength.
constexpr PasswordHashing kCheap{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

TEST(Passwords, TwelveToOneHundredTwentyEightCharactersCountedAsCharactersNotBytes) {
  EXPECT_TRUE(NormalizePassword(std::string(12, 'a')).ok());
  EXPECT_TRUE(NormalizePassword(std::string(128, 'a')).ok());
  // Twelve Arabic letters are 24 bytes; a hundred and twenty-eight are 256.
  EXPECT_TRUE(NormalizePassword(Repeat("\xd8\xb3", 12)).ok());
  EXPECT_TRUE(NormalizePassword(Repeat("\xd8\xb3", 128)).ok());
  for (const std::string& refused : {std::string(11, 'a'), Repeat("\xd8\xb3", 11)}) {
    absl::StatusOr<std::string> s = NormalizePassword(refused);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.status().message(), "password: is shorter than 12 characters");
  }
  for (const std::string& refused : {std::string(129, 'a'), Repeat("\xd8\xb3", 129), std::string(1 << 20, 'a')}) {
    absl::StatusOr<std::string> s = NormalizePassword(refused);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.status().message(), "password: is longer than 128 characters");
  }
}

TEST(Passwords, EveryRefusalNamesTheFieldAndQuotesNothing) {
  const std::string secret = "correct horse";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "password: is required"},
      {secret + "\xff\xfe", "password: is not valid UTF-8"},
      {secret + std::string(1, '\0') + "battery", "password: holds a NUL character"},
      {"\xed\xa0\x80" + secret, "password: is not valid UTF-8"},  // a surrogate
  };
  for (const auto& [password, message] : cases) {
    absl::StatusOr<std::string> s = NormalizePassword(password);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << message;
    EXPECT_EQ(s.status().message(), message);
    EXPECT_THAT(std::string(s.status().message()), Not(HasSubstr("horse")));
  }
}

TEST(Passwords, TheSameWordTypedComposedOrDecomposedIsTheSamePassword) {
  const std::string composed = "caf\xc3\xa9 au lait 2024";     // é as one code point
  const std::string decomposed = "cafe\xcc\x81 au lait 2024";  // e + combining acute
  ASSERT_NE(composed, decomposed);
  EXPECT_EQ(*NormalizePassword(composed), *NormalizePassword(decomposed));
  EXPECT_EQ(*NormalizePassword(composed), composed);
}

TEST(Passwords, HashesAreArgon2idSaltedAndVerifiedOnlyByTheirPassword) {
  ASSERT_GE(sodium_init(), 0);
  PasswordHasher hasher(kCheap);
  absl::StatusOr<std::string> first = hasher.Hash("correct horse battery");
  absl::StatusOr<std::string> second = hasher.Hash("correct horse battery");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_THAT(*first, StartsWith("$argon2id$"));
  EXPECT_NE(*first, *second) << "a salt of its own";
  EXPECT_THAT(*first, Not(HasSubstr("horse")));
  EXPECT_TRUE(PasswordHasher::Verify(*first, "correct horse battery"));
  EXPECT_TRUE(PasswordHasher::Verify(*second, "correct horse battery"));
  EXPECT_FALSE(PasswordHasher::Verify(*first, "correct horse batterY"));
  EXPECT_FALSE(PasswordHasher::Verify("", "correct horse battery")) << "an unreadable hash is no match";
  EXPECT_FALSE(PasswordHasher::Verify("$argon2id$nonsense", "correct horse battery"));
}

TEST(Passwords, AHashMadeWithAnotherCostIsToBeMadeAgain) {
  ASSERT_GE(sodium_init(), 0);
  PasswordHasher cheap(kCheap);
  PasswordHasher dearer({kCheap.ops + 1, kCheap.memory_bytes * 2});
  const std::string hash = *cheap.Hash("correct horse battery");
  EXPECT_FALSE(cheap.NeedsRehash(hash));
  EXPECT_TRUE(dearer.NeedsRehash(hash));
  EXPECT_FALSE(dearer.NeedsRehash(*dearer.Hash("correct horse battery")));
}

TEST(Passwords, ACostLibsodiumWouldRefuseNamesItsFlag) {
  EXPECT_TRUE(CheckPasswordHashing({}).ok()) << "the default: INTERACTIVE";
  EXPECT_TRUE(CheckPasswordHashing(kCheap).ok());
  EXPECT_THAT(std::string(CheckPasswordHashing({0, kCheap.memory_bytes}).message()), StartsWith("password_hash_ops:"));
  EXPECT_THAT(std::string(CheckPasswordHashing({kCheap.ops, 1024}).message()), StartsWith("password_hash_memory_kib:"));
}

}  // namespace
}  // namespace himaya::registration
