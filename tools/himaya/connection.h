// How the CLI reaches the services of a running stack: where each one listens (an address flag,
// else the run file the service wrote in DATA_DIR/run) and the certificate the CLI shows them
// (mutual TLS). The calls themselves go through rpc::Call.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::cli {

// Makes this process call the services with the CLI's certificate (--tls_* flags, else the local
// stack's in DATA_DIR/tls). FAILED_PRECONDITION saying what is missing.
absl::Status UseCliCredentials();

// What a command says to check when it cannot find a service.
inline constexpr char kIsTheStackUp[] = "is 'himaya up' running with the same --data_dir?";

// The gRPC address of `service`: `address_flag` when given, else the one in its run file in
// DATA_DIR/run. UNAVAILABLE naming the directory and `hint` when no stack serves it there.
absl::StatusOr<std::string> ServiceAddress(const std::string& service, const std::string& address_flag = "",
                                           absl::string_view hint = kIsTheStackUp);

}  // namespace himaya::cli
