#include "registration/src/name_key.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "core/utf8.h"

namespace himaya::registration {
namespace {

// Latin-1 letters folded to their base letter; 0 for any other code point.
char FoldAccent(char32_t code) {
  if (code >= 0xC0 && code <= 0xC5) return 'a';
  if (code == 0xC7) return 'c';
  if (code >= 0xC8 && code <= 0xCB) return 'e';
  if (code >= 0xCC && code <= 0xCF) return 'i';
  if (code == 0xD1) return 'n';
  if (code >= 0xD2 && code <= 0xD6) return 'o';
  if (code >= 0xD9 && code <= 0xDC) return 'u';
  if (code == 0xDD) return 'y';
  if (code >= 0xE0 && code <= 0xE5) return 'a';
  if (code == 0xE7) return 'c';
  if (code >= 0xE8 && code <= 0xEB) return 'e';
  if (code >= 0xEC && code <= 0xEF) return 'i';
  if (code == 0xF1) return 'n';
  if (code >= 0xF2 && code <= 0xF6) return 'o';
  if (code >= 0xF9 && code <= 0xFC) return 'u';
  if (code == 0xFD || code == 0xFF) return 'y';
  return 0;
}

std::string FoldToAscii(absl::string_view name) {
  std::string out;
  for (absl::string_view rest = name; !rest.empty();) {
    const core::DecodedCodePoint c = core::DecodeUtf8(rest);
    rest.remove_prefix(c.length);
    if (c.code_point < 0x80) {
      const char ascii = static_cast<char>(c.code_point);
      out.push_back(absl::ascii_isalpha(ascii) ? absl::ascii_tolower(ascii) : ' ');
    } else if (char folded = FoldAccent(c.code_point)) {
      out.push_back(folded);
    }
  }
  return out;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

}  // namespace

std::string NameSkeleton(absl::string_view name) {
  // Words, without the article, joined: "El Idrissi" and "Idrissi" agree, so do
  // "Abdul Qadir" and "Abdulqadir".
  std::string joined;
  for (absl::string_view word : absl::StrSplit(FoldToAscii(name), ' ', absl::SkipEmpty())) {
    if (word == "al" || word == "el") continue;
    joined.append(word.data(), word.size());
  }
  std::string mapped;
  for (size_t i = 0; i < joined.size(); ++i) {
    char c = joined[i];
    char n = i + 1 < joined.size() ? joined[i + 1] : 0;
    auto pair = [&](char a, char b) { return c == a && n == b; };
    if (pair('o', 'u') || pair('o', 'o')) {
      mapped.push_back('u');
      ++i;
      continue;
    }
    if (pair('c', 'h') || pair('s', 'h')) {
      mapped.push_back('s');
      ++i;
      continue;
    }
    if (pair('k', 'h') || pair('c', 'k')) {
      mapped.push_back('k');
      ++i;
      continue;
    }
    if (pair('g', 'h')) {
      mapped.push_back('g');
      ++i;
      continue;
    }
    if (pair('d', 'h')) {
      mapped.push_back('d');
      ++i;
      continue;
    }
    if (pair('t', 'h')) {
      mapped.push_back('t');
      ++i;
      continue;
    }
    if (pair('d', 'j')) {
      mapped.push_back('j');
      ++i;
      continue;
    }
    if (pair('p', 'h')) {
      mapped.push_back('f');
      ++i;
      continue;
    }
    switch (c) {
      case 'q':
      case 'c':
        mapped.push_back('k');
        break;
      case 'y':
        mapped.push_back('i');
        break;
      case 'w':
        mapped.push_back('u');
        break;
      case 'z':
        mapped.push_back('z');
        break;
      default:
        mapped.push_back(c);
    }
  }
  while (mapped.size() > 1 && mapped.back() == 'h') mapped.pop_back();
  std::string skeleton;
  for (size_t i = 0; i < mapped.size(); ++i) {
    char c = mapped[i];
    if (i > 0 && IsVowel(c)) continue;
    if (!skeleton.empty() && skeleton.back() == c) continue;
    skeleton.push_back(c);
  }
  // A leading vowel is kept but all leading vowels are one: "Ou..." and "U..." agree.
  if (!skeleton.empty() && IsVowel(skeleton[0])) skeleton[0] = 'a';
  return skeleton;
}

std::string PersonNameKey(absl::string_view last_name, absl::string_view first_name) {
  std::string a = NameSkeleton(last_name);
  std::string b = NameSkeleton(first_name);
  if (b < a) std::swap(a, b);
  return a + "|" + b;
}

}  // namespace himaya::registration
