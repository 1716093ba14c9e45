// Claim -> SubmitClaim and Claim (claims.proto) -> ClaimResponse, for POST /fhir/r4/Claim and
// GET /fhir/r4/ClaimResponse/{id}. A partner's Claim is one patient's items (an act of the TNR
// on a day, a quantity, what was paid in MAD); it is filed on the channel PARTNER:<client>, its
// first identifier making a retry return the first answer. The ClaimResponse follows the file:
// queued until decided, then complete (partial when some items were rejected), with each
// item's adjudication (submitted, eligible, rate, benefit) and the claims service's reason
// codes (claim-reason).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/src/api_error.h"
#include "gateway/src/fhir_json.h"
#include "grpcpp/support/status.h"
#include "himaya/claims/v1/claims.pb.h"
#include "nlohmann/json.hpp"

namespace himaya::gateway::fhir {

// The longest Claim.identifier value kept as an idempotency key.
inline constexpr size_t kMaxClaimIdentifierLength = 56;
// The most items one Claim may hold (the claims service's limit).
inline constexpr size_t kMaxClaimItems = 50;

struct ClaimFiling {
  claims::v1::SubmitClaimRequest request;
  // Claim.identifier[0], named in ClaimResponse.request; null when the Claim has none.
  nlohmann::json identifier;
};

// Reads and checks a Claim: R4's required elements (status active, type, use claim, patient,
// created, provider, priority, insurance, item with sequence and productOrService), and what
// filing needs: each item's TNR act (a coding of tnr-act), servicedDate, quantity (1 when
// absent) and amount (net, else unitPrice × quantity, in MAD). INVALID_ARGUMENT naming the
// element ("Claim.item[0].servicedDate: ...").
absl::StatusOr<ClaimFiling> ReadClaim(absl::string_view body, absl::string_view client);

// The channel of a client's claims.
std::string PartnerChannel(absl::string_view client);

// The ClaimResponse of `claim`; `identifier` (the Claim's, when known) in its request.
nlohmann::json ClaimResponse(const claims::v1::Claim& claim, const Fund& fund,
                             const nlohmann::json& identifier = nlohmann::json());

// The claims service's refusal of a filing, the field it names translated to the Claim's
// element (items[2].care_date -> Claim.item[2].servicedDate).
ApiError ClaimFilingError(const grpc::Status& status);

}  // namespace himaya::gateway::fhir
