#include "notification/src/secrets.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/random.h"

namespace himaya::notification {

absl::StatusOr<std::optional<std::string>> ReadSecret(absl::string_view file_flag, const std::string& file,
                                                      const std::string& env) {
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    if (!in || !(content << in.rdbuf())) {
      return absl::InvalidArgumentError(absl::StrCat(file_flag, ": cannot read ", file));
    }
    std::string secret(absl::StripTrailingAsciiWhitespace(content.str()));
    if (secret.empty()) return absl::InvalidArgumentError(absl::StrCat(file_flag, ": ", file, " is empty"));
    return secret;
  }
  const char* value = std::getenv(env.c_str());
  if (value != nullptr && *value != '\0') return std::string(value);
  return std::nullopt;
}

std::string NewToken() {
  core::SystemRandom random;
  return absl::StrCat(absl::Hex(random.Next(), absl::kZeroPad16), absl::Hex(random.Next(), absl::kZeroPad16));
}

bool SecretsEqual(absl::string_view a, absl::string_view b) {
  unsigned char differ = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) differ |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return differ == 0;
}

}  // namespace himaya::notification
