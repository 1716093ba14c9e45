// Reading reimbursement files: one with its items (GetClaim), an insured's newest first a page
// at a time (ListClaims).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "claims/src/claim.h"
#include "claims/src/claim_store.h"
#include "storage/database.h"

namespace himaya::claims {

inline constexpr int kDefaultClaimPageSize = 50;
inline constexpr int kMaxClaimPageSize = 500;

struct ClaimPage {
  std::vector<Claim> claims;  // without their items
  // Empty on the last page.
  std::string next_page_token;
};

// Reads one page of files ordered by receipt: `read(tx, after, limit)` gives the files after the
// cursor. The page size is checked (0: 50; at most 500; INVALID_ARGUMENT otherwise), the token
// decoded (INVALID_ARGUMENT when not one this service gave), and one more file read to tell
// whether another page follows.
using ClaimPageReader = std::function<absl::StatusOr<std::vector<Claim>>(
    storage::Transaction& tx, const std::optional<ClaimCursor>& after, int limit)>;
absl::StatusOr<ClaimPage> ReadClaimPage(storage::Database& db, int page_size, const std::string& page_token,
                                        const ClaimPageReader& read);

class ClaimLookup {
 public:
  explicit ClaimLookup(storage::Database& db) : db_(db) {}

  // The file with its items. INVALID_ARGUMENT for a malformed id; NOT_FOUND when unknown.
  absl::StatusOr<Claim> Get(const std::string& claim_id);
  // The insured's files, newest first: `page_size` of them (0: 50; at most 500) after the page
  // `page_token` ended. INVALID_ARGUMENT for a malformed number, page size or token.
  absl::StatusOr<ClaimPage> OfInsured(const std::string& registration_number, int page_size,
                                      const std::string& page_token);

 private:
  storage::Database& db_;
};

}  // namespace himaya::claims
