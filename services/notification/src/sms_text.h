// The length of an SMS in parts. Text that the GSM 03.38 default alphabet can hold (with its
// extension table, whose characters count twice) is sent 7-bit: 160 characters in one part,
// 153 per part when concatenated. Anything else (Arabic) is sent UCS-2: 70 characters in one
// part, 67 per part; characters outside the Basic Multilingual Plane take two. A character is
// never cut between two parts (an extension character's two septets, a surrogate pair).
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace himaya::notification {

enum class SmsEncoding { kGsm7, kUcs2 };

struct SmsLength {
  SmsEncoding encoding;
  // Septets (GSM) or UTF-16 code units (UCS-2).
  int units;
  int parts;
};

// Measures UTF-8 `text`. Invalid UTF-8 bytes count as one UCS-2 unit each.
SmsLength MeasureSms(absl::string_view text);

}  // namespace himaya::notification
