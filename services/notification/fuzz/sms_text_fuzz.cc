// Fuzzes SMS length measurement. Any bytes are measured: at least one part, one part up to 160
// septets (70 UTF-16 units), never fewer parts than 153 septets (67 units) each would take.
// Then the bytes choose a text among four characters of known width (a: 1 septet, {: 2 septets,
// Arabic sin: 1 UTF-16 unit, an emoji: 2), whose parts must be exactly what cutting it takes: a
// character's units (an extension character's escape and code, a surrogate pair) are never split
// across two parts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "notification/src/sms_text.h"

namespace {

using namespace himaya::notification;

void CheckBounds(const SmsLength& length) {
  if (length.units < 0 || length.parts < 1) std::abort();
  const int single = length.encoding == SmsEncoding::kGsm7 ? 160 : 70;
  const int per_part = length.encoding == SmsEncoding::kGsm7 ? 153 : 67;
  if (length.units <= single && length.parts != 1) std::abort();
  if (length.units > single && length.parts < (length.units + per_part - 1) / per_part) std::abort();
}

void CheckCut(const uint8_t* data, size_t size) {
  static const char* const kText[] = {"a", "{", "\xd8\xb3", "\xf0\x9f\x98\x80"};
  std::string text;
  bool gsm = true;
  for (size_t i = 0; i < size; ++i) {
    text += kText[data[i] % 4];
    if (data[i] % 4 >= 2) gsm = false;
  }
  // Each character's width in the encoding the text needs.
  const int width[] = {1, gsm ? 2 : 1, 1, 2};
  const int single = gsm ? 160 : 70;
  const int per_part = gsm ? 153 : 67;
  int units = 0, parts = 1, fill = 0;
  for (size_t i = 0; i < size; ++i) {
    const int w = width[data[i] % 4];
    units += w;
    if (fill + w > per_part) ++parts, fill = 0;
    fill += w;
  }
  if (units <= single) parts = 1;
  const SmsLength length = MeasureSms(text);
  if (length.encoding != (gsm ? SmsEncoding::kGsm7 : SmsEncoding::kUcs2)) std::abort();
  if (length.units != units || length.parts != parts) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckBounds(MeasureSms(absl::string_view(reinterpret_cast<const char*>(data), size)));
  CheckCut(data, size);
  return 0;
}
