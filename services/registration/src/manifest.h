// The manifest that comes with every liaison batch and coverage file (LIAISON-FILE.md).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "himaya/registration/v1/registration.pb.h"
#include "registration/src/reference_data.h"

namespace himaya::registration {

// Parses a manifest file's JSON. INVALID_ARGUMENT naming the field at fault.
absl::StatusOr<v1::Manifest> ParseManifestJson(absl::string_view json);

// Checks a liaison batch's manifest against the reference data: known body, a program the body
// serves. INVALID_ARGUMENT (field named) or FAILED_PRECONDITION.
absl::Status CheckBatchManifest(const v1::Manifest& manifest, const ReferenceData& reference);

// Checks a coverage file's manifest: a known operator (in liaison_body).
absl::Status CheckCoverageManifest(const v1::Manifest& manifest, const ReferenceData& reference);

}  // namespace himaya::registration
