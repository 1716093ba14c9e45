#include "core/utf8.h"

#include <cstdint>

namespace himaya::core {

DecodedCodePoint DecodeUtf8(absl::string_view s) {
  const DecodedCodePoint invalid{kReplacementCharacter, 1, false};
  if (s.empty()) return invalid;
  const unsigned char c = static_cast<unsigned char>(s[0]);
  size_t len;
  char32_t min;
  if (c < 0x80) {
    return {c, 1, true};
  } else if ((c >> 5) == 0x6) {
    len = 2;
    min = 0x80;
  } else if ((c >> 4) == 0xE) {
    len = 3;
    min = 0x800;
  } else if ((c >> 3) == 0x1E) {
    len = 4;
    min = 0x10000;
  } else {
    return invalid;  // a continuation byte, or 0xF8..0xFF
  }
  if (len > s.size()) return invalid;  // truncated
  char32_t code = c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const unsigned char n = static_cast<unsigned char>(s[k]);
    if ((n & 0xC0) != 0x80) return invalid;
    code = (code << 6) | (n & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8.
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return invalid;
  return {code, len, true};
}

std::optional<size_t> CountCodePoints(absl::string_view text) {
  size_t count = 0;
  while (!text.empty()) {
    const DecodedCodePoint decoded = DecodeUtf8(text);
    if (!decoded.valid) return std::nullopt;
    text.remove_prefix(decoded.length);
    ++count;
  }
  return count;
}

bool IsValidUtf8(absl::string_view text) { return CountCodePoints(text).has_value(); }

}  // namespace himaya::core
