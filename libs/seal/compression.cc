#include "seal/compression.h"

#include <zlib.h>

#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace himaya::seal {

absl::StatusOr<std::string> Deflate(absl::string_view bytes) {
  uLongf size = compressBound(bytes.size());
  std::string compressed(size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
                           reinterpret_cast<const Bytef*>(bytes.data()), bytes.size(), Z_BEST_COMPRESSION);
  if (rc != Z_OK) return absl::InternalError(absl::StrCat("zlib: compress2 failed (", rc, ")"));
  compressed.resize(size);
  return compressed;
}

absl::StatusOr<std::string> InflateBounded(absl::string_view compressed, size_t max_bytes) {
  if (compressed.size() > std::numeric_limits<uInt>::max() || max_bytes >= std::numeric_limits<uInt>::max()) {
    return absl::InvalidArgumentError("zlib: too large to inflate in one call");
  }
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return absl::InternalError("zlib: inflateInit failed");
  // One byte more than allowed, so that reaching it tells "too large" from "exactly the bound".
  std::string out(max_bytes + 1, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  const size_t produced = out.size() - stream.avail_out;
  const size_t unread = stream.avail_in;
  inflateEnd(&stream);
  if (produced > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat("zlib: the data inflates to more than ", max_bytes, " bytes"));
  }
  if (rc != Z_STREAM_END) {
    return absl::InvalidArgumentError(rc == Z_BUF_ERROR ? "zlib: the stream is truncated"
                                                        : "zlib: the stream is corrupt");
  }
  if (unread != 0) {
    return absl::InvalidArgumentError(absl::StrCat("zlib: ", unread, " bytes follow the end of the stream"));
  }
  out.resize(produced);
  return out;
}

}  // namespace himaya::seal
