// Sessions on both backends with a fake clock: a session opened is resumed by its token (only its
// hash is stored), its idle expiry slides with use but is written at most once a minute and
// never past the absolute expiry, and it ends when idle, at the absolute expiry or when revoked,
// always with the same refusal; the cookie's attributes; ended sessions purged.
#include "gateway/src/sessions.h"

#include "absl/strings/match.h"
#include "gateway/src/secrets.h"
#include "gateway_database.h"
#include "gmock/gmock.h"
#include "stack/local_stack.h"

namespace himaya::gateway {
namespace {

using ::testing::HasSubstr;

class SessionsTest : public GatewayDatabaseTest {
 protected:
  void SetUp() override {
    GatewayDatabaseTest::SetUp();
    sessions_ = std::make_unique<Sessions>(*db_, clock_, SessionOptions{});
  }
  int64_t StoredExpiryUs(const std::string& key) {
    return testing::Count(*db_, "SELECT expires_at_us FROM sessions WHERE token_sha256 = $1", {key});
  }
  static void ExpectRefused(const absl::StatusOr<ActiveSession>& s) {
    EXPECT_TRUE(absl::IsUnauthenticated(s.status())) << s.status();
    EXPECT_EQ(s.status().message(), kSessionRefused);
  }
  std::unique_ptr<Sessions> sessions_;
};

TEST_P(SessionsTest, AnOpenedSessionIsResumedByItsTokenAndOnlyItsHashIsStored) {
  auto opened = sessions_->Open(SessionKind::kAgent, "agent.amal", {"support"});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(LooksLikeToken(opened->token));
  EXPECT_EQ(opened->session.key, Sha256Hex(opened->token));
  EXPECT_EQ(opened->session.expires_at, clock_.Now() + absl::Minutes(30));
  EXPECT_EQ(opened->session.absolute_expiry, clock_.Now() + absl::Hours(12));
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM sessions WHERE token_sha256 = $1", {opened->token}), 0);
  auto resumed = sessions_->Resume(opened->token);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->kind, SessionKind::kAgent);
  EXPECT_EQ(resumed->subject, "agent.amal");
  EXPECT_EQ(resumed->roles, std::vector<std::string>{"support"});
  EXPECT_EQ(resumed->key, opened->session.key);
}

TEST_P(SessionsTest, UnknownAndMalformedTokensAreRefusedAlike) {
  ExpectRefused(sessions_->Resume(NewToken()));
  ExpectRefused(sessions_->Resume(""));
  ExpectRefused(sessions_->Resume("'; DROP TABLE sessions; --"));
  ExpectRefused(sessions_->Resume(std::string(10000, 'A')));
}

TEST_P(SessionsTest, IdleExpirySlidesButIsWrittenAtMostOnceAMinute) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  const absl::Time opened_at = clock_.Now();
  clock_.Advance(absl::Seconds(59));
  ASSERT_TRUE(sessions_->Resume(opened->token).ok());
  EXPECT_EQ(StoredExpiryUs(opened->session.key), absl::ToUnixMicros(opened_at + absl::Minutes(30)))
      << "moved by less than a minute: not written";
  clock_.Advance(absl::Seconds(1));
  auto resumed = sessions_->Resume(opened->token);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->expires_at, clock_.Now() + absl::Minutes(30));
  EXPECT_EQ(StoredExpiryUs(opened->session.key), absl::ToUnixMicros(clock_.Now() + absl::Minutes(30)));
  // Used every 20 minutes, it lives on past its first idle expiry.
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(absl::Minutes(20));
    ASSERT_TRUE(sessions_->Resume(opened->token).ok()) << i;
  }
}

TEST_P(SessionsTest, AnIdleSessionEnds) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  clock_.Advance(absl::Minutes(30) - absl::Microseconds(1));
  ASSERT_TRUE(sessions_->Resume(opened->token).ok());
  clock_.Advance(absl::Minutes(30));
  ExpectRefused(sessions_->Resume(opened->token));
}

