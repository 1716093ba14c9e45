// The fixture of the payment tests: claims' database fixture, with decided files written
// straight into the claims table (the state the decider leaves them in).
#pragma once

#include <string>

#include "claims/test/claims_database.h"
#include "core/programs.h"

namespace himaya::claims {

class PaymentDatabaseTest : public ClaimsDatabaseTest {
 protected:
  // A file in `state` reimbursing `reimbursed` centimes, received at the clock's now.
  void AddClaim(const std::string& claim_id, const std::string& registration_number, int64_t reimbursed,
                const std::string& state = "DECIDED", std::string program = std::string(core::kProgramAmoTns)) {
    absl::Status s = db_->Write([&](storage::Transaction& tx) {
      return tx
          .Execute(
              "INSERT INTO claims (claim_id, registration_number, program, channel, filed_date, state, outcome, "
              "claimed_centimes, reimbursed_centimes, received_at_us, due_date, decided_at_us) "
              "VALUES ($1, $2, $3, 'PORTAL', '2026-02-20', $4, $5, $6, $7, $8, '2026-03-01', $8)",
              {claim_id, registration_number, program, state, reimbursed > 0 ? "ACCEPTED" : "REJECTED",
               reimbursed + 1000, reimbursed, absl::ToUnixMicros(clock_.Now())})
          .status();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  // The state and payment run of a file, "STATE/run".
  std::string StateOf(const std::string& claim_id) {
    auto rows = testing::Rows(*db_, "SELECT state, payment_run_id FROM claims WHERE claim_id = $1", {claim_id});
    return rows.empty() ? "" : rows[0].Text(0) + "/" + rows[0].Text(1);
  }
};

}  // namespace himaya::claims
