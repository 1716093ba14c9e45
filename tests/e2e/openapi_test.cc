// The gateway's OpenAPI document as a started gateway serves it (GET /openapi.json on the local
// stack), validated by tests/web/validate_openapi.mjs: swagger-parser (the OpenAPI 3 schema,
// every $ref resolved; pinned in tests/web/package-lock.json) and the routes the portal and
// partners use described, the portal's own files not. And the portal's page served at / by the
// same gateway, its files under /portal/, any other name the 404 envelope.
#include <iostream>

#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/http.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

TEST(GatewayOpenApi, TheServedDocumentIsValidAndThePortalServedBeside) {
  testing::TempDir dir;
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  auto started = stack::LocalStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string url = (*started)->gateway_url();
  ASSERT_FALSE(url.empty()) << "the stack runs no gateway";
  core::ProcessOptions run;
  run.argv = {HIMAYA_NODE, std::string(HIMAYA_SOURCE_DIR) + "/tests/web/validate_openapi.mjs", url + "/openapi.json"};
  testing::CommandRun validated = testing::RunCommand(run, dir.path() + "/openapi", absl::Minutes(1));
  std::cout << validated.out << validated.err;
  EXPECT_EQ(validated.code, 0) << validated.out << validated.err;
  EXPECT_NE(validated.out.find("valid OpenAPI 3"), std::string::npos) << validated.out;

  const std::string address = url.substr(url.find("//") + 2);
  auto page = testing::HttpGet(address, "/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<script type=\"module\" src=\"/portal/app.js\">"), std::string::npos) << page->body;
  auto script = testing::HttpGet(address, "/portal/app.js");
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  auto missing = testing::HttpGet(address, "/portal/../README.md");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"NOT_FOUND\""), std::string::npos) << missing->body;
}

}  // namespace
}  // namespace himaya
