// Fuzz target: the transcoder's reading of outside input, a JSON body and a query string, into
// a request message of one of the real declared routes. Input: one byte choosing the route, the
// query string ("a=b&c=d") up to the first newline, then the body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/str_split.h"
#include "gateway/src/route_table.h"
#include "gateway/src/transcoder.h"

namespace {

const himaya::gateway::RouteTable& Table() {
  static const auto* table = [] {
    auto built = himaya::gateway::RouteTable::Build(himaya::gateway::GatewayServices(), {});
    if (!built.ok()) __builtin_trap();
    return new himaya::gateway::RouteTable(*std::move(built));
  }();
  return *table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::gateway;
  const RouteTable& table = Table();
  if (size < 1 || table.routes().empty()) return 0;
  const Route& route = table.routes()[data[0] % table.routes().size()];
  if (route.grpc_method == nullptr) return 0;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  HttpRequest request;
  request.method = route.method;
  request.headers["content-type"] = "application/json";
  const size_t newline = rest.find('\n');
  const std::string query = rest.substr(0, newline);
  if (newline != std::string::npos) request.body = rest.substr(newline + 1);
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    request.query.push_back(std::move(kv));
  }
  std::map<std::string, std::string> path_params;
  for (const std::string& variable : route.path.Variables()) path_params[variable] = "123456782";
  Caller caller;
  caller.kind = CallerKind::kInsured;
  caller.subject = "123456782";
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> message(factory->GetPrototype(route.grpc_method->input_type())->New());
  std::optional<HttpError> refused = BuildRequest(route, request, path_params, caller, message.get());
  // A refusal always says why.
  if (refused && refused->error.message.empty()) __builtin_trap();
  return 0;
}
