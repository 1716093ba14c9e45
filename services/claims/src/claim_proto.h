// A file (claim.h) and a batch's status as claims.proto writes them: the one conversion every RPC
// returning a Claim uses.
#pragma once

#include "claims/src/batch_reports.h"
#include "claims/src/claim.h"
#include "himaya/claims/v1/claims.pb.h"

namespace himaya::claims {

// The file and, when read with them, its items.
void ToProto(const Claim& claim, v1::Claim* out);
void ToProto(const ClaimItemRecord& item, v1::ClaimItem* out);
void ToProto(const ClaimBatchStatus& status, v1::ClaimBatchStatus* out);

}  // namespace himaya::claims
