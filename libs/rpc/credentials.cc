#include "rpc/credentials.h"

#include <fstream>
#include <iterator>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace himaya::rpc {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (path.empty() || !in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", path, "'"));
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " holds no PEM block"));
  }
  return pem;
}

ABSL_CONST_INIT absl::Mutex client_credentials_mutex(absl::kConstInit);
std::shared_ptr<grpc::ChannelCredentials>& ClientCredentialsSlot()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(client_credentials_mutex) {
  static auto* const credentials = new std::shared_ptr<grpc::ChannelCredentials>(grpc::InsecureChannelCredentials());
  return *credentials;
}

}  // namespace

absl::StatusOr<TlsIdentity> LoadTlsIdentity(const TlsFiles& files, const std::string& flag_prefix) {
  TlsIdentity identity;
  auto cert = ReadPem(files.cert, flag_prefix + "cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(files.key, flag_prefix + "key");
  if (!key.ok()) return key.status();
  auto ca = ReadPem(files.ca, flag_prefix + "ca");
  if (!ca.ok()) return ca.status();
  return TlsIdentity{*std::move(cert), *std::move(key), *std::move(ca)};
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsIdentity& identity) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = identity.ca_pem;
  options.pem_key_cert_pairs.push_back({identity.key_pem, identity.cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const TlsIdentity& identity) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = identity.ca_pem;
  options.pem_private_key = identity.key_pem;
  options.pem_cert_chain = identity.cert_pem;
  return grpc::SslCredentials(options);
}

void UseClientCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
  absl::MutexLock lock(&client_credentials_mutex);
  ClientCredentialsSlot() = std::move(credentials);
}

std::shared_ptr<grpc::ChannelCredentials> ClientCredentials() {
  absl::MutexLock lock(&client_credentials_mutex);
  return ClientCredentialsSlot();
}

std::string CallerIdentity(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  return names.size() == 1 ? std::string(names[0].data(), names[0].size()) : "";
}

absl::Status RequireCaller(const grpc::ServerContextBase& context, const std::vector<std::string>& allowed) {
  const std::string caller = CallerIdentity(context);
  for (const std::string& identity : allowed) {
    if (!caller.empty() && caller == identity) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("caller ", caller.empty() ? "(no certificate)" : caller,
                                                  " may not call this; allowed: ", absl::StrJoin(allowed, ", ")));
}

}  // namespace himaya::rpc
