// ClaimStore on both backends: a file and its items read back field by field, ids and keys
// unique, an insured's files newest first and files in a state oldest first a page at a time,
// an item's decision written.
#include "claims/src/claim_store.h"

#include "claims/test/claims_database.h"
#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

class ClaimStoreTest : public ClaimsDatabaseTest {
 protected:
  static Claim File(const std::string& claim_id, int64_t received_at_us, const std::string& number = "100000017") {
    Claim c;
    c.claim_id = claim_id;
    c.registration_number = number;
    c.channel = "PORTAL";
    c.filed_date = absl::CivilDay(2026, 5, 4);
    c.received_at = absl::FromUnixMicros(received_at_us);
    c.due_date = absl::CivilDay(2026, 5, 13);
    ClaimItemRecord item;
    item.filed = {1, number + "-01", absl::CivilDay(2026, 5, 2), "C", 1, 15000, "ALD-7", ""};
    c.items.push_back(item);
    item.filed = {2, number, absl::CivilDay(2026, 5, 3), "PH.12", 2, 4050, "", ""};
    item.row_number = 9;
    c.items.push_back(item);
    c.claimed_centimes = ClaimedCentimes(c.items);
    return c;
  }
  absl::Status Insert(const Claim& c) {
    return db_->Write([&](storage::Transaction& tx) { return ClaimStore::Insert(tx, c); });
  }
  std::vector<std::string> Ids(const std::vector<Claim>& claims) {
    std::vector<std::string> ids;
    for (const Claim& c : claims) ids.push_back(c.claim_id);
    return ids;
  }
};

TEST_P(ClaimStoreTest, AFileAndItsItemsReadBackAsWritten) {
  Claim c = File("C-1", 1000);
  c.idempotency_key = "k-1";
  c.sender = "CASHPLUS";
  c.batch_id = "B1";
  c.decided_at = absl::FromUnixMicros(2000);
  c.review_reason = "SAMPLED";
  c.escalated = true;
  ASSERT_TRUE(Insert(c).ok());
  auto found = InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "C-1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->registration_number, "100000017");
  EXPECT_EQ(found->channel, "PORTAL");
  EXPECT_EQ(found->sender, "CASHPLUS");
  EXPECT_EQ(found->batch_id, "B1");
  EXPECT_EQ(found->filed_date, absl::CivilDay(2026, 5, 4));
  EXPECT_EQ(found->state, kClaimReceived);
  EXPECT_EQ(found->claimed_centimes, 19050);
  EXPECT_EQ(found->received_at, absl::FromUnixMicros(1000));
  EXPECT_EQ(found->due_date, absl::CivilDay(2026, 5, 13));
  EXPECT_EQ(found->decided_at, absl::FromUnixMicros(2000));
  EXPECT_FALSE(found->settled_at.has_value());
  EXPECT_EQ(found->review_reason, "SAMPLED");
  EXPECT_TRUE(found->escalated);
  EXPECT_EQ(found->idempotency_key, "k-1");
  ASSERT_EQ(found->items.size(), 2u);
  const ClaimItemRecord& second = found->items[1];
  EXPECT_EQ(second.filed.item, 2);
  EXPECT_EQ(second.row_number, 9);
  EXPECT_EQ(second.filed.beneficiary_id, "100000017");
  EXPECT_EQ(second.filed.care_date, absl::CivilDay(2026, 5, 3));
  EXPECT_EQ(second.filed.act_code, "PH.12");
  EXPECT_EQ(second.filed.quantity, 2);
  EXPECT_EQ(second.filed.amount_paid_centimes, 4050);
  EXPECT_EQ(found->items[0].filed.ald_certificate, "ALD-7");
  EXPECT_EQ(second.outcome, "");

  auto by_key = InWrite([](storage::Transaction& tx) { return ClaimStore::FindByIdempotencyKey(tx, "k-1"); });
  ASSERT_TRUE(by_key.has_value());
  EXPECT_EQ(by_key->claim_id, "C-1");
  EXPECT_FALSE(InWrite([](storage::Transaction& tx) { return ClaimStore::FindByIdempotencyKey(tx, "k-2"); }));
  EXPECT_FALSE(InWrite([](storage::Transaction& tx) { return ClaimStore::Find(tx, "C-2"); }));
}

