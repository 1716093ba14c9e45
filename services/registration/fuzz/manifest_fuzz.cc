// Fuzzes the manifest: any bytes go to ParseManifestJson, and a manifest it accepts is checked
// against the shipped reference data as a batch's and as a coverage file's.
#include <cstdint>

#include "registration/src/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::registration;
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<v1::Manifest> manifest = ParseManifestJson(json);
  if (!manifest.ok()) return 0;
  CheckBatchManifest(*manifest, ReferenceData::Shipped()).IgnoreError();
  CheckCoverageManifest(*manifest, ReferenceData::Shipped()).IgnoreError();
  return 0;
}
