// himaya agent / apikey / audit: the gateway's clients (agents' accounts, API keys of the IVR and
// partners) and its access audit log, asked of GatewayAdminService as `cli`. A password is read
// from a file or standard input, never from a flag's value; a key's secret is printed once.
#include <cstdio>
#include <memory>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/gateway/v1/gateway.grpc.pb.h"
#include "output.h"
#include "password_input.h"
#include "rpc/call.h"
#include "rpc/client.h"

ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(std::string, since);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_FLAG(std::string, gateway_address, "", "gRPC address of the gateway (default: found in the data directory)");
ABSL_FLAG(std::string, name, "", "agent add: the agent's name as shown to colleagues");
ABSL_FLAG(std::string, roles, "", "agent add: support and/or supervisor, comma-separated");
ABSL_FLAG(std::string, scopes, "", "apikey add: ivr and/or fhir, comma-separated");
ABSL_FLAG(std::string, subject, "", "audit: only reads of this registration number");

namespace himaya::cli {
namespace {

namespace v1 = gateway::v1;
using Stub = v1::GatewayAdminService::Stub;
using google::protobuf::util::TimeUtil;

absl::StatusOr<std::unique_ptr<Stub>> Gateway() {
  absl::StatusOr<std::string> address = ServiceAddress("gateway", absl::GetFlag(FLAGS_gateway_address));
  if (!address.ok()) return address.status();
  return std::make_unique<Stub>(rpc::NewChannel(*address));
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()), absl::UTCTimeZone());
}

std::vector<std::string> List(const std::string& flag) { return absl::StrSplit(flag, ',', absl::SkipWhitespace()); }

void PrintAgents(OutputFormat format, const std::vector<v1::Agent>& agents) {
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const v1::Agent& a : agents) {
    const std::string roles = absl::StrJoin(a.roles(), ",");
    rows.push_back({a.agent_id(), a.display_name(), roles, Time(a.created_at()), a.disabled() ? "disabled" : "active"});
    json.push_back({{"agent_id", a.agent_id()},
                    {"display_name", a.display_name()},
                    {"roles", std::vector<std::string>(a.roles().begin(), a.roles().end())},
                    {"created_at", TimeUtil::ToString(a.created_at())},
                    {"disabled", a.disabled()}});
  }
  PrintRows(format, {"AGENT", "NAME", "ROLES", "CREATED (UTC)", "STATE"}, rows, json);
}

void PrintKeys(OutputFormat format, const std::vector<v1::ApiKey>& keys, bool with_key) {
  std::vector<std::string> columns = {"KEY_ID", "CLIENT", "SCOPES", "CREATED (UTC)", "STATE"};
  if (with_key) columns.push_back("KEY (shown once)");
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const v1::ApiKey& k : keys) {
    rows.push_back({k.key_id(), k.client_id(), absl::StrJoin(k.scopes(), ","), Time(k.created_at()),
                    k.revoked() ? "revoked" : "active"});
    nlohmann::json j = {{"key_id", k.key_id()},
                        {"client_id", k.client_id()},
                        {"scopes", std::vector<std::string>(k.scopes().begin(), k.scopes().end())},
                        {"created_at", TimeUtil::ToString(k.created_at())},
                        {"revoked", k.revoked()}};
    if (with_key) {
      rows.back().push_back(k.secret());
      j["key"] = k.secret();
    }
    json.push_back(j);
  }
  PrintRows(format, columns, rows, json);
}

int AgentCommand(const std::vector<std::string>& args, Stub& stub, OutputFormat format) {
  if (args.size() == 2 && args[0] == "add") {
    v1::AddAgentRequest request;
    request.set_agent_id(args[1]);
    request.set_display_name(absl::GetFlag(FLAGS_name));
    for (const std::string& role : List(absl::GetFlag(FLAGS_roles))) request.add_roles(role);
    if (request.display_name().empty()) return Fail("agent add: --name is required");
    if (request.roles().empty()) return Fail("agent add: --roles=support,supervisor is required");
    absl::StatusOr<std::string> password = ReadPassword("the agent's password (at least 12 characters): ");
    if (!password.ok()) return Fail(password.status());
    request.set_password(*password);
    absl::StatusOr<v1::Agent> agent = rpc::Call(stub, &Stub::AddAgent, request);
    if (!agent.ok()) return FailCall(agent.status());
    PrintAgents(format, {*agent});
    return 0;
  }
  if (args.size() == 1 && args[0] == "list") {
    absl::StatusOr<v1::ListAgentsResponse> listed = rpc::Call(stub, &Stub::ListAgents, v1::ListAgentsRequest{});
    if (!listed.ok()) return FailCall(listed.status());
    PrintAgents(format, {listed->agents().begin(), listed->agents().end()});
    return 0;
  }
  if (args.size() == 2 && args[0] == "disable") {
    v1::DisableAgentRequest request;
    request.set_agent_id(args[1]);
    absl::StatusOr<v1::Agent> agent = rpc::Call(stub, &Stub::DisableAgent, request);
    if (!agent.ok()) return FailCall(agent.status());
    PrintAgents(format, {*agent});
    return 0;
  }
  return Fail(
      "usage: himaya agent add ID --name=NAME --roles=support,supervisor [--password_file=F] | agent list | "
      "agent disable ID");
}

