#include "connection.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "rpc/credentials.h"
#include "stack/local_stack.h"

ABSL_FLAG(std::string, data_dir, "./var", "Data directory of the local stack");
ABSL_FLAG(std::string, registration_address, "", "gRPC address of registration (default: found in the data directory)");
ABSL_FLAG(std::string, notification_address, "", "gRPC address of notification (default: found in the data directory)");
ABSL_FLAG(std::string, beneficiary_address, "", "gRPC address of beneficiary (default: found in the data directory)");
ABSL_FLAG(std::string, tls_cert, "",
          "Certificate the CLI shows to the services (mutual TLS; default: DATA_DIR/tls/cli.crt of the local stack)");
ABSL_FLAG(std::string, tls_key, "", "Private key of --tls_cert (default: DATA_DIR/tls/cli.key)");
ABSL_FLAG(std::string, tls_ca, "", "Authority the services' certificates are signed by (default: DATA_DIR/tls/ca.crt)");

namespace himaya::cli {

absl::Status UseCliCredentials() {
  rpc::TlsFiles files = stack::LocalStack::TlsFilesIn(absl::GetFlag(FLAGS_data_dir), stack::kCliIdentity);
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) files.cert = absl::GetFlag(FLAGS_tls_cert);
  if (!absl::GetFlag(FLAGS_tls_key).empty()) files.key = absl::GetFlag(FLAGS_tls_key);
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) files.ca = absl::GetFlag(FLAGS_tls_ca);
  absl::StatusOr<rpc::TlsIdentity> identity = rpc::LoadTlsIdentity(files);
  if (!identity.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("no certificate for the CLI (", identity.status().message(),
                                                      "); is 'himaya up' running with the same --data_dir?"));
  }
  rpc::UseClientCredentials(rpc::MutualTlsChannelCredentials(*identity));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ServiceAddress(const std::string& service, const std::string& address_flag,
                                           absl::string_view hint) {
  if (!address_flag.empty()) return address_flag;
  absl::StatusOr<stack::Endpoint> endpoint = stack::ReadEndpoint(absl::GetFlag(FLAGS_data_dir), service);
  if (!endpoint.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot find the ", service, " service in ", absl::GetFlag(FLAGS_data_dir), "/run (", hint, ")"));
  }
  return endpoint->grpc;
}

}  // namespace himaya::cli
