#include "seal/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::seal {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kSecretExtension = ".key";
constexpr absl::string_view kPublicExtension = ".pub";
constexpr size_t kSeedBytes = crypto_sign_SEEDBYTES;
// A key file is one line of hexadecimal; anything much longer is not a key file.
constexpr std::streamsize kMaxKeyFileBytes = 1024;

static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeyBytes);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

absl::Status SodiumReady() {
  static const int initialised = sodium_init();
  if (initialised < 0) return absl::InternalError("libsodium could not be initialised");
  return absl::OkStatus();
}

// Wipes a string that held secret material before it is freed.
struct Wiped {
  std::string text;
  ~Wiped() { sodium_memzero(text.data(), text.size()); }
};

// The bytes `text` of `file` holds in hexadecimal (surrounding whitespace ignored), which must
// be `size`.
absl::Status DecodeHex(const fs::path& file, absl::string_view text, uint8_t* out, size_t size) {
  if (text.size() > static_cast<size_t>(kMaxKeyFileBytes)) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": too long for a key"));
  }
  const absl::string_view hex = absl::StripAsciiWhitespace(text);
  size_t decoded = 0;
  const char* end = nullptr;
  if (hex.size() != 2 * size || sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &decoded, &end) != 0 ||
      decoded != size || end != hex.data() + hex.size()) {
    sodium_memzero(out, size);
    return absl::InvalidArgumentError(
        absl::StrCat(file.string(), ": must hold ", 2 * size, " hexadecimal characters (", size, " bytes)"));
  }
  return absl::OkStatus();
}

// The bytes of a file of hexadecimal (surrounding whitespace ignored), which must be `size`.
absl::Status ReadHexFile(const fs::path& file, uint8_t* out, size_t size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(file.string(), ": cannot be read"));
  Wiped content{std::string(kMaxKeyFileBytes + 1, '\0')};
  in.read(content.text.data(), kMaxKeyFileBytes + 1);
  return DecodeHex(file, absl::string_view(content.text.data(), static_cast<size_t>(in.gcount())), out, size);
}

// Closes a file descriptor when it goes.
struct OpenFile {
  int fd = -1;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

std::string Hex(const uint8_t* bytes, size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.back() = '\n';
  return hex;
}

// The kid a key file's name gives, when it ends in `extension`.
absl::StatusOr<std::string> KidOf(const fs::path& file, absl::string_view extension) {
  if (file.extension().string() != extension) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": a key file is named <kid>", extension));
  }
  std::string kid = file.stem().string();
  if (absl::Status valid = CheckKeyId(kid); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": ", valid.message()));
  }
  return kid;
}

