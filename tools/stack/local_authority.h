// The local stack's certificate authority for the suite's mutual TLS: a CA and, for each
// identity (each service, and "cli" for the agents' command line), a certificate whose CN is
// the identity, valid for 127.0.0.1 and localhost, signed by the CA. Made once in a directory
// (DATA_DIR/tls) with OpenSSL, kept across restarts; private keys are readable by their owner only.
// In Kubernetes, cert-manager issues the same shape of certificates instead.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "rpc/credentials.h"

namespace himaya::stack {

// Creates `dir`/ca.{crt,key} unless present, then `dir`/IDENTITY.{crt,key} for each identity
// not yet there. FAILED_PRECONDITION when a file cannot be written.
absl::Status EnsureCertificates(const std::string& dir, const std::vector<std::string>& identities);

// Writes `content` to `path` atomically (a temporary file renamed over it), created with `mode`.
// FAILED_PRECONDITION when it cannot.
absl::Status WriteFileWithMode(const std::string& path, const std::string& content, mode_t mode);

// The files of `identity` in `dir` (as EnsureCertificates makes them).
rpc::TlsFiles CertificateFiles(const std::string& dir, const std::string& identity);

}  // namespace himaya::stack
