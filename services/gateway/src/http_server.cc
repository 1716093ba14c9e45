#include "gateway/src/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"

namespace himaya::gateway {
namespace {

// One request as it is read: created when its request line arrives, freed when it completes.
struct Exchange {
  HttpRequest request;
  // The raw URL as sent (path and query), for its size limit.
  size_t url_bytes = 0;
  // The body went past its limit: the rest is discarded, and the answer is 413.
  bool body_too_large = false;
  // The bodies of all connections went past their budget: the rest is discarded, and the
  // answer is 503.
  bool over_budget = false;
  // Bytes of the server's body budget this request holds (its declared length, or what it sent),
  // given back when it completes.
  size_t reserved = 0;
};

// Takes `bytes` more of the server's budget for `exchange`; false (nothing taken) past it.
bool Reserve(std::atomic<size_t>& buffered, size_t budget, Exchange* exchange, size_t bytes) {
  size_t now = buffered.load();
  do {
    if (now + bytes > budget) return false;
  } while (!buffered.compare_exchange_weak(now, now + bytes));
  exchange->reserved += bytes;
  return true;
}

// The answer to a request refused for the budget: UNAVAILABLE, worth retrying in a moment.
constexpr char kBusyMessage[] = "the gateway holds too many request bodies; retry in a moment";

MHD_Result AddHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* exchange = static_cast<Exchange*>(cls);
  std::string name = absl::AsciiStrToLower(key);
  std::string text = value == nullptr ? "" : value;
  auto [it, inserted] = exchange->request.headers.try_emplace(name, text);
  // A header given twice: joined as HTTP says (cookies with "; ").
  if (!inserted) absl::StrAppend(&it->second, name == "cookie" ? "; " : ", ", text);
  return MHD_YES;
}

MHD_Result AddQuery(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<Exchange*>(cls)->request.query.emplace_back(key, value == nullptr ? "" : value);
  return MHD_YES;
}

size_t HeaderBytes(const HttpRequest& request) {
  size_t bytes = 0;
  for (const auto& [name, value] : request.headers) bytes += name.size() + value.size() + 4;
  return bytes;
}

std::string PeerOf(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* addr = info->client_addr;
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof(text));
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof(text));
  }
  return text;
}

MHD_Result Send(MHD_Connection* connection, const HttpResponse& response) {
  MHD_Response* r = MHD_create_response_from_buffer(response.body.size(), const_cast<char*>(response.body.data()),
                                                    MHD_RESPMEM_MUST_COPY);
  if (r == nullptr) return MHD_NO;
  if (!response.content_type.empty()) MHD_add_response_header(r, "Content-Type", response.content_type.c_str());
  for (const auto& [name, value] : response.headers) MHD_add_response_header(r, name.c_str(), value.c_str());
  MHD_Result queued = MHD_queue_response(connection, static_cast<unsigned>(response.status), r);
  MHD_destroy_response(r);
  return queued;
}

void LogFromLibrary(void*, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof(text), format, args);
  log::Debug("libmicrohttpd", {{"message", absl::StripTrailingAsciiWhitespace(text)}});
}

}  // namespace

struct HttpServer::Callbacks {
  // Called first, with the URL as sent: what it returns is the request's state.
  static void* Begin(void* cls, const char* uri, MHD_Connection*) {
    auto* exchange = new Exchange;
    exchange->url_bytes = uri == nullptr ? 0 : std::strlen(uri);
    return exchange;
  }

