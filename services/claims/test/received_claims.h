// Files in a test's database as intake leaves them (RECEIVED, items undecided), with the tariff
// and ALD certificates they are decided against, written in SQL so that the decider's, the review
// queue's and the clock's tests need nothing of intake. Items are filed by default by the
// insured 100000017 for themself, the act C (a consultation of 150 MAD) on 2026-02-20.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "claims/src/claim_rules.h"
#include "claims/test/claims_database.h"
#include "storage/bulk.h"

namespace himaya::claims {

struct TestItem {
  std::string beneficiary_id = "100000017";
  std::string care_date = "2026-02-20";
  std::string act_code = "C";
  int quantity = 1;
  int64_t amount_paid_centimes = 20000;
  std::string ald_certificate;
  std::string invalid_field;
};

struct TestClaim {
  std::string claim_id;
  std::string registration_number = "100000017";
  std::string filed_date = "2026-03-01";
  std::string channel = "PORTAL";
  std::string sender;  // with batch_id: a file of a bulk upload
  std::string batch_id;
  std::vector<TestItem> items = {TestItem{}};
};

// `n` pharmacy items of 150 MAD for 5 boxes (105 MAD reimbursed each), told apart by their care
// days, from `first` days after 2026-01-01 (none is another's duplicate; all within the filing
// delay of 2026-03-01 while first + n <= 59).
inline std::vector<TestItem> PharmacyItems(int n, int first = 0) {
  std::vector<TestItem> items;
  for (int k = 0; k < n; ++k) {
    items.push_back({.care_date = absl::FormatCivilTime(absl::CivilDay(2026, 1, 1) + first + k),
                     .act_code = "P",
                     .quantity = 5,
                     .amount_paid_centimes = 15000});
  }
  return items;
}

// The shipped rules' shape with a review threshold of 1000 MAD and no sampling.
inline const ClaimRules& TestRules() {
  static const ClaimRules* const rules = [] {
    absl::StatusOr<ClaimRules> parsed = ClaimRules::Parse(R"({
      "filing_delay_days": 60, "due_days": 9, "escalate_after_days": 3, "review_threshold": "1000.00",
      "sample_percent": "0", "sample_seed": 7, "rates": [{"ordinary": 70, "ald": 90}]})");
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return new ClaimRules(parsed.ok() ? *std::move(parsed) : ClaimRules::Shipped());
  }();
  return *rules;
}

class ReceivedClaimsTest : public ClaimsDatabaseTest {
 protected:
  // Receives `c` now (the fake clock), due nine days later; the clock moves one second, so that
  // files are received in the order of the calls.
  void Receive(const TestClaim& c) {
    int64_t claimed = 0;
    std::vector<std::vector<storage::Value>> items;
    for (size_t k = 0; k < c.items.size(); ++k) {
      const TestItem& i = c.items[k];
      claimed += i.amount_paid_centimes;
      items.push_back({c.claim_id, static_cast<int>(k + 1), i.beneficiary_id, i.care_date, i.act_code, i.quantity,
                       i.amount_paid_centimes, i.ald_certificate, i.invalid_field});
    }
    const absl::Time now = clock_.Now();
    const std::string due = absl::FormatCivilTime(absl::ToCivilDay(now, absl::UTCTimeZone()) + 9);
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     absl::Status inserted =
                         tx.Execute(
                               "INSERT INTO claims (claim_id, registration_number, channel, sender, batch_id, "
                               "filed_date, state, claimed_centimes, received_at_us, due_date) "
                               "VALUES ($1, $2, $3, $4, $5, $6, 'RECEIVED', $7, $8, $9)",
                               {c.claim_id, c.registration_number, c.channel, c.sender, c.batch_id, c.filed_date,
                                claimed, absl::ToUnixMicros(now), due})
                             .status();
                     if (!inserted.ok()) return inserted;
                     return storage::InsertRows(
                                tx, "claim_items",
                                {"claim_id", "item", "beneficiary_id", "care_date", "act_code", "quantity",
                                 "amount_paid_centimes", "ald_certificate", "invalid_field"},
                                items)
                         .status();
                   })
                    .ok());
    clock_.Advance(absl::Seconds(1));
  }
  // A batch whose upload ended (DECIDING).
  void Batch(const std::string& sender, const std::string& batch_id) {
    Exec(
        "INSERT INTO claim_batches (sender, batch_id, sha256, record_count, state, received_at_us) "
        "VALUES ($1, $2, 'x', 0, 'DECIDING', $3)",
        {sender, batch_id, absl::ToUnixMicros(clock_.Now())});
  }
  // A TNR version effective from `from`, with acts "code,category,tnr_centimes,max_quantity,
  // min_days_between".
  void Tariff(const std::string& version, const std::string& from,
              const std::vector<std::tuple<std::string, std::string, int64_t, int, int>>& acts) {
    Exec(
        "INSERT INTO tariff_versions (version, effective_from, sha256, acts, imported_at_us) VALUES ($1, $2, 'x', $3, "
        "0)",
        {version, from, static_cast<int64_t>(acts.size())});
    for (const auto& [code, category, tnr, max_quantity, min_days] : acts) {
      Exec(
          "INSERT INTO tariff_acts (version, act_code, label, category, tnr_centimes, max_quantity, "
          "min_days_between) VALUES ($1, $2, 'label', $3, $4, $5, $6)",
          {version, code, category, tnr, max_quantity, min_days});
    }
  }
  // The usual tariff: C (consultation, 150 MAD, once, 7 days apart), P (pharmacy, 30 MAD, up to
  // 5, no limit), from 2026-01-01; X only in the older version of 2025 (with P).
  void UsualTariff() {
    Tariff("TNR-2025", "2025-01-01", {{"X", "BIOLOGY", 5000, 1, 0}, {"P", "PHARMACY", 3000, 5, 0}});
    Tariff("TNR-2026", "2026-01-01", {{"C", "CONSULTATION", 15000, 1, 7}, {"P", "PHARMACY", 3000, 5, 0}});
  }
  void Certificate(const std::string& certificate, const std::string& beneficiary_id, const std::string& from,
                   const std::string& until) {
    Exec(
        "INSERT INTO ald_certificates (certificate, beneficiary_id, valid_from, valid_until, registered_by, "
        "registered_at_us) VALUES ($1, $2, $3, $4, 'agent', 0)",
        {certificate, beneficiary_id, from, until});
  }
  void Exec(absl::string_view sql, std::vector<storage::Value> params) {
    absl::Status done = db_->Write([&](storage::Transaction& tx) { return tx.Execute(sql, params).status(); });
    ASSERT_TRUE(done.ok()) << done;
  }
  std::string ClaimField(const std::string& claim_id, const std::string& column) {
    std::vector<storage::Row> rows =
        testing::Rows(*db_, absl::StrCat("SELECT ", column, " FROM claims WHERE claim_id = $1"), {claim_id});
    return rows.empty() ? "(no claim)" : rows.front().Text(0);
  }
  // "OUTCOME REASON" of an item ("ACCEPTED " when accepted).
  std::string ItemDecision(const std::string& claim_id, int item) {
    std::vector<storage::Row> rows = testing::Rows(
        *db_, "SELECT outcome, reason FROM claim_items WHERE claim_id = $1 AND item = $2", {claim_id, item});
    return rows.empty() ? "(no item)" : absl::StrCat(rows.front().Text(0), " ", rows.front().Text(1));
  }
};

}  // namespace himaya::claims
