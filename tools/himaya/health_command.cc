// himaya health: one server's grpc.health.v1 answer, as a container's health check or a
// Kubernetes exec probe asks it (Debian has no grpc_health_probe). The call shows the CLI's
// certificate, or the one --tls_cert names (a pod's own), since every service is mutual TLS.
#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "output.h"
#include "rpc/client.h"

ABSL_FLAG(std::string, address, "", "health: the gRPC address asked (HOST:PORT)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "health: how long the answer may take");
ABSL_DECLARE_FLAG(std::string, service);

namespace himaya::cli {

int Health(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  const std::string address = absl::GetFlag(FLAGS_address);
  if (!args.empty() || address.empty()) {
    return Fail("usage: himaya health --address=HOST:PORT [--service=NAME] [--timeout=5s]");
  }
  if (absl::GetFlag(FLAGS_timeout) <= absl::ZeroDuration()) return Fail("health: --timeout must be positive");
  if (absl::Status s = UseCliCredentials(); !s.ok()) return Fail(s);
  const std::string service = absl::GetFlag(FLAGS_service);
  absl::StatusOr<bool> serving = rpc::CheckHealth(address, service, absl::GetFlag(FLAGS_timeout));
  const std::string shown = service.empty() ? "(server)" : service;
  if (!serving.ok()) return Fail(absl::StrCat(address, " ", shown, ": ", serving.status().ToString()));
  if (!*serving) return Fail(absl::StrCat(address, " ", shown, ": NOT_SERVING"));
  PrintRows(*format, {"ADDRESS", "SERVICE", "STATUS"}, {{address, shown, "SERVING"}},
            nlohmann::json::array({{{"address", address}, {"service", service}, {"status", "SERVING"}}}));
  return 0;
}

}  // namespace himaya::cli
