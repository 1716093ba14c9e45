// Fuzzes the CSV stream: the input (after its first byte) is parsed twice, whole and in chunks
// whose sizes follow from the first byte, and both parses must deliver the same records and
// agree on success: a record, a quote or a BOM split across chunks must not change anything.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "liaison/csv_stream.h"

namespace {

using himaya::liaison::CsvStream;

struct Parsed {
  std::vector<std::vector<std::string>> records;
  bool ok = true;
};

// Parses `text` in chunks of 1 + (seed * k) % 61 bytes (k: the chunk's number); seed 0: whole.
Parsed Parse(absl::string_view text, unsigned seed) {
  Parsed parsed;
  CsvStream stream([&](std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].size() > himaya::liaison::kMaxFieldBytes) std::abort();
    }
    parsed.records.push_back(fields);
    // A record function's error stops the stream: exercise that path too.
    if (!fields.empty() && fields[0] == "STOP") return absl::InvalidArgumentError("stop");
    return absl::OkStatus();
  });
  size_t at = 0;
  for (unsigned k = 1; at < text.size() && parsed.ok; ++k) {
    size_t size = seed == 0 ? text.size() : 1 + (seed * k) % 61;
    if (size > text.size() - at) size = text.size() - at;
    parsed.ok = stream.Feed(text.substr(at, size)).ok();
    at += size;
  }
  if (parsed.ok) parsed.ok = stream.Finish().ok();
  if (stream.records() < static_cast<int64_t>(parsed.records.size())) std::abort();
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned seed = data[0];
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Parsed whole = Parse(text, 0);
  const Parsed chunked = Parse(text, seed == 0 ? 1 : seed);
  if (whole.ok != chunked.ok) std::abort();
  if (whole.ok && whole.records != chunked.records) std::abort();
  return 0;
}
