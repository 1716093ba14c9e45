#include "registration/src/limit_subject.h"

#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace himaya::registration {

std::string LimitSubject(absl::string_view kind, absl::string_view value) {
  const std::string text = absl::StrCat(kind, ":", value);
  unsigned char digest[16];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr,
                     0);
  return absl::StrCat(kind, ":", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 16)));
}

}  // namespace himaya::registration