TEST_P(SessionsTest, ASessionInUseEndsAtItsAbsoluteExpiry) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  absl::Time last_expiry;
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock_.Advance(absl::Minutes(20));
    auto resumed = sessions_->Resume(opened->token);
    ASSERT_TRUE(resumed.ok()) << i;
    EXPECT_LE(resumed->expires_at, opened->session.absolute_expiry);
    last_expiry = resumed->expires_at;
  }
  EXPECT_EQ(last_expiry, opened->session.absolute_expiry) << "never slides past it";
  clock_.Advance(absl::Minutes(20));
  ExpectRefused(sessions_->Resume(opened->token));
}

TEST_P(SessionsTest, ARevokedSessionEndsAtOnce) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE(sessions_->Revoke(opened->session.key).ok());
  ExpectRefused(sessions_->Resume(opened->token));
  EXPECT_TRUE(sessions_->Revoke(opened->session.key).ok()) << "revoking again is no error";
}

TEST_P(SessionsTest, TheCookieIsHttpOnlySecureStrictAndLastsUntilTheAbsoluteExpiry) {
  auto opened = sessions_->Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  const std::string cookie = sessions_->Cookie(*opened);
  EXPECT_TRUE(absl::StartsWith(cookie, "__Host-himaya_session=" + opened->token + ";")) << cookie;
  EXPECT_THAT(cookie, HasSubstr("; Max-Age=43200;"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/;"));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly;"));
  EXPECT_THAT(cookie, HasSubstr("; Secure;"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_EQ(Sessions::ClearedCookie(), "__Host-himaya_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict");
}

TEST_P(SessionsTest, PurgeRemovesEndedSessionsOnly) {
  auto idle = sessions_->Open(SessionKind::kInsured, "100000017", {});
  auto revoked = sessions_->Open(SessionKind::kInsured, "100000025", {});
  ASSERT_TRUE(idle.ok() && revoked.ok());
  ASSERT_TRUE(sessions_->Revoke(revoked->session.key).ok());
  clock_.Advance(absl::Minutes(29));
  auto live = sessions_->Open(SessionKind::kInsured, "100000033", {});
  ASSERT_TRUE(live.ok());
  clock_.Advance(absl::Minutes(2));
  auto purged = sessions_->PurgeEnded();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 2);
  EXPECT_TRUE(sessions_->Resume(live->token).ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM sessions"), 1);
}

TEST_P(SessionsTest, ThePurgeLoopRunsOnceStarted) {
  SessionOptions options;
  options.purge_every = absl::Milliseconds(10);
  Sessions sessions(*db_, clock_, options);
  auto opened = sessions.Open(SessionKind::kInsured, "100000017", {});
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE(sessions.Revoke(opened->session.key).ok());
  sessions.Start();
  absl::Status purged = stack::WaitUntil([&] { return testing::Count(*db_, "SELECT COUNT(*) FROM sessions") == 0; },
                                         absl::Seconds(10), "the revoked session purged");
  EXPECT_TRUE(purged.ok()) << purged;
  sessions.Stop();
}

TEST(SessionOptionsTest, BadDurationsAreRefusedNamingTheFlag) {
  EXPECT_TRUE(CheckSessionOptions({}).ok());
  SessionOptions o;
  o.idle = absl::ZeroDuration();
  EXPECT_THAT(std::string(CheckSessionOptions(o).message()), HasSubstr("session_idle"));
  o = {};
  o.idle = absl::Hours(13);
  EXPECT_THAT(std::string(CheckSessionOptions(o).message()), HasSubstr("longer than session_absolute"));
  o = {};
  o.absolute = -absl::Hours(1);
  EXPECT_THAT(std::string(CheckSessionOptions(o).message()), HasSubstr("session_absolute"));
  o = {};
  o.purge_every = absl::ZeroDuration();
  EXPECT_THAT(std::string(CheckSessionOptions(o).message()), HasSubstr("session_purge_every"));
  o = {};
  o.purge_chunk = 0;
  EXPECT_THAT(std::string(CheckSessionOptions(o).message()), HasSubstr("session_purge_chunk"));
}

INSTANTIATE_BACKENDS(SessionsTest);

}  // namespace
}  // namespace himaya::gateway
