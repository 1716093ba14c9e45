// Registration's checks of a liaison manifest against its reference data: the sender must be a
// body or an operator it knows, the program one the body serves. The manifest itself (its JSON,
// the fields every manifest holds) is the liaison file contract's (liaison/manifest.h).
#pragma once

#include "absl/status/status.h"
#include "liaison/manifest.h"
#include "registration/src/reference_data.h"

namespace himaya::registration {

// Checks a liaison batch's manifest: its fields, a known body, a program the body serves.
// INVALID_ARGUMENT naming the field.
absl::Status CheckBatchManifest(const liaison::Manifest& manifest, const ReferenceData& reference);

// Checks a coverage file's manifest: its fields, a known operator (in liaison_body).
absl::Status CheckCoverageManifest(const liaison::Manifest& manifest, const ReferenceData& reference);

}  // namespace himaya::registration
