// Fuzzes SMS length measurement: any bytes are measured; at least one part, one part up to
// 160 septets (70 UTF-16 units), never fewer parts than 153 septets (67 units) each would
// take, and a text repeated never takes fewer parts than the text alone.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "notification/src/sms_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::notification;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const SmsLength length = MeasureSms(text);
  if (length.units < 0 || length.parts < 1) std::abort();
  const int single = length.encoding == SmsEncoding::kGsm7 ? 160 : 70;
  const int per_part = length.encoding == SmsEncoding::kGsm7 ? 153 : 67;
  if (length.units <= single && length.parts != 1) std::abort();
  if (length.units > single && length.parts < (length.units + per_part - 1) / per_part) std::abort();
  // Doubling the text never makes it shorter.
  const SmsLength doubled = MeasureSms(std::string(text) + std::string(text));
  if (doubled.parts < length.parts) std::abort();
  return 0;
}
