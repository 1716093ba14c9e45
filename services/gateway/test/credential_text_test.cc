// Reading what a caller sends, before anything is looked up: the API key of an Authorization
// header (the scheme in any case, one key), a key split into its id and secret (each malformed
// shape refused), and the access audit's page token (read back as given; each bad shape refused).
#include "gateway/src/credential_text.h"

#include "gateway/src/secrets.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::gateway {
namespace {

TEST(CredentialTextTest, TheApiKeyIsReadFromItsSchemeOnly) {
  EXPECT_EQ(ApiKeyOfAuthorization("ApiKey k1.secret"), "k1.secret");
  EXPECT_EQ(ApiKeyOfAuthorization("  apikey    k1.secret  "), "k1.secret");
  EXPECT_EQ(ApiKeyOfAuthorization("Bearer k1.secret"), std::nullopt);
  EXPECT_EQ(ApiKeyOfAuthorization("ApiKeyk1.secret"), std::nullopt);
  EXPECT_EQ(ApiKeyOfAuthorization("ApiKey"), std::nullopt);
  EXPECT_EQ(ApiKeyOfAuthorization("ApiKey "), std::nullopt);
  EXPECT_EQ(ApiKeyOfAuthorization(""), std::nullopt);
}

TEST(CredentialTextTest, AKeyIsAnIdAndASecretOfTheTokensShape) {
  const std::string secret = NewToken();
  auto key = SplitApiKey("k0123456789abcdef." + secret);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->key_id, "k0123456789abcdef");
  EXPECT_EQ(key->secret, secret);
  EXPECT_EQ(SplitApiKey("." + secret), std::nullopt) << "no id";
  EXPECT_EQ(SplitApiKey(std::string(65, 'k') + "." + secret), std::nullopt) << "an id too long";
  EXPECT_TRUE(SplitApiKey(std::string(64, 'k') + "." + secret).has_value());
  EXPECT_EQ(SplitApiKey("k1"), std::nullopt) << "no secret";
  EXPECT_EQ(SplitApiKey("k1." + secret + "x"), std::nullopt) << "a secret of another length";
  EXPECT_EQ(SplitApiKey("k1." + secret.substr(1) + "="), std::nullopt) << "outside base64url";
  EXPECT_EQ(SplitApiKey(""), std::nullopt);
}

TEST(CredentialTextTest, APageTokenReadsBackAsGiven) {
  const AccessCursor after{absl::FromUnixMicros(1764400000123456), "0f2c9d4e-7a51-4b7e-9d3a-5c8e1f2a6b70"};
  const std::string token = AccessPageToken(after);
  EXPECT_EQ(token, "1764400000123456~0f2c9d4e-7a51-4b7e-9d3a-5c8e1f2a6b70");
  auto read = AccessCursorOf(token);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->at, after.at);
  EXPECT_EQ((*read)->record_id, after.record_id);
  EXPECT_EQ(*AccessCursorOf(""), std::nullopt) << "the first page";
  for (const char* bad : {"~", "12", "x~0f2c9d4e-7a51-4b7e-9d3a-5c8e1f2a6b70", "12~short",
                          "99999999999999999999~0f2c9d4e-7a51-4b7e-9d3a-5c8e1f2a6b70"}) {
    auto refused = AccessCursorOf(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << bad;
    EXPECT_THAT(std::string(refused.status().message()), ::testing::StartsWith("page_token: ")) << bad;
  }
}

}  // namespace
}  // namespace himaya::gateway
