#include "identity/cin.h"

#include "absl/strings/ascii.h"

namespace himaya::identity {

std::optional<std::string> NormalizedCin(absl::string_view cin) {
  std::string value = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(cin));
  size_t letters = 0;
  while (letters < value.size() && absl::ascii_isalpha(static_cast<unsigned char>(value[letters]))) ++letters;
  const size_t digits = value.size() - letters;
  if (letters < 1 || letters > 2 || digits < 1 || digits > 6) return std::nullopt;
  for (size_t i = letters; i < value.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) return std::nullopt;
  }
  return value;
}

}  // namespace himaya::identity
