// API keys on both backends: a key created is shown once (`<key_id>.<secret>`) and only its
// secret's hash is kept; it authenticates its client with its scopes until revoked; a wrong
// secret, an unknown id, a malformed key and a revoked key are refused alike; bad fields named.
#include "gateway/src/api_keys.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway_database.h"
#include "gmock/gmock.h"

namespace himaya::gateway {
namespace {

using ::testing::StartsWith;

class ApiKeysTest : public GatewayDatabaseTest {
 protected:
  static void ExpectRefused(const absl::StatusOr<ApiClient>& client) {
    EXPECT_TRUE(absl::IsUnauthenticated(client.status())) << client.status();
    EXPECT_EQ(client.status().message(), kApiKeyRefused);
  }
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    keys_ = std::make_unique<ApiKeys>(*db_, clock_);
  }
  std::unique_ptr<ApiKeys> keys_;
};

TEST_P(ApiKeysTest, AKeyIsShownOnceAndAuthenticatesItsClientWithItsScopes) {
  auto created = keys_->Create("clinic-atlas", {"fhir", "ivr", "fhir"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(absl::StartsWith(created->key, created->key_id + ".")) << created->key;
  EXPECT_EQ(created->scopes, (std::vector<std::string>{"fhir", "ivr"}));
  const std::string secret = created->key.substr(created->key_id.size() + 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM api_keys WHERE secret_sha256 = $1", {secret}), 0);
  auto client = keys_->Authenticate(created->key);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->client_id, "clinic-atlas");
  EXPECT_EQ(client->key_id, created->key_id);
  EXPECT_EQ(client->scopes, (std::vector<std::string>{"fhir", "ivr"}));
  auto listed = keys_->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "") << "the secret is never listed";
  EXPECT_EQ((*listed)[0].key_id, created->key_id);
}

TEST_P(ApiKeysTest, WrongUnknownAndMalformedKeysAreRefusedAlike) {
  auto created = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(created.ok());
  auto other = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(other.ok());
  const std::string other_secret = other->key.substr(other->key_id.size() + 1);
  ExpectRefused(keys_->Authenticate(absl::StrCat(created->key_id, ".", other_secret)));
  ExpectRefused(keys_->Authenticate(absl::StrCat("k0000000000000000.", other_secret)));
  ExpectRefused(keys_->Authenticate(created->key_id));
  ExpectRefused(keys_->Authenticate(""));
  ExpectRefused(keys_->Authenticate("."));
  ExpectRefused(keys_->Authenticate(absl::StrCat(".", other_secret)));
  ExpectRefused(keys_->Authenticate(created->key + "x"));
  ExpectRefused(keys_->Authenticate(absl::StrCat(std::string(100, 'k'), ".", other_secret)));
}

TEST_P(ApiKeysTest, ARevokedKeyIsRefusedAtOnce) {
  auto created = keys_->Create("ivr", {"ivr"});
  ASSERT_TRUE(created.ok());
  auto revoked = keys_->Revoke(created->key_id);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->revoked);
  EXPECT_EQ(revoked->key, "");
  ExpectRefused(keys_->Authenticate(created->key));
  EXPECT_TRUE(absl::IsNotFound(keys_->Revoke("k0000000000000000").status()));
}

TEST_P(ApiKeysTest, BadFieldsAreRefusedByName) {
  auto refused = [&](const std::string& client, std::vector<std::string> scopes, const std::string& says) {
    auto created = keys_->Create(client, scopes);
    EXPECT_TRUE(absl::IsInvalidArgument(created.status())) << created.status();
    EXPECT_THAT(std::string(created.status().message()), StartsWith(says));
  };
  refused("IVR", {"ivr"}, "client_id: ");
  refused("iv", {"ivr"}, "client_id: ");
  refused("ivr", {}, "scopes: ");
  refused("ivr", {"admin"}, "scopes: ");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM api_keys"), 0);
}

INSTANTIATE_BACKENDS(ApiKeysTest);

}  // namespace
}  // namespace himaya::gateway