// Creates `file` (never replacing one) with `mode` and writes `content` to it.
absl::Status WriteNewFile(const fs::path& file, const std::string& content, mode_t mode) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat(file.string(), ": exists already"));
    return absl::InternalError(absl::StrCat(file.string(), ": cannot be created: ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool synced = written == content.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    std::error_code ignored;
    fs::remove(file, ignored);
    return absl::InternalError(absl::StrCat(file.string(), ": cannot be written"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckKeyId(absl::string_view kid) {
  const bool valid = !kid.empty() && kid.size() <= kMaxKeyIdLength && std::all_of(kid.begin(), kid.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("key id: must be 1 to ", kMaxKeyIdLength, " characters of A-Z, a-z, 0-9, '_' and '-'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SigningKey> SigningKey::FromSeed(absl::string_view kid, absl::string_view seed) {
  RETURN_IF_ERROR(SodiumReady());
  RETURN_IF_ERROR(CheckKeyId(kid));
  if (seed.size() != kSeedBytes) {
    return absl::InvalidArgumentError(absl::StrCat("signing key: the seed must be ", kSeedBytes, " bytes"));
  }
  SigningKey key;
  key.kid_ = std::string(kid);
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(), reinterpret_cast<const uint8_t*>(seed.data()));
  return key;
}

absl::StatusOr<SigningKey> SigningKey::Generate(absl::string_view kid) {
  RETURN_IF_ERROR(SodiumReady());
  RETURN_IF_ERROR(CheckKeyId(kid));
  SigningKey key;
  key.kid_ = std::string(kid);
  crypto_sign_keypair(key.public_.data(), key.secret_.data());
  return key;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string SigningKey::public_key() const { return std::string(public_.begin(), public_.end()); }

std::string SigningKey::Sign(absl::string_view message) const {
  std::string signature(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(), secret_.data());
  return signature;
}

absl::Status KeyRing::Add(absl::string_view kid, absl::string_view public_key) {
  RETURN_IF_ERROR(SodiumReady());
  RETURN_IF_ERROR(CheckKeyId(kid));
  if (public_key.size() != kPublicKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("public key: must be ", kPublicKeyBytes, " bytes"));
  }
  if (!keys_.emplace(std::string(kid), std::string(public_key)).second) {
    return absl::AlreadyExistsError(absl::StrCat("key ring: holds key id ", kid, " already"));
  }
  return absl::OkStatus();
}

bool KeyRing::Verify(absl::string_view kid, absl::string_view message, absl::string_view signature) const {
  const auto key = keys_.find(kid);
  if (key == keys_.end() || signature.size() != kSignatureBytes) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature.data()),
                                     reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                                     reinterpret_cast<const uint8_t*>(key->second.data())) == 0;
}

std::vector<std::string> KeyRing::kids() const {
  std::vector<std::string> kids;
  for (const auto& entry : keys_) kids.push_back(entry.first);
  std::sort(kids.begin(), kids.end());
  return kids;
}

absl::StatusOr<SigningKey> LoadSigningKey(const fs::path& file) {
  ASSIGN_OR_RETURN(std::string kid, KidOf(file, kSecretExtension));
  // Opened once, without following a symbolic link, and checked on what was opened (fstat), so
  // that the file read is the file whose owner and mode were checked.
  OpenFile opened{::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)};
  if (opened.fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(file.string(), ": no such signing key"));
    if (errno == ELOOP) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.string(), ": is a symbolic link; give the signing key file itself"));
    }
    return absl::PermissionDeniedError(absl::StrCat(file.string(), ": cannot be read: ", std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(opened.fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(file.string(), ": is not a regular file"));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(file.string(), ": a signing key must be readable by its owner only (chmod 600)"));
  }
  Wiped content{std::string(kMaxKeyFileBytes + 1, '\0')};
  size_t got = 0;
  while (got < content.text.size()) {
    const ssize_t n = ::read(opened.fd, content.text.data() + got, content.text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::PermissionDeniedError(absl::StrCat(file.string(), ": cannot be read"));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  std::array<uint8_t, kSeedBytes> seed{};
  absl::Status read = DecodeHex(file, absl::string_view(content.text.data(), got), seed.data(), seed.size());
  absl::StatusOr<SigningKey> key =
      read.ok() ? SigningKey::FromSeed(kid, absl::string_view(reinterpret_cast<const char*>(seed.data()), seed.size()))
                : absl::StatusOr<SigningKey>(read);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

absl::StatusOr<KeyRing> LoadKeyRing(const fs::path& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return absl::NotFoundError(absl::StrCat(directory.string(), ": no such key directory"));
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension().string() == kPublicExtension) files.push_back(it->path());
  }
  if (error) return absl::InternalError(absl::StrCat(directory.string(), ": cannot be listed"));
  std::sort(files.begin(), files.end());
  KeyRing ring;
  for (const fs::path& file : files) {
    ASSIGN_OR_RETURN(std::string kid, KidOf(file, kPublicExtension));
    std::array<uint8_t, kPublicKeyBytes> public_key{};
    RETURN_IF_ERROR(ReadHexFile(file, public_key.data(), public_key.size()));
    RETURN_IF_ERROR(
        ring.Add(kid, absl::string_view(reinterpret_cast<const char*>(public_key.data()), kPublicKeyBytes)));
  }
  if (ring.size() == 0) {
    return absl::FailedPreconditionError(absl::StrCat(directory.string(), ": holds no <kid>.pub public key"));
  }
  return ring;
}

absl::StatusOr<SigningKey> CreateSigningKey(const fs::path& directory, absl::string_view kid) {
  RETURN_IF_ERROR(SodiumReady());
  RETURN_IF_ERROR(CheckKeyId(kid));
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) return absl::InternalError(absl::StrCat(directory.string(), ": cannot be created"));
  const fs::path secret_file = directory / absl::StrCat(kid, kSecretExtension);
  const fs::path public_file = directory / absl::StrCat(kid, kPublicExtension);
  if (fs::exists(public_file, error))
    return absl::AlreadyExistsError(absl::StrCat(public_file.string(), ": exists already"));

  std::array<uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  absl::StatusOr<SigningKey> key =
      SigningKey::FromSeed(kid, absl::string_view(reinterpret_cast<const char*>(seed.data()), seed.size()));
  Wiped seed_hex{Hex(seed.data(), seed.size())};
  sodium_memzero(seed.data(), seed.size());
  if (!key.ok()) return key.status();

  RETURN_IF_ERROR(WriteNewFile(secret_file, seed_hex.text, 0600));
  const std::string public_key = key->public_key();
  absl::Status written =
      WriteNewFile(public_file, Hex(reinterpret_cast<const uint8_t*>(public_key.data()), public_key.size()), 0644);
  if (!written.ok()) {
    fs::remove(secret_file, error);
    return written;
  }
  return key;
}

}  // namespace himaya::seal
