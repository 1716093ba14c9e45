// Mutual TLS for the suite's internal gRPC: every server asks for and verifies a client
// certificate signed by the suite's certificate authority, and every client shows its own. A
// process's identity is its certificate's common name (CN): the service's name ("registration",
// "notification", ...) or "cli" for the agents' command line. RPCs that hand out secrets or
// personal data in bulk check the caller's identity with RequireCaller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace himaya::rpc {

// Paths of PEM files: this process's certificate and private key, and the authority's
// certificate that peers' certificates must be signed by.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string ca;
};

// The files' contents.
struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string ca_pem;
};

// Reads the three files. INVALID_ARGUMENT naming `flag_prefix`+"cert" (…"key", …"ca") when one
// cannot be read or holds no PEM block.
absl::StatusOr<TlsIdentity> LoadTlsIdentity(const TlsFiles& files, const std::string& flag_prefix = "tls_");

// Server credentials that require a client certificate signed by the authority (the handshake
// fails without one).
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const TlsIdentity& identity);
// Channel credentials presenting `identity` and trusting only the authority's certificates.
std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const TlsIdentity& identity);

// Sets the credentials NewChannel uses in this process (once, at start, before any channel is
// made); without a call, channels are plaintext, which servers requiring TLS refuse.
void UseClientCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials);
// The credentials NewChannel uses.
std::shared_ptr<grpc::ChannelCredentials> ClientCredentials();

// The caller's identity: the CN of the client certificate verified in the handshake; empty for
// a plaintext call.
std::string CallerIdentity(const grpc::ServerContextBase& context);

// OK when the caller's identity is one of `allowed`; PERMISSION_DENIED otherwise (naming the
// caller, never the data asked for).
absl::Status RequireCaller(const grpc::ServerContextBase& context, const std::vector<std::string>& allowed);

}  // namespace himaya::rpc
