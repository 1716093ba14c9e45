#include "seal/keys.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::seal {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

void WriteFile(const fs::path& file, const std::string& content,
               fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(file) << content;
  fs::permissions(file, perms);
}

fs::perms PermsOf(const fs::path& file) { return fs::status(file).permissions() & fs::perms::mask; }

TEST(KeyId, AcceptsNamesOfFilesOnly) {
  EXPECT_TRUE(CheckKeyId("amo-2026_01").ok());
  EXPECT_TRUE(CheckKeyId(std::string(32, 'k')).ok());
  for (const char* bad : {"", "../x", "a.b", "a b", "é", "k/1", "k\n"}) {
    EXPECT_EQ(CheckKeyId(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(CheckKeyId(std::string(33, 'k')).ok());
}

TEST(SigningKey, SignsWhatTheRingVerifies) {
  const SigningKey key = *SigningKey::Generate("k1");
  KeyRing ring;
  ASSERT_TRUE(ring.Add("k1", key.public_key()).ok());
  const std::string signature = key.Sign("message");
  EXPECT_EQ(signature.size(), kSignatureBytes);
  EXPECT_TRUE(ring.Verify("k1", "message", signature));
  EXPECT_FALSE(ring.Verify("k1", "messagf", signature));
  EXPECT_FALSE(ring.Verify("k2", "message", signature));
  EXPECT_FALSE(ring.Verify("k1", "message", signature.substr(1)));
  EXPECT_NE(SigningKey::Generate("k1")->public_key(), key.public_key());
}

TEST(SigningKey, RefusesABadSeedOrKid) {
  EXPECT_FALSE(SigningKey::FromSeed("k1", std::string(31, 'x')).ok());
  EXPECT_FALSE(SigningKey::FromSeed("k 1", std::string(32, 'x')).ok());
  EXPECT_FALSE(SigningKey::Generate("").ok());
}

TEST(KeyRing, RefusesADuplicateKidOrABadKey) {
  KeyRing ring;
  ASSERT_TRUE(ring.Add("k1", std::string(32, 'p')).ok());
  EXPECT_EQ(ring.Add("k1", std::string(32, 'q')).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ring.Add("k2", std::string(31, 'q')).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ring.Add("k/2", std::string(32, 'q')).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ring.Contains("k1"));
  EXPECT_FALSE(ring.Contains("k2"));
}

TEST(KeyFiles, CreatedKeysLoadBack) {
  testing::TempDir dir;
  const fs::path keys = fs::path(dir.path()) / "keys";
  const SigningKey created = *CreateSigningKey(keys, "amo-2026");
  EXPECT_EQ(PermsOf(keys / "amo-2026.key"), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(fs::exists(keys / "amo-2026.pub"));

  const absl::StatusOr<SigningKey> loaded = LoadSigningKey(keys / "amo-2026.key");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->kid(), "amo-2026");
  EXPECT_EQ(loaded->public_key(), created.public_key());

  const absl::StatusOr<KeyRing> ring = LoadKeyRing(keys);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_THAT(ring->kids(), ElementsAre("amo-2026"));  // the .key file is not a public key
  EXPECT_TRUE(ring->Verify("amo-2026", "m", loaded->Sign("m")));
}

TEST(KeyFiles, RotationAddsAKidAndKeepsTheOld) {
  testing::TempDir dir;
  const SigningKey old_key = *CreateSigningKey(dir.path(), "amo-2026");
  const SigningKey new_key = *CreateSigningKey(dir.path(), "amo-2027");
  const KeyRing ring = *LoadKeyRing(dir.path());
  EXPECT_THAT(ring.kids(), ElementsAre("amo-2026", "amo-2027"));
  EXPECT_TRUE(ring.Verify("amo-2026", "m", old_key.Sign("m")));
  EXPECT_TRUE(ring.Verify("amo-2027", "m", new_key.Sign("m")));
}

TEST(KeyFiles, NeverOverwritesAKey) {
  testing::TempDir dir;
  const SigningKey first = *CreateSigningKey(dir.path(), "k1");
  EXPECT_EQ(CreateSigningKey(dir.path(), "k1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(LoadSigningKey(fs::path(dir.path()) / "k1.key")->public_key(), first.public_key());
  // A public key alone also blocks the kid, and no secret key is left behind.
  WriteFile(fs::path(dir.path()) / "k2.pub", std::string(64, '0'));
  EXPECT_EQ(CreateSigningKey(dir.path(), "k2").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "k2.key"));
  EXPECT_EQ(CreateSigningKey(dir.path(), "../k3").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyFiles, RefusesASecretKeyOthersMayRead) {
  testing::TempDir dir;
  CreateSigningKey(dir.path(), "k1").IgnoreError();
  const fs::path file = fs::path(dir.path()) / "k1.key";
  fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
  const absl::StatusOr<SigningKey> loaded = LoadSigningKey(file);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
}

TEST(KeyFiles, RefusesASymbolicLinkOrWhatIsNotAFile) {
  testing::TempDir dir;
  const fs::path root(dir.path());
  ASSERT_TRUE(CreateSigningKey(root, "k1").ok());
  // A link to a good key (which a path check followed) is refused: the key is read as opened.
  fs::create_symlink(root / "k1.key", root / "k2.key");
  const absl::StatusOr<SigningKey> linked = LoadSigningKey(root / "k2.key");
  EXPECT_EQ(linked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(linked.status().message(), HasSubstr("symbolic link"));
  fs::create_directory(root / "k3.key");
  fs::permissions(root / "k3.key", fs::perms::owner_all, fs::perm_options::replace);
  EXPECT_THAT(LoadSigningKey(root / "k3.key").status().message(), HasSubstr("not a regular file"));
  EXPECT_TRUE(LoadSigningKey(root / "k1.key").ok());
}

TEST(KeyFiles, RefusesBadKeyFiles) {
  testing::TempDir dir;
  const fs::path root(dir.path());
  EXPECT_EQ(LoadSigningKey(root / "missing.key").status().code(), absl::StatusCode::kNotFound);
  WriteFile(root / "short.key", std::string(62, 'a'));
  EXPECT_THAT(LoadSigningKey(root / "short.key").status().message(), HasSubstr("64 hexadecimal characters"));
  WriteFile(root / "nothex.key", std::string(63, 'a') + "g");
  EXPECT_EQ(LoadSigningKey(root / "nothex.key").status().code(), absl::StatusCode::kInvalidArgument);
  WriteFile(root / "long.key", std::string(5000, 'a'));
  EXPECT_THAT(LoadSigningKey(root / "long.key").status().message(), HasSubstr("too long"));
  WriteFile(root / "k1.txt", std::string(64, 'a'));
  EXPECT_THAT(LoadSigningKey(root / "k1.txt").status().message(), HasSubstr("<kid>.key"));
  WriteFile(root / "a b.key", std::string(64, 'a'));
  EXPECT_THAT(LoadSigningKey(root / "a b.key").status().message(), HasSubstr("key id"));
  // Surrounding whitespace is allowed.
  WriteFile(root / "spaced.key", "  " + std::string(64, 'a') + "\r\n\n");
  EXPECT_TRUE(LoadSigningKey(root / "spaced.key").ok());
  // The error never shows the file's content.
  EXPECT_THAT(LoadSigningKey(root / "nothex.key").status().message(), ::testing::Not(HasSubstr("aaaa")));
}

TEST(KeyFiles, RefusesABadKeyRingDirectory) {
  testing::TempDir dir;
  const fs::path root(dir.path());
  EXPECT_EQ(LoadKeyRing(root / "missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadKeyRing(root).status().code(), absl::StatusCode::kFailedPrecondition);
  WriteFile(root / "k1.pub", std::string(64, 'a'));
  WriteFile(root / "k2.pub", "not a key");
  EXPECT_THAT(LoadKeyRing(root).status().message(), HasSubstr("k2.pub"));
}

}  // namespace
}  // namespace himaya::seal