TEST_P(ClaimStoreTest, AnIdOrAKeyRecordedAlreadyIsRefused) {
  Claim c = File("C-1", 1000);
  c.idempotency_key = "k-1";
  ASSERT_TRUE(Insert(c).ok());
  EXPECT_EQ(Insert(File("C-1", 2000)).code(), absl::StatusCode::kAlreadyExists);
  Claim other = File("C-2", 2000);
  other.idempotency_key = "k-1";
  EXPECT_EQ(Insert(other).code(), absl::StatusCode::kAlreadyExists);
  other.idempotency_key = "";
  EXPECT_TRUE(Insert(other).ok());  // no key: never a conflict
  Claim third = File("C-3", 3000);
  EXPECT_TRUE(Insert(third).ok());
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM claim_items"), 6);
  EXPECT_TRUE(InWrite([](storage::Transaction& tx) { return ClaimStore::Exists(tx, "C-3"); }));
  EXPECT_FALSE(InWrite([](storage::Transaction& tx) { return ClaimStore::Exists(tx, "C-4"); }));
}

TEST_P(ClaimStoreTest, AnInsuredsFilesNewestFirstAPageAtATime) {
  ASSERT_TRUE(Insert(File("C-1", 1000)).ok());
  ASSERT_TRUE(Insert(File("C-2", 3000)).ok());
  ASSERT_TRUE(Insert(File("C-3", 3000)).ok());  // same instant: by id
  ASSERT_TRUE(Insert(File("C-4", 2000, "100000025")).ok());
  auto first = InWrite([](storage::Transaction& tx) { return ClaimStore::OfInsured(tx, "100000017", {}, 2); });
  EXPECT_EQ(Ids(first), (std::vector<std::string>{"C-3", "C-2"}));
  EXPECT_TRUE(first[0].items.empty());
  ClaimCursor after{3000, "C-2"};
  auto second = InWrite([&](storage::Transaction& tx) { return ClaimStore::OfInsured(tx, "100000017", after, 2); });
  EXPECT_EQ(Ids(second), (std::vector<std::string>{"C-1"}));
}

TEST_P(ClaimStoreTest, FilesInAStateOldestFirstInChunks) {
  ASSERT_TRUE(Insert(File("C-2", 2000)).ok());
  ASSERT_TRUE(Insert(File("C-1", 1000)).ok());
  Claim decided = File("C-0", 500);
  decided.state = kClaimDecided;
  ASSERT_TRUE(Insert(decided).ok());
  ASSERT_TRUE(Insert(File("C-3", 3000, "100000025")).ok());
  auto chunk = InWrite([](storage::Transaction& tx) { return ClaimStore::InState(tx, kClaimReceived, {}, 2); });
  EXPECT_EQ(Ids(chunk), (std::vector<std::string>{"C-1", "C-2"}));
  ClaimCursor after{2000, "C-2"};
  auto next = InWrite([&](storage::Transaction& tx) { return ClaimStore::InState(tx, kClaimReceived, after, 2); });
  EXPECT_EQ(Ids(next), (std::vector<std::string>{"C-3"}));
  auto done = InWrite([](storage::Transaction& tx) { return ClaimStore::InState(tx, kClaimDecided, {}, 10); });
  EXPECT_EQ(Ids(done), (std::vector<std::string>{"C-0"}));
}

TEST_P(ClaimStoreTest, AnItemsDecisionIsWritten) {
  ASSERT_TRUE(Insert(File("C-1", 1000)).ok());
  ItemDecision accepted{1, true, "", "", 15000, 90, 13500};
  ItemDecision rejected{2, false, "DUPLICATE", "C-0", 0, 0, 0};
  ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                   if (absl::Status s = ClaimStore::RecordItemDecision(tx, "C-1", accepted); !s.ok()) return s;
                   return ClaimStore::RecordItemDecision(tx, "C-1", rejected);
                 })
                  .ok());
  auto items = InWrite([](storage::Transaction& tx) { return ClaimStore::ItemsOf(tx, "C-1"); });
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].outcome, "ACCEPTED");
  EXPECT_EQ(items[0].tnr_centimes, 15000);
  EXPECT_EQ(items[0].rate_percent, 90);
  EXPECT_EQ(items[0].reimbursed_centimes, 13500);
  EXPECT_EQ(items[1].outcome, "REJECTED");
  EXPECT_EQ(items[1].reason, "DUPLICATE");
  EXPECT_EQ(items[1].reason_detail, "C-0");
  ItemDecision unknown{3, true, "", "", 0, 70, 0};
  EXPECT_EQ(
      db_->Write([&](storage::Transaction& tx) { return ClaimStore::RecordItemDecision(tx, "C-1", unknown); }).code(),
      absl::StatusCode::kNotFound);
}

INSTANTIATE_BACKENDS(ClaimStoreTest);

}  // namespace
}  // namespace himaya::claims