int ApiKeyCommand(const std::vector<std::string>& args, Stub& stub, OutputFormat format) {
  if (args.size() == 2 && args[0] == "add") {
    v1::CreateApiKeyRequest request;
    request.set_client_id(args[1]);
    for (const std::string& scope : List(absl::GetFlag(FLAGS_scopes))) request.add_scopes(scope);
    if (request.scopes().empty()) return Fail("apikey add: --scopes=ivr,fhir is required");
    absl::StatusOr<v1::ApiKey> key = rpc::Call(stub, &Stub::CreateApiKey, request);
    if (!key.ok()) return FailCall(key.status());
    PrintKeys(format, {*key}, /*with_key=*/true);
    std::fprintf(stderr, "Keep the key now: it is not shown again. Send it as 'Authorization: ApiKey KEY'.\n");
    return 0;
  }
  if (args.size() == 1 && args[0] == "list") {
    absl::StatusOr<v1::ListApiKeysResponse> listed = rpc::Call(stub, &Stub::ListApiKeys, v1::ListApiKeysRequest{});
    if (!listed.ok()) return FailCall(listed.status());
    PrintKeys(format, {listed->keys().begin(), listed->keys().end()}, /*with_key=*/false);
    return 0;
  }
  if (args.size() == 2 && args[0] == "revoke") {
    v1::RevokeApiKeyRequest request;
    request.set_key_id(args[1]);
    absl::StatusOr<v1::ApiKey> key = rpc::Call(stub, &Stub::RevokeApiKey, request);
    if (!key.ok()) return FailCall(key.status());
    PrintKeys(format, {*key}, /*with_key=*/false);
    return 0;
  }
  return Fail("usage: himaya apikey add CLIENT --scopes=ivr,fhir | apikey list | apikey revoke KEY_ID");
}

// Runs `command` with the gateway's stub and the output format, or fails on either.
int WithGateway(const std::vector<std::string>& args,
                int (*command)(const std::vector<std::string>&, Stub&, OutputFormat)) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(format.status());
  absl::StatusOr<std::unique_ptr<Stub>> stub = Gateway();
  if (!stub.ok()) return Fail(stub.status());
  return command(args, **stub, *format);
}

int AuditCommand(const std::vector<std::string>& args, Stub& stub, OutputFormat format) {
  if (!args.empty())
    return Fail("usage: himaya audit [--agent=ID] [--subject=NUMBER] [--since=RFC3339] [--page_token=T]");
  v1::ListAccessRecordsRequest request;
  request.set_agent_id(absl::GetFlag(FLAGS_agent));
  request.set_subject(absl::GetFlag(FLAGS_subject));
  if (!absl::GetFlag(FLAGS_since).empty()) {
    absl::Time since;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_since), &since, &error)) {
      return Fail("audit: --since=YYYY-MM-DDTHH:MM:SSZ (RFC 3339)");
    }
    *request.mutable_since() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(since));
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  // Every page, unless --page_token asks for one.
  const std::string first_token = absl::GetFlag(FLAGS_page_token);
  request.set_page_token(first_token);
  std::vector<v1::AccessRecord> records;
  std::string next;
  do {
    absl::StatusOr<v1::ListAccessRecordsResponse> page = rpc::Call(stub, &Stub::ListAccessRecords, request);
    if (!page.ok()) return FailCall(page.status());
    records.insert(records.end(), page->records().begin(), page->records().end());
    next = page->next_page_token();
    request.set_page_token(next);
  } while (first_token.empty() && !next.empty());
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const v1::AccessRecord& r : records) {
    rows.push_back({Time(r.at()), r.agent_id(), r.action(), r.subject(), r.reason(), r.request_id()});
    json.push_back({{"at", TimeUtil::ToString(r.at())},
                    {"agent_id", r.agent_id()},
                    {"action", r.action()},
                    {"subject", r.subject()},
                    {"reason", r.reason()},
                    {"request_id", r.request_id()}});
  }
  PrintRows(format, {"AT (UTC)", "AGENT", "ACTION", "SUBJECT", "REASON", "REQUEST"}, rows, json);
  if (!first_token.empty() && !next.empty()) std::fprintf(stderr, "next page: --page_token=%s\n", next.c_str());
  return 0;
}

}  // namespace

int Agent(const std::vector<std::string>& args) { return WithGateway(args, AgentCommand); }
int ApiKey(const std::vector<std::string>& args) { return WithGateway(args, ApiKeyCommand); }
int Audit(const std::vector<std::string>& args) { return WithGateway(args, AuditCommand); }

}  // namespace himaya::cli
