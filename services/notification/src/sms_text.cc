#include "notification/src/sms_text.h"

#include <cstdint>
#include <unordered_set>

#include "core/utf8.h"

namespace himaya::notification {
namespace {

// The GSM 03.38 default alphabet (one septet each).
bool InBasicTable(uint32_t c) {
  static const std::unordered_set<uint32_t> kOthers = {
      0x40, 0xA3,  0x24,  0xA5,  0xE8,  0xE9,  0xF9,  0xEC,  0xF2,  0xC7,  0x0A, 0xD8, 0xF8, 0x0D, 0xC5, 0xE5, 0x394,
      0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9, 0x20, 0x21, 0x22,
      0x23, 0xA4,  0x25,  0x26,  0x27,  0x28,  0x29,  0x2A,  0x2B,  0x2C,  0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3C, 0x3D,
      0x3E, 0x3F,  0xA1,  0xC4,  0xD6,  0xD1,  0xDC,  0xA7,  0xBF,  0xE4,  0xF6, 0xF1, 0xFC, 0xE0};
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return kOthers.count(c) > 0;
}

// The extension table, reached by an escape: two septets each.
bool InExtensionTable(uint32_t c) {
  switch (c) {
    case 0x0C:
    case '^':
    case '{':
    case '}':
    case '\\':
    case '[':
    case '~':
    case ']':
    case '|':
    case 0x20AC:
      return true;
    default:
      return false;
  }
}

// Cuts a text into parts of `per_part` units, a character's units never split across two.
class PartCutter {
 public:
  explicit PartCutter(int per_part) : per_part_(per_part) {}
  void Add(int units) {
    if (fill_ + units > per_part_) ++parts_, fill_ = 0;
    fill_ += units;
  }
  int parts() const { return parts_; }

 private:
  int per_part_;
  int parts_ = 1;
  int fill_ = 0;
};

}  // namespace

SmsLength MeasureSms(absl::string_view text) {
  int septets = 0;
  int utf16 = 0;
  bool gsm = true;
  PartCutter gsm_parts(153);
  PartCutter ucs2_parts(67);
  for (absl::string_view rest = text; !rest.empty();) {
    const core::DecodedCodePoint decoded = core::DecodeUtf8(rest);  // a byte that is not UTF-8: U+FFFD
    rest.remove_prefix(decoded.length);
    const uint32_t c = decoded.code_point;
    const int units = c > 0xFFFF ? 2 : 1;
    utf16 += units;
    ucs2_parts.Add(units);
    if (InBasicTable(c)) {
      septets += 1;
      gsm_parts.Add(1);
    } else if (InExtensionTable(c)) {
      septets += 2;
      gsm_parts.Add(2);
    } else {
      gsm = false;
    }
  }
  SmsLength length;
  if (gsm) {
    length.encoding = SmsEncoding::kGsm7;
    length.units = septets;
    length.parts = septets <= 160 ? 1 : gsm_parts.parts();
  } else {
    length.encoding = SmsEncoding::kUcs2;
    length.units = utf16;
    length.parts = utf16 <= 70 ? 1 : ucs2_parts.parts();
  }
  return length;
}

}  // namespace himaya::notification
