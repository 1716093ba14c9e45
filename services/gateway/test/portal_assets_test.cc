// The portal's files as the gateway serves them: / and /portal/<name> from the embedded set only,
// with their media type, ETag and 304, the Content-Security-Policy on every answer, the 404
// envelope for any other name (however it tries to leave the set), and every file the page and
// its modules name present in the set.
#include "gateway/src/portal_assets.h"

#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

std::string HeaderOf(const HttpResponse& response, absl::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

HttpResponse Get(const PortalAssets& assets, const std::string& path, const std::string& if_none_match = "") {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.request_id = "req-1";
  if (!if_none_match.empty()) request.headers["if-none-match"] = if_none_match;
  HttpResponse response;
  assets.Serve(request, &response);
  return response;
}

PortalAssets Small() {
  return PortalAssets({{"index.html", {"<!doctype html><title>x</title>", "aa11"}},
                       {"app.js", {"import './dom.js';", "bb22"}},
                       {"dom.js", {"export {};", "cc33"}}});
}

TEST(PortalContentType, ByExtension) {
  EXPECT_EQ(PortalContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(PortalContentType("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(PortalContentType("portal.css"), "text/css; charset=utf-8");
  EXPECT_EQ(PortalContentType("logo.svg"), "image/svg+xml");
  EXPECT_EQ(PortalContentType("LOGO.PNG"), "image/png");
  EXPECT_EQ(PortalContentType("README"), "application/octet-stream");
  EXPECT_EQ(PortalContentType("archive.tar.gz"), "application/octet-stream");
}

TEST(PortalAssets, RootIsThePageWithItsPolicy) {
  HttpResponse response = Get(Small(), "/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.body, "<!doctype html><title>x</title>");
  EXPECT_EQ(HeaderOf(response, "Content-Security-Policy"), kPortalContentSecurityPolicy);
  EXPECT_EQ(HeaderOf(response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(response, "ETag"), "\"aa11\"");
}

TEST(PortalAssets, TheStrictPolicyAllowsNoInlineScriptOrOtherOrigin) {
  const std::string policy = kPortalContentSecurityPolicy;
  EXPECT_THAT(policy, HasSubstr("default-src 'self'"));
  EXPECT_THAT(policy, HasSubstr("script-src 'self';"));
  EXPECT_THAT(policy, HasSubstr("object-src 'none'"));
  EXPECT_THAT(policy, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("unsafe-eval")));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("*")));
}

TEST(PortalAssets, AFileUnderPortalWithItsType) {
  HttpResponse response = Get(Small(), "/portal/app.js");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(response.body, "import './dom.js';");
  EXPECT_EQ(HeaderOf(response, "ETag"), "\"bb22\"");
  EXPECT_EQ(HeaderOf(response, "Content-Security-Policy"), kPortalContentSecurityPolicy);
}

TEST(PortalAssets, AKnownETagIsNotModified) {
  const PortalAssets assets = Small();
  for (const std::string& tag :
       {std::string("\"bb22\""), std::string("W/\"bb22\""), std::string("\"zz\", \"bb22\""), std::string("*")}) {
    HttpResponse response = Get(assets, "/portal/app.js", tag);
    EXPECT_EQ(response.status, 304) << tag;
    EXPECT_EQ(response.body, "") << tag;
    EXPECT_EQ(HeaderOf(response, "ETag"), "\"bb22\"") << tag;
  }
  EXPECT_EQ(Get(assets, "/portal/app.js", "\"aa11\"").status, 200) << "another file's tag";
  EXPECT_EQ(Get(assets, "/portal/app.js", "bb22").status, 200) << "an unquoted tag is no tag";
}

TEST(PortalAssets, NamesOutsideTheSetAreTheNotFoundEnvelope) {
  const PortalAssets assets = Small();
  for (const std::string& path :
       {std::string("/portal/missing.js"), std::string("/portal/"), std::string("/portal"), std::string("/index.html"),
        std::string("/portal/../CMakeLists.txt"), std::string("/portal/..%2fCMakeLists.txt"),
        std::string("/portal//app.js"), std::string("/portal/./app.js"), std::string("/portal/APP.JS"),
        std::string("/portal/app.js/"), std::string("/portal/app.js\0x", 17), std::string("/etc/passwd"),
        std::string("/portal/index.html/../app.js"), std::string("")}) {
    HttpResponse response = Get(assets, path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.content_type, "application/json") << path;
    nlohmann::json envelope = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(envelope.is_object()) << response.body;
    EXPECT_EQ(envelope["error"]["code"], "NOT_FOUND") << path;
    EXPECT_EQ(envelope["error"]["request_id"], "req-1") << path;
    EXPECT_EQ(HeaderOf(response, "ETag"), "") << path;
  }
}

TEST(PortalAssets, RoutesArePublicGetsLeftOutOfOpenApi) {
  const PortalAssets assets = Small();
  std::vector<HandRoute> routes = assets.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].path_template, "/");
  EXPECT_EQ(routes[1].path_template, "/portal/*");
  for (const HandRoute& route : routes) {
    EXPECT_EQ(route.method, "GET");
    EXPECT_EQ(route.access, api::v1::PUBLIC);
    EXPECT_FALSE(route.in_openapi);
    EXPECT_FALSE(route.fhir_errors);
  }
  HttpRequest request;
  request.method = "GET";
  request.path = "/portal/dom.js";
  HttpResponse response;
  routes[1].handle(request, Caller{}, {{"*", "dom.js"}}, &response);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "export {};");
}

