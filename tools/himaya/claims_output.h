// How the claims commands find the claims service, read a bulk file's manifest, and print the
// service's files: amounts in dirhams with two decimals in tables, integers in centimes in JSON
// (as the service keeps them); reason codes always shown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "output.h"

namespace himaya::cli {

using ClaimsStub = claims::v1::ClaimsService::Stub;

// The claims service's gRPC address: --claims_address, else the running stack's run file.
absl::StatusOr<std::string> ClaimsAddress();

// The first message of SubmitClaimBatch: the manifest at `manifest_path` (the liaison manifest,
// its sender in liaison_body). NOT_FOUND or INVALID_ARGUMENT naming the file.
absl::StatusOr<claims::v1::ClaimBatchUpload> ReadClaimBatchHeader(const std::string& manifest_path);

// A file as JSON: every field, amounts in centimes (numbers), times in RFC 3339 ("" until they
// happen), its items when `with_items`.
nlohmann::json ClaimJson(const claims::v1::Claim& claim, bool with_items);

// Files, one row each (no items): a table, or JSON {"claims": [...]}; `empty` is printed
// instead of an empty table.
void PrintClaims(OutputFormat format, const std::vector<claims::v1::Claim>& claims, const std::string& empty);

// One file and its items: its facts line by line, then a table of its items (decision, reason,
// amounts); JSON: ClaimJson with items.
void PrintClaim(OutputFormat format, const claims::v1::Claim& claim);

}  // namespace himaya::cli
