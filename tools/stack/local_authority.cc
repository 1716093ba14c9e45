#include "stack/local_authority.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::stack {
namespace {

constexpr char kAuthority[] = "ca";
constexpr long kAuthorityDays = 3650;
constexpr long kCertificateDays = 825;

struct FreeKey {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct FreeCertificate {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct FreeBio {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Key = std::unique_ptr<EVP_PKEY, FreeKey>;
using Certificate = std::unique_ptr<X509, FreeCertificate>;
using Bio = std::unique_ptr<BIO, FreeBio>;

absl::Status OpenSslError(const std::string& what) {
  return absl::InternalError(absl::StrCat("openssl: cannot ", what));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::Status WriteKey(const std::string& path, EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return OpenSslError("write a key");
  }
  return WriteFileWithMode(path, BioText(bio.get()), 0600);
}

absl::Status WriteCertificate(const std::string& path, X509* certificate) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), certificate)) return OpenSslError("write a certificate");
  return WriteFileWithMode(path, BioText(bio.get()), 0644);
}

absl::StatusOr<Key> ReadKey(const std::string& path) {
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return absl::FailedPreconditionError(absl::StrCat(path, ": not a PEM private key"));
  return key;
}

absl::StatusOr<Certificate> ReadCertificate(const std::string& path) {
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) return absl::FailedPreconditionError(absl::StrCat("cannot read ", path));
  Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) return absl::FailedPreconditionError(absl::StrCat(path, ": not a PEM certificate"));
  return certificate;
}

absl::Status AddExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) return OpenSslError(absl::StrCat("make the extension ", value));
  int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  return added ? absl::OkStatus() : OpenSslError(absl::StrCat("add the extension ", value));
}

// A certificate for `common_name` and `key`, signed by `issuer_key` (`issuer` null: self-signed,
// an authority).
absl::StatusOr<Certificate> Issue(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  Certificate certificate(X509_new());
  unsigned char serial[16];
  if (certificate == nullptr || RAND_bytes(serial, sizeof(serial)) != 1) return OpenSslError("make a certificate");
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
  BN_free(number);
  X509_set_version(certificate.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_time_adj_ex(X509_getm_notAfter(certificate.get()), issuer == nullptr ? kAuthorityDays : kCertificateDays, 0,
                   nullptr);
  X509_set_pubkey(certificate.get(), key);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("himaya"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(certificate.get(), issuer == nullptr ? name : X509_get_subject_name(issuer));
  X509* signer = issuer == nullptr ? certificate.get() : issuer;
  if (issuer == nullptr) {
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_basic_constraints, "critical,CA:TRUE"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_basic_constraints, "critical,CA:FALSE"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_key_usage, "critical,digitalSignature"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth"));
    RETURN_IF_ERROR(AddExtension(certificate.get(), signer, NID_subject_alt_name,
                                 absl::StrCat("IP:127.0.0.1,DNS:localhost,URI:himaya:", common_name).c_str()));
  }
  if (X509_sign(certificate.get(), issuer_key, EVP_sha256()) == 0) return OpenSslError("sign a certificate");
  return certificate;
}

absl::StatusOr<Key> NewKey() {
  Key key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("make a P-256 key");
  return key;
}

}  // namespace

absl::Status WriteFileWithMode(const std::string& path, const std::string& content, mode_t mode) {
  const std::string partial = path + ".partial";
  int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  bool written =
      fd >= 0 && write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (!written || rename(partial.c_str(), path.c_str()) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

rpc::TlsFiles CertificateFiles(const std::string& dir, const std::string& identity) {
  return {absl::StrCat(dir, "/", identity, ".crt"), absl::StrCat(dir, "/", identity, ".key"),
          absl::StrCat(dir, "/", kAuthority, ".crt")};
}

absl::Status EnsureCertificates(const std::string& dir, const std::vector<std::string>& identities) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create ", dir));
  }
  const rpc::TlsFiles authority = CertificateFiles(dir, kAuthority);
  if (!std::filesystem::exists(authority.cert)) {
    ASSIGN_OR_RETURN(Key key, NewKey());
    ASSIGN_OR_RETURN(Certificate certificate, Issue("himaya local authority", key.get(), nullptr, key.get()));
    RETURN_IF_ERROR(WriteKey(authority.key, key.get()));
    RETURN_IF_ERROR(WriteCertificate(authority.cert, certificate.get()));
  }
  ASSIGN_OR_RETURN(Key authority_key, ReadKey(authority.key));
  ASSIGN_OR_RETURN(Certificate authority_certificate, ReadCertificate(authority.cert));
  for (const std::string& identity : identities) {
    const rpc::TlsFiles files = CertificateFiles(dir, identity);
    if (std::filesystem::exists(files.cert)) continue;
    ASSIGN_OR_RETURN(Key key, NewKey());
    ASSIGN_OR_RETURN(Certificate certificate,
                     Issue(identity, key.get(), authority_certificate.get(), authority_key.get()));
    RETURN_IF_ERROR(WriteKey(files.key, key.get()));
    RETURN_IF_ERROR(WriteCertificate(files.cert, certificate.get()));
  }
  return absl::OkStatus();
}

}  // namespace himaya::stack
