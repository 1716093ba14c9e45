// Fuzzes the manifest: any bytes go to ParseManifestJson, and a manifest it accepts has its
// fields checked.
#include <cstdint>

#include "liaison/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::liaison;
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Manifest> manifest = ParseManifestJson(json);
  if (!manifest.ok()) return 0;
  CheckManifestFields(*manifest).IgnoreError();
  return 0;
}
