// UTF-8 decoding, the one decoder of the suite: a code point at a time, with its validity, and
// on top of it the validity of a whole text and its length in code points. Valid means as RFC
// 3629 says: no overlong form, no surrogate (U+D800..U+DFFF), nothing past U+10FFFF, no stray
// or missing continuation byte. (Unicode normalisation is utf8proc's, in registration.)
#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace himaya::core {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

struct DecodedCodePoint {
  char32_t code_point = 0;  // U+FFFD when not valid
  size_t length = 0;        // bytes taken: the sequence's, or 1 when not valid
  bool valid = false;
};

// Decodes the code point at the start of `text`, which is not empty. An invalid sequence takes
// one byte, so that a caller walking a text resumes at the next byte.
DecodedCodePoint DecodeUtf8(absl::string_view text);

// True when the whole of `text` is valid UTF-8.
bool IsValidUtf8(absl::string_view text);

// The number of code points in `text`; nullopt when it is not valid UTF-8.
std::optional<size_t> CountCodePoints(absl::string_view text);

}  // namespace himaya::core
