// zlib (RFC 1950) around the signed bytes of a seal, with a bound on what inflating may produce,
// so that a few hundred characters cannot expand into megabytes (a "zlib bomb").
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::seal {

// `bytes` compressed at zlib's best level, in the zlib format (header and Adler-32 trailer).
// INTERNAL only if zlib itself fails.
absl::StatusOr<std::string> Deflate(absl::string_view bytes);

// The bytes `compressed` holds. INVALID_ARGUMENT when it is not one complete zlib stream (a bad
// header, corrupt data, a wrong checksum, a truncated stream or bytes after its end) or when it
// would inflate to more than `max_bytes` (inflating stops there).
absl::StatusOr<std::string> InflateBounded(absl::string_view compressed, size_t max_bytes);

}  // namespace himaya::seal