// The embedded portal itself: the page, its scripts and styles, each one's type and tag.
TEST(EmbeddedPortal, HoldsThePageAndEveryFileItNames) {
  const PortalAssets& assets = PortalAssets::Embedded();
  const PortalFile* index = assets.Find("index.html");
  ASSERT_NE(index, nullptr);
  const std::string page(index->body);
  EXPECT_THAT(page, HasSubstr("<html lang=\"fr\" dir=\"ltr\">"));
  EXPECT_THAT(page, HasSubstr("aria-live=\"polite\""));
  EXPECT_THAT(page, HasSubstr("<main id=\"main\""));
  EXPECT_THAT(page, HasSubstr("name=\"viewport\""));

  // No inline script or style anywhere (the policy would block them).
  EXPECT_FALSE(std::regex_search(page, std::regex("<script(?![^>]*\\bsrc=)[^>]*>"))) << "inline script";
  EXPECT_EQ(page.find("<style"), std::string::npos);
  EXPECT_EQ(page.find(" style="), std::string::npos);
  EXPECT_EQ(page.find(" onclick="), std::string::npos);

  // Every /portal/ file the page names, and every module a module imports, is embedded.
  std::set<std::string> named;
  std::regex in_page("(?:src|href)=\"/portal/([^\"]+)\"");
  for (std::sregex_iterator m(page.begin(), page.end(), in_page), end; m != end; ++m) named.insert((*m)[1]);
  EXPECT_TRUE(named.count("app.js"));
  EXPECT_TRUE(named.count("portal.css"));
  std::regex import("(?:import|from)\\s*['\"]\\./([^'\"]+)['\"]");
  for (const std::string& name : assets.Names()) {
    if (!absl::EndsWith(name, ".js")) continue;
    const std::string source(assets.Find(name)->body);
    for (std::sregex_iterator m(source.begin(), source.end(), import), end; m != end; ++m) named.insert((*m)[1]);
    EXPECT_EQ(source.find("eval("), std::string::npos) << name;
    EXPECT_EQ(source.find("innerHTML"), std::string::npos) << name << ": text is set, never parsed as HTML";
  }
  for (const std::string& name : named) {
    const PortalFile* file = assets.Find(name);
    ASSERT_NE(file, nullptr) << name << " is named but not embedded";
    EXPECT_FALSE(file->body.empty()) << name;
  }
  EXPECT_EQ(assets.Find("app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(assets.Find("portal.css")->content_type, "text/css; charset=utf-8");
  EXPECT_TRUE(std::regex_match(assets.Find("app.js")->etag, std::regex("\"[0-9a-f]{64}\"")));
}

}  // namespace
}  // namespace himaya::gateway
