// How the staged rows of one claim_id become a reimbursement file (docs/claims-file.md, "Refused
// whole, or per row"): the file takes its first row's registration_number and filed_date; a row
// that disagrees, or whose first row's own value is not valid (a filed_date after the day of
// receipt included), is an item INVALID_ROW naming that field (unless an earlier column of the contract is at fault
// already); items are numbered from 1 in the rows' order, and the 51st row and those after it belong to no file. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "claims/src/batch_store.h"
#include "claims/src/claim.h"

namespace himaya::claims {

// What every file of a batch shares.
struct BatchReceipt {
  std::string sender;
  std::string batch_id;
  absl::Time received_at;
  absl::CivilDay received_day;  // received_at's day in the fund's zone: no file is filed after it
  absl::CivilDay due_date;
};

struct BatchFile {
  Claim claim;  // RECEIVED, its items numbered from 1
  // The rows past kMaxItemsPerClaim: INVALID_ROW:claim_id, in no file.
  std::vector<int64_t> rows_beyond_limit;
};

// The channel of a batch's files: "BATCH:<sender>/<batch_id>".
std::string BatchChannel(const std::string& sender, const std::string& batch_id);

// `rows`: the staged rows of one claim_id, in row order, at least one.
BatchFile FileOfRows(const std::vector<StagedClaimRow>& rows, const BatchReceipt& receipt);

}  // namespace himaya::claims
