// The gateway's OpenAPI document as a started gateway serves it (GET /openapi.json on the local
// stack), validated by tests/web/validate_openapi.mjs: swagger-parser (the OpenAPI 3 schema,
// every $ref resolved; pinned in tests/web/package-lock.json) and the routes the portal and
// partners use described, the portal's own files not.
#include <iostream>

#include "gtest/gtest.h"
#include "stack/local_stack.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya {
namespace {

TEST(GatewayOpenApi, TheServedDocumentIsValid) {
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
}

}  // namespace
}  // namespace himaya
