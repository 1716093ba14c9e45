#include "seal/base45.h"

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace himaya::seal {
namespace {

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
constexpr int kBase = 45;

// The value of a Base45 character, or -1.
int ValueOf(char c) {
  const size_t at = kAlphabet.find(c);
  return at == absl::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string EncodeBase45(absl::string_view bytes) {
  std::string text;
  text.reserve(bytes.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) * 256u + static_cast<uint8_t>(bytes[i + 1]);
    for (int digit = 0; digit < 3; ++digit) {
      text.push_back(kAlphabet[n % kBase]);
      n /= kBase;
    }
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]);
    text.push_back(kAlphabet[n % kBase]);
    text.push_back(kAlphabet[n / kBase]);
  }
  return text;
}

absl::StatusOr<std::string> DecodeBase45(absl::string_view text) {
  if (text.size() % 3 == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Base45: a text of ", text.size(), " characters leaves a single one at the end"));
  }
  std::string bytes;
  bytes.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    const size_t group = std::min<size_t>(3, text.size() - i);
    uint32_t n = 0;
    uint32_t weight = 1;
    for (size_t k = 0; k < group; ++k) {
      const int value = ValueOf(text[i + k]);
      if (value < 0) {
        return absl::InvalidArgumentError(absl::StrCat("Base45: character ", i + k, " is not in the alphabet"));
      }
      n += static_cast<uint32_t>(value) * weight;
      weight *= kBase;
    }
    const uint32_t limit = group == 3 ? 0xFFFF : 0xFF;
    if (n > limit) {
      return absl::InvalidArgumentError(
          absl::StrCat("Base45: the group at character ", i, " is ", n, ", above ", limit));
    }
    if (group == 3) bytes.push_back(static_cast<char>(n >> 8));
    bytes.push_back(static_cast<char>(n & 0xFF));
  }
  return bytes;
}

}  // namespace himaya::seal
