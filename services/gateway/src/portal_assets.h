// The portal's files (services/gateway/portal/: its page, scripts, styles and images), embedded
// in the gateway at build time, and the hand routes that serve them: GET / (the page) and
// GET /portal/<file>. Nothing is read from disk: a name outside the embedded set is 404.
// Every answer carries a strict Content-Security-Policy (scripts, styles and images from the
// gateway only; no inline script), an ETag (the file's SHA-256) honoured by If-None-Match, and
// Cache-Control: no-cache, so that a new build is seen at once and an unchanged file costs a 304.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gateway/src/http_exchange.h"
#include "gateway/src/pipeline_parts.h"

namespace himaya::gateway {

// The policy sent with the portal's files.
inline constexpr char kPortalContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The page served at /.
inline constexpr char kPortalIndex[] = "index.html";
// The path under which the other files are served.
inline constexpr char kPortalPrefix[] = "/portal/";

struct PortalFile {
  std::string content_type;
  absl::string_view body;
  // The strong entity tag: the SHA-256 of the body, quoted.
  std::string etag;
};

// The media type of a file by its extension (text types with charset=utf-8);
// application/octet-stream for an unknown one.
std::string PortalContentType(absl::string_view name);

class PortalAssets {
 public:
  // name ("app.js") -> its bytes and their SHA-256 (hex).
  struct Source {
    absl::string_view body;
    std::string sha256;
  };
  explicit PortalAssets(const std::map<std::string, Source>& files);
  // The files embedded at build time.
  static const PortalAssets& Embedded();

  // The file of that name (relative to the portal's directory), or null.
  const PortalFile* Find(absl::string_view name) const;
  // The names held, sorted.
  std::vector<std::string> Names() const;

  // Answers GET `request.path` ("/" or "/portal/<name>"): 200 with the file, 304 when
  // If-None-Match holds its ETag, else the NOT_FOUND envelope.
  void Serve(const HttpRequest& request, HttpResponse* response) const;

  // GET / and GET /portal/*: public, left out of the OpenAPI document.
  std::vector<HandRoute> Routes() const;

 private:
  std::map<std::string, PortalFile, std::less<>> files_;
};

}  // namespace himaya::gateway
