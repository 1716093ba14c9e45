// Fuzzes the delivery-report callback's query: any bytes are decoded as the query of
// GET /dlr?... (by httplib, as the server does) and read; a report is accepted only with the
// right token, and then names a message.
#include <httplib.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "notification/src/kannel_provider.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::notification;
  const std::string query(reinterpret_cast<const char*>(data), size);
  httplib::Params params;
  httplib::detail::parse_query_text(query, params);
  const std::string token = "t0ken";
  absl::StatusOr<DeliveryReport> report = ReadDeliveryReport(params, token);
  if (report.ok()) {
    auto it = params.find("token");
    if (it == params.end() || it->second != token || report->message_id.empty()) std::abort();
  }
  return 0;
}