  static void Connection(void* cls, MHD_Connection*, void**, MHD_ConnectionNotificationCode code) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED) static_cast<HttpServer*>(cls)->connections_accepted_.fetch_add(1);
  }

  static void Completed(void* cls, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
    auto* exchange = static_cast<Exchange*>(*state);
    if (exchange != nullptr && exchange->reserved > 0) {
      static_cast<HttpServer*>(cls)->buffered_body_bytes_.fetch_sub(exchange->reserved);
    }
    delete exchange;
    *state = nullptr;
  }

  static MHD_Result Refuse(HttpServer* server, MHD_Connection* connection, Exchange* exchange, absl::StatusCode code,
                           int http_status, std::string message) {
    ApiError error;
    error.code = code;
    error.message = std::move(message);
    if (code == absl::StatusCode::kUnavailable) error.retry_after = absl::Seconds(1);
    HttpResponse response;
    server->refused_(exchange->request, error, http_status, &response);
    return Send(connection, response);
  }

  static MHD_Result Access(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                           const char* upload_data, size_t* upload_data_size, void** state) {
    auto* server = static_cast<HttpServer*>(cls);
    auto* exchange = static_cast<Exchange*>(*state);
    const HttpServerOptions& o = server->options_;
    if (exchange->request.method.empty()) {
      // The first call: the request line and headers are in; the body, if any, follows.
      HttpRequest& request = exchange->request;
      request.method = method;
      request.path = url;
      request.peer = PeerOf(connection);
      MHD_get_connection_values(connection, MHD_HEADER_KIND, &AddHeader, exchange);
      MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &AddQuery, exchange);
      if (exchange->url_bytes > o.max_url_bytes) {
        return Refuse(server, connection, exchange, absl::StatusCode::kInvalidArgument, 414,
                      absl::StrCat("URL: longer than ", o.max_url_bytes, " bytes"));
      }
      if (HeaderBytes(request) > o.max_header_bytes) {
        return Refuse(server, connection, exchange, absl::StatusCode::kInvalidArgument, 431,
                      absl::StrCat("headers: larger than ", o.max_header_bytes, " bytes"));
      }
      uint64_t declared = 0;
      const std::string length = request.Header("content-length");
      if (!length.empty() && absl::SimpleAtoi(length, &declared) && declared > o.max_body_bytes) {
        // Answered before the body is read; the connection is then closed.
        return Refuse(server, connection, exchange, absl::StatusCode::kInvalidArgument, 413,
                      absl::StrCat("body: larger than ", o.max_body_bytes, " bytes"));
      }
      // A declared body takes its room in the budget before it is read; refused at once without.
      if (declared > 0 &&
          !Reserve(server->buffered_body_bytes_, o.max_buffered_body_bytes, exchange, static_cast<size_t>(declared))) {
        return Refuse(server, connection, exchange, absl::StatusCode::kUnavailable, 503, kBusyMessage);
      }
      return MHD_YES;
    }
    if (*upload_data_size > 0) {
      // A body sent in chunks, without its length: kept up to the limits, then discarded.
      const size_t size = exchange->request.body.size() + *upload_data_size;
      if (!exchange->body_too_large && !exchange->over_budget) {
        if (size > o.max_body_bytes) {
          exchange->body_too_large = true;
        } else if (size > exchange->reserved && !Reserve(server->buffered_body_bytes_, o.max_buffered_body_bytes,
                                                         exchange, size - exchange->reserved)) {
          exchange->over_budget = true;
        } else {
          exchange->request.body.append(upload_data, *upload_data_size);
        }
        if (exchange->body_too_large || exchange->over_budget) std::string().swap(exchange->request.body);
      }
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (exchange->body_too_large) {
      return Refuse(server, connection, exchange, absl::StatusCode::kInvalidArgument, 413,
                    absl::StrCat("body: larger than ", o.max_body_bytes, " bytes"));
    }
    if (exchange->over_budget) {
      return Refuse(server, connection, exchange, absl::StatusCode::kUnavailable, 503, kBusyMessage);
    }
    HttpResponse response;
    server->handler_(exchange->request, &response);
    return Send(connection, response);
  }
};

absl::StatusOr<std::pair<std::string, int>> ParseHostPort(const std::string& address, const std::string& flag) {
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": host:port expected, got \"", address, "\""));
  }
  return std::make_pair(address.substr(0, colon), port);
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler,
                                                              HttpRefusalHandler refused) {
  auto host_port = ParseHostPort(options.address, "http_address");
  if (!host_port.ok()) return host_port.status();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(host_port->second));
  const std::string host = host_port->first == "localhost" ? "127.0.0.1" : host_port->first;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("http_address: an IPv4 address expected, got \"", host, "\""));
  }
  if (options.threads < 1) return absl::InvalidArgumentError("http_threads: at least 1");
  if (options.connection_limit < 1) return absl::InvalidArgumentError("http_connection_limit: at least 1");
  if (options.per_address_limit < 1) return absl::InvalidArgumentError("http_per_address_limit: at least 1");
  if (options.idle_timeout < absl::Seconds(1)) return absl::InvalidArgumentError("http_idle_timeout: at least 1s");
  if (options.max_body_bytes < 1) return absl::InvalidArgumentError("http_max_body_bytes: at least 1");
  if (options.max_buffered_body_bytes < options.max_body_bytes) {
    return absl::InvalidArgumentError("http_max_buffered_body_bytes: at least http_max_body_bytes");
  }
  std::unique_ptr<HttpServer> server(new HttpServer(options, std::move(handler), std::move(refused)));
  // Room for the request line and headers within our own limits (answered in the envelope), and
  // for reading: a request beyond twice them is refused by libmicrohttpd itself.
  const size_t memory_limit = 2 * (options.max_url_bytes + options.max_header_bytes) + 32 * 1024;
  server->daemon_ = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &Callbacks::Access, server.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr), MHD_OPTION_THREAD_POOL_SIZE,
      static_cast<unsigned>(options.threads), MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned>(options.connection_limit), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      static_cast<unsigned>(options.per_address_limit), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(absl::ToInt64Seconds(options.idle_timeout)), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      memory_limit, MHD_OPTION_URI_LOG_CALLBACK, &Callbacks::Begin, nullptr, MHD_OPTION_NOTIFY_COMPLETED,
      &Callbacks::Completed, server.get(), MHD_OPTION_NOTIFY_CONNECTION, &Callbacks::Connection, server.get(),
      MHD_OPTION_EXTERNAL_LOGGER, &LogFromLibrary, nullptr, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("http_address: cannot listen on ", options.address));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info == nullptr ? host_port->second : info->port;
  return server;
}

void HttpServer::Shutdown() {
  if (daemon_ == nullptr) return;
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

HttpServer::~HttpServer() { Shutdown(); }

}  // namespace himaya::gateway
