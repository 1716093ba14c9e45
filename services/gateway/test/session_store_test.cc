// SessionStore on both backends: a session read back as written, its expiry moved, revoked once,
// all of an agent's revoked, and ended sessions purged (expired either way, or revoked) a chunk
// at a time while live ones stay.
#include "gateway/src/session_store.h"

#include "gateway_database.h"

namespace himaya::gateway {
namespace {

class SessionStoreTest : public GatewayDatabaseTest {
 protected:
  SessionRecord Session(const std::string& key, SessionKind kind = SessionKind::kInsured,
                        const std::string& subject = "100000017") {
    SessionRecord s;
    s.key = key;
    s.kind = kind;
    s.subject = subject;
    if (kind == SessionKind::kAgent) s.roles = {"supervisor", "support"};
    s.created_at = clock_.Now();
    s.expires_at = clock_.Now() + absl::Minutes(30);
    s.absolute_expiry = clock_.Now() + absl::Hours(12);
    return s;
  }
  std::optional<SessionRecord> Find(const std::string& key) {
    return InWrite([&](storage::Transaction& tx) { return SessionStore::Find(tx, key); });
  }
};

TEST_P(SessionStoreTest, ASessionReadsBackAsWritten) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return SessionStore::Insert(tx, Session("k1", SessionKind::kAgent, "agent.amal"));
              }).ok());
  auto found = Find("k1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->kind, SessionKind::kAgent);
  EXPECT_EQ(found->subject, "agent.amal");
  EXPECT_EQ(found->roles, (std::vector<std::string>{"supervisor", "support"}));
  EXPECT_EQ(found->created_at, clock_.Now());
  EXPECT_EQ(found->expires_at, clock_.Now() + absl::Minutes(30));
  EXPECT_EQ(found->absolute_expiry, clock_.Now() + absl::Hours(12));
  EXPECT_FALSE(found->revoked_at.has_value());
  EXPECT_FALSE(Find("k2").has_value());
  EXPECT_TRUE(
      absl::IsAlreadyExists(Write([&](storage::Transaction& tx) { return SessionStore::Insert(tx, Session("k1")); })));
}

TEST_P(SessionStoreTest, ExpiryMovesUntilRevoked) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return SessionStore::Insert(tx, Session("k1")); }).ok());
  const absl::Time later = clock_.Now() + absl::Minutes(45);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return SessionStore::SetExpiry(tx, "k1", later); }).ok());
  EXPECT_EQ(Find("k1")->expires_at, later);
  EXPECT_TRUE(InWrite([&](storage::Transaction& tx) { return SessionStore::Revoke(tx, "k1", clock_.Now()); }));
  EXPECT_EQ(Find("k1")->revoked_at, clock_.Now());
  EXPECT_FALSE(InWrite([&](storage::Transaction& tx) {
    return SessionStore::Revoke(tx, "k1", clock_.Now() + absl::Seconds(1));
  })) << "revoked once";
  EXPECT_EQ(Find("k1")->revoked_at, clock_.Now()) << "the first revocation's time stays";
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) { return SessionStore::SetExpiry(tx, "k1", later + absl::Hours(1)); }).ok());
  EXPECT_EQ(Find("k1")->expires_at, later) << "a revoked session's expiry no longer moves";
}

TEST_P(SessionStoreTest, RevokeAllOfTouchesOnlyThatSubjectAndKind) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                for (const SessionRecord& s : {Session("a1", SessionKind::kAgent, "agent.amal"),
                                               Session("a2", SessionKind::kAgent, "agent.amal"),
                                               Session("b1", SessionKind::kAgent, "agent.badr"),
                                               Session("i1", SessionKind::kInsured, "agent.amal")}) {
                  absl::Status s_ok = SessionStore::Insert(tx, s);
                  if (!s_ok.ok()) return s_ok;
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) {
              return SessionStore::RevokeAllOf(tx, SessionKind::kAgent, "agent.amal", clock_.Now());
            }),
            2);
  EXPECT_TRUE(Find("a1")->revoked_at.has_value());
  EXPECT_TRUE(Find("a2")->revoked_at.has_value());
  EXPECT_FALSE(Find("b1")->revoked_at.has_value());
  EXPECT_FALSE(Find("i1")->revoked_at.has_value());
}

TEST_P(SessionStoreTest, PurgeDeletesEndedSessionsAChunkAtATime) {
  SessionRecord idle = Session("idle");
  idle.expires_at = clock_.Now() - absl::Seconds(1);
  SessionRecord old = Session("old");
  old.absolute_expiry = clock_.Now();
  SessionRecord revoked = Session("revoked");
  revoked.revoked_at = clock_.Now() - absl::Minutes(1);
  SessionRecord live = Session("live");
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                for (const SessionRecord& s : {idle, old, revoked, live}) {
                  absl::Status inserted = SessionStore::Insert(tx, s);
                  if (!inserted.ok()) return inserted;
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return SessionStore::PurgeEnded(tx, clock_.Now(), 2); }), 2);
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return SessionStore::PurgeEnded(tx, clock_.Now(), 2); }), 1);
  EXPECT_EQ(InWrite([&](storage::Transaction& tx) { return SessionStore::PurgeEnded(tx, clock_.Now(), 2); }), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_TRUE(Find("live").has_value());
}

INSTANTIATE_BACKENDS(SessionStoreTest);

}  // namespace
}  // namespace himaya::gateway
