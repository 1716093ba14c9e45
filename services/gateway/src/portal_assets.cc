#include "gateway/src/portal_assets.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/src/api_error.h"
#include "gateway_portal_files.h"

namespace himaya::gateway {
namespace {

// Whether an If-None-Match header (a list of tags, or *) holds `etag`.
bool Matches(absl::string_view if_none_match, absl::string_view etag) {
  for (absl::string_view tag : absl::StrSplit(if_none_match, ',', absl::SkipWhitespace())) {
    tag = absl::StripAsciiWhitespace(tag);
    // A weak comparison is enough for a GET (RFC 9110, 13.1.2).
    absl::ConsumePrefix(&tag, "W/");
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

void AddCommonHeaders(HttpResponse* response) {
  response->headers.emplace_back("Content-Security-Policy", kPortalContentSecurityPolicy);
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  response->headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

std::string PortalContentType(absl::string_view name) {
  static const auto* const kTypes = new std::map<std::string, std::string, std::less<>>{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"woff2", "font/woff2"},
  };
  const size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos) return "application/octet-stream";
  auto it = kTypes->find(absl::AsciiStrToLower(name.substr(dot + 1)));
  return it == kTypes->end() ? "application/octet-stream" : it->second;
}

PortalAssets::PortalAssets(const std::map<std::string, Source>& files) {
  for (const auto& [name, source] : files) {
    files_[name] = PortalFile{PortalContentType(name), source.body, absl::StrCat("\"", source.sha256, "\"")};
  }
}

const PortalAssets& PortalAssets::Embedded() {
  static const PortalAssets* const kEmbedded = [] {
    std::map<std::string, Source> files;
    for (const EmbeddedFile& file : gateway_portal_files()) {
      files[file.path] = Source{absl::string_view(reinterpret_cast<const char*>(file.data), file.size), file.sha256};
    }
    return new PortalAssets(files);
  }();
  return *kEmbedded;
}

const PortalFile* PortalAssets::Find(absl::string_view name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

std::vector<std::string> PortalAssets::Names() const {
  std::vector<std::string> names;
  for (const auto& entry : files_) names.push_back(entry.first);
  return names;
}

void PortalAssets::Serve(const HttpRequest& request, HttpResponse* response) const {
  absl::string_view path = request.path;
  const PortalFile* file = nullptr;
  if (path == "/") {
    file = Find(kPortalIndex);
  } else if (absl::ConsumePrefix(&path, kPortalPrefix)) {
    // Only a name of the embedded set answers: "..", "//" or "%2e" find nothing.
    file = Find(path);
  }
  AddCommonHeaders(response);
  if (file == nullptr) {
    WriteJsonError(ApiError{absl::StatusCode::kNotFound, "no such page"}, request.request_id, response);
    return;
  }
  response->headers.emplace_back("ETag", file->etag);
  response->headers.emplace_back("Cache-Control", "no-cache");
  if (Matches(request.Header("if-none-match"), file->etag)) {
    response->status = 304;
    response->content_type = file->content_type;
    response->body.clear();
    return;
  }
  response->status = 200;
  response->content_type = file->content_type;
  response->body = std::string(file->body);
}

std::vector<HandRoute> PortalAssets::Routes() const {
  std::vector<HandRoute> routes;
  for (const char* path : {"/", "/portal/*"}) {
    HandRoute route;
    route.method = "GET";
    route.path_template = path;
    route.access = api::v1::PUBLIC;
    route.summary = "The insured's web portal";
    route.content_type = "text/html";
    route.in_openapi = false;
    route.handle = [this](const HttpRequest& request, const Caller&, const std::map<std::string, std::string>&,
                          HttpResponse* response) { Serve(request, response); };
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace himaya::gateway
