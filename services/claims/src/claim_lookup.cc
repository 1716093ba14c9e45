#include "claims/src/claim_lookup.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "claims/src/claim_store.h"
#include "claims_file/claim_row.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"

namespace himaya::claims {
namespace {

// A page token: "<received_at_us>/<claim_id>" of the page's last file.
std::string TokenOf(const Claim& last) {
  return absl::StrCat(absl::ToUnixMicros(last.received_at), "/", last.claim_id);
}

absl::StatusOr<ClaimCursor> CursorOf(absl::string_view token) {
  std::pair<std::string, std::string> parts = absl::StrSplit(token, absl::MaxSplits('/', 1));
  ClaimCursor cursor;
  if (!absl::SimpleAtoi(parts.first, &cursor.received_at_us) || !claims_file::CheckClaimId(parts.second).ok()) {
    return absl::InvalidArgumentError("page_token: not one this service gave");
  }
  cursor.claim_id = parts.second;
  return cursor;
}

}  // namespace

absl::StatusOr<Claim> ClaimLookup::Get(const std::string& claim_id) {
  RETURN_IF_ERROR(claims_file::CheckClaimId(claim_id));
  std::optional<Claim> claim;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(claim, ClaimStore::Find(tx, claim_id));
    return absl::OkStatus();
  }));
  if (!claim) return absl::NotFoundError(absl::StrCat("claim ", claim_id, " is unknown"));
  return *std::move(claim);
}

absl::StatusOr<ClaimPage> ClaimLookup::OfInsured(const std::string& registration_number, int page_size,
                                                 const std::string& page_token) {
  if (registration_number.empty()) return absl::InvalidArgumentError("registration_number: required");
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(registration_number));
  return ReadClaimPage(db_, page_size, page_token,
                       [&](storage::Transaction& tx, const std::optional<ClaimCursor>& after, int limit) {
                         return ClaimStore::OfInsured(tx, registration_number, after, limit);
                       });
}

absl::StatusOr<ClaimPage> ReadClaimPage(storage::Database& db, int page_size, const std::string& page_token,
                                        const ClaimPageReader& read) {
  if (page_size < 0 || page_size > kMaxClaimPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: 0 to ", kMaxClaimPageSize));
  }
  const int limit = page_size == 0 ? kDefaultClaimPageSize : page_size;
  std::optional<ClaimCursor> after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(after, CursorOf(page_token));
  }
  ClaimPage page;
  RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
    // One more than the page: whether another follows.
    ASSIGN_OR_RETURN(page.claims, read(tx, after, limit + 1));
    return absl::OkStatus();
  }));
  if (page.claims.size() > static_cast<size_t>(limit)) {
    page.claims.resize(limit);
    page.next_page_token = TokenOf(page.claims.back());
  }
  return page;
}

}  // namespace himaya::claims
