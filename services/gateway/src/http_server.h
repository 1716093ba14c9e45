// The gateway's HTTP/1.1 server, on libmicrohttpd (docs/decisions/0009-gateway.md): epoll with
// an internal pool of threads, keep-alive, limits on connections (in all and per address), idle
// connections closed, and requests bounded (body, URL, headers). A handler receives the request
// read whole and fills the response; a handler runs on one of the pool's threads, so the pool's
// size bounds the requests handled at once. The bodies held by all connections together are
// bounded too.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/src/api_error.h"
#include "gateway/src/http_exchange.h"

struct MHD_Daemon;

namespace himaya::gateway {

struct HttpServerOptions {
  // host:port; port 0 picks a free one (HttpServer::port() tells which).
  std::string address = "127.0.0.1:0";
  // Threads of the pool, each with its own epoll set; a handler blocks its thread.
  int threads = 4;
  // Open connections in all, and from one client address; past them a connection is closed at
  // once.
  int connection_limit = 1000;
  int per_address_limit = 64;
  // An idle connection (keep-alive included) is closed after this.
  absl::Duration idle_timeout = absl::Seconds(30);
  // A larger body is refused (413) without being read whole.
  size_t max_body_bytes = 1 << 20;
  // The bodies buffered by all connections together: past it, a request is refused (503,
  // UNAVAILABLE with Retry-After) rather than read, so that many connections each sending a body
  // up to max_body_bytes cannot hold connection_limit times it.
  size_t max_buffered_body_bytes = 64 << 20;
  // The request line's URL (414) and the request's header lines (431) beyond these are refused.
  size_t max_url_bytes = 8 * 1024;
  size_t max_header_bytes = 16 * 1024;
};

// What a handler is given: the request (its body read whole), and the response to fill.
using HttpHandler = std::function<void(HttpRequest& request, HttpResponse* response)>;
// A request the server refused before its handler (too large): `request` holds what was read
// (method, path, headers; no body); the callback fills the response (the error envelope).
using HttpRefusalHandler =
    std::function<void(HttpRequest& request, const ApiError& error, int http_status, HttpResponse* response)>;

class HttpServer {
 public:
  // Listens on `options.address` and serves until Shutdown. INVALID_ARGUMENT for a malformed
  // address or option, UNAVAILABLE when it cannot listen.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, HttpHandler handler,
                                                           HttpRefusalHandler refused);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port bound.
  int port() const { return port_; }
  // Connections accepted since the start (keep-alive: several requests share one).
  int64_t connections_accepted() const { return connections_accepted_.load(); }
  // Bytes of request bodies held now, all connections together.
  size_t buffered_body_bytes() const { return buffered_body_bytes_.load(); }
  // Stops listening, closes connections (handlers running finish first). Idempotent.
  void Shutdown();

  // Internal: libmicrohttpd's callbacks reach the server through these.
  struct Callbacks;

 private:
  HttpServer(HttpServerOptions options, HttpHandler handler, HttpRefusalHandler refused)
      : options_(std::move(options)), handler_(std::move(handler)), refused_(std::move(refused)) {}

  HttpServerOptions options_;
  HttpHandler handler_;
  HttpRefusalHandler refused_;
  ::MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::atomic<int64_t> connections_accepted_{0};
  std::atomic<size_t> buffered_body_bytes_{0};
};

// host:port -> the two parts. INVALID_ARGUMENT naming `flag` when malformed.
absl::StatusOr<std::pair<std::string, int>> ParseHostPort(const std::string& address, const std::string& flag);

}  // namespace himaya::gateway
