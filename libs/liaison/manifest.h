// The manifest that comes with every liaison batch and coverage file (LIAISON-FILE.md): read
// from its JSON and checked for what any manifest must hold. Whether its body, program or
// operator is known is for the service that receives it (against its reference data).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::liaison {

struct Manifest {
  std::string batch_id;      // unique per liaison body
  std::string liaison_body;  // the sender: a liaison body, or a coverage operator
  std::string program;       // batches only
  int64_t record_count = 0;  // data rows in the file
  std::string sha256;        // of the data file's bytes, lower-case hexadecimal once parsed
  std::string produced_at;   // free text, as the sender wrote it
};

// Parses a manifest file's JSON. INVALID_ARGUMENT naming the field at fault.
absl::StatusOr<Manifest> ParseManifestJson(absl::string_view json);

// Checks what every manifest must hold: a printable bounded batch_id, a liaison_body, a
// record_count that is not negative, a sha256 of 64 hexadecimal digits. INVALID_ARGUMENT naming
// the field.
absl::Status CheckManifestFields(const Manifest& manifest);

}  // namespace himaya::liaison
