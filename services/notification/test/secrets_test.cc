// Secrets from a file or the environment, and the comparison of tokens.
#include "notification/src/secrets.h"

#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace himaya::notification {
namespace {

TEST(ReadSecret, AFileWinsOverTheEnvironmentAndLosesItsLineEnd) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/password";
  std::ofstream(path) << "s3cret pass\n";
  setenv("HIMAYA_SECRETS_TEST", "from-env", 1);
  EXPECT_EQ(ReadSecret("x_file", path, "HIMAYA_SECRETS_TEST")->value_or(""), "s3cret pass");
  EXPECT_EQ(ReadSecret("x_file", "", "HIMAYA_SECRETS_TEST")->value_or(""), "from-env");
  unsetenv("HIMAYA_SECRETS_TEST");
  EXPECT_FALSE(ReadSecret("x_file", "", "HIMAYA_SECRETS_TEST")->has_value());
}

TEST(ReadSecret, AMissingOrEmptyFileIsAnErrorNamingTheFlag) {
  testing::TempDir dir;
  auto missing = ReadSecret("kannel_password_file", dir.path() + "/nope", "HIMAYA_SECRETS_TEST");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), ::testing::HasSubstr("kannel_password_file"));
  std::ofstream(dir.path() + "/empty") << "\n";
  EXPECT_EQ(ReadSecret("kannel_password_file", dir.path() + "/empty", "HIMAYA_SECRETS_TEST").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Tokens, AreFreshAndComparedWhole) {
  const std::string a = NewToken(), b = NewToken();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(SecretsEqual(a, a));
  EXPECT_FALSE(SecretsEqual(a, b));
  EXPECT_FALSE(SecretsEqual(a, a.substr(0, 31)));
  EXPECT_FALSE(SecretsEqual(a, a + "0"));
  EXPECT_FALSE(SecretsEqual("", a));
}

}  // namespace
}  // namespace himaya::notification
