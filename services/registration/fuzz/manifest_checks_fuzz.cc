// Fuzzes registration's acceptance of a manifest: any bytes go to the liaison manifest parser,
// and a manifest it accepts is checked against the shipped reference data as a batch's and as a
// coverage file's.
#include <cstdint>

#include "registration/src/manifest_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya;
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<liaison::Manifest> manifest = liaison::ParseManifestJson(json);
  if (!manifest.ok()) return 0;
  registration::CheckBatchManifest(*manifest, registration::ReferenceData::Shipped()).IgnoreError();
  registration::CheckCoverageManifest(*manifest, registration::ReferenceData::Shipped()).IgnoreError();
  return 0;
}
