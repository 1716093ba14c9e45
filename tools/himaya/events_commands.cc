// himaya events: where each service's outbox stands, and replays of retained events.
#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/events/v1/outbox_admin.grpc.pb.h"
#include "output.h"
#include "rpc/call.h"
#include "stack/local_stack.h"

ABSL_FLAG(std::string, since, "",
          "events replay: publish again what was created at or after this RFC 3339 instant; audit: only "
          "reads at or after it");
ABSL_DECLARE_FLAG(std::string, until);  // claims_commands.cc

ABSL_FLAG(std::string, service, "",
          "events: only this service (default: every service of the stack); health: the gRPC service asked "
          "about (default: the server as a whole)");

namespace himaya::cli {
namespace {

namespace ev = himaya::events::v1;

// The services a command addresses: --service, or every one of the stack's.
std::vector<std::string> TargetServices() {
  if (!absl::GetFlag(FLAGS_service).empty()) return {absl::GetFlag(FLAGS_service)};
  return stack::Services();
}

absl::StatusOr<std::string> AddressOf(const std::string& service) {
  return ServiceAddress(service, "", "is 'himaya up' running?");
}

// An instant a protobuf Timestamp holds (years 1 to 9999; ParseTime also takes "infinite-future").
bool IsTimestamp(absl::Time t) {
  return t >= absl::FromUnixSeconds(google::protobuf::util::TimeUtil::kTimestampMinSeconds) &&
         t <= absl::FromUnixSeconds(google::protobuf::util::TimeUtil::kTimestampMaxSeconds);
}

int Replay(OutputFormat format) {
  absl::Time since;
  std::string error;
  if (absl::GetFlag(FLAGS_since).empty() ||
      !absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_since), &since, &error) || !IsTimestamp(since)) {
    return Fail("events replay: --since=YYYY-MM-DDTHH:MM:SSZ (RFC 3339) is required");
  }
  ev::ReplayOutboxRequest request;
  *request.mutable_since() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(since));
  if (!absl::GetFlag(FLAGS_until).empty()) {
    absl::Time until;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_until), &until, &error) || !IsTimestamp(until)) {
      return Fail("events replay: --until=YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
    }
    if (until <= since) return Fail("events replay: --until must be after --since");
    *request.mutable_until() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(until));
  }
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const std::string& service : TargetServices()) {
    absl::StatusOr<std::string> address = AddressOf(service);
    if (!address.ok()) return Fail(address.status());
    absl::StatusOr<ev::ReplayOutboxResponse> response =
        rpc::Call(*address, &ev::OutboxAdmin::Stub::ReplayOutbox, request, absl::Minutes(1));
    if (!response.ok()) return Fail(absl::StrCat(service, ": ", response.status().message()));
    rows.push_back({service, absl::StrCat(response->replayed())});
    json.push_back({{"service", service}, {"replayed", response->replayed()}});
  }
  PrintRows(format, {"SERVICE", "REPLAYED"}, rows, json);
  return 0;
}

int Outbox(OutputFormat format) {
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const std::string& service : TargetServices()) {
    absl::StatusOr<std::string> address = AddressOf(service);
    if (!address.ok()) return Fail(address.status());
    absl::StatusOr<ev::OutboxStatus> response =
        rpc::Call(*address, &ev::OutboxAdmin::Stub::GetOutbox, ev::GetOutboxRequest());
    if (!response.ok()) return Fail(absl::StrCat(service, ": ", response.status().message()));
    rows.push_back({service, absl::StrCat(response->pending()), absl::StrCat(response->set_aside())});
    json.push_back({{"service", service}, {"pending", response->pending()}, {"set_aside", response->set_aside()}});
  }
  PrintRows(format, {"SERVICE", "PENDING", "SET_ASIDE"}, rows, json);
  return 0;
}

}  // namespace

int Events(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (args.size() == 1 && args[0] == "replay") return Replay(*format);
  if (args.size() == 1 && args[0] == "outbox") return Outbox(*format);
  return Fail("usage: himaya events outbox | himaya events replay --since=RFC3339 [--until=RFC3339] [--service=NAME]");
}

}  // namespace himaya::cli
