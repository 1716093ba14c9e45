// Fuzzes the normalisation of a person's identifiers and names, and the name key. The input is
// split at NUL bytes into a CIN, a phone, a Latin name, an Arabic name and a first name. What a
// rule accepts must be accepted again unchanged (normalisation is idempotent); name keys are
// lower-case ASCII and do not depend on the order of the two names; what an error may quote is
// printable UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "registration/src/name_key.h"
#include "registration/src/person_rules.h"

namespace {

using namespace himaya::registration;

template <typename Normalize>
void CheckIdempotent(Normalize normalize, absl::string_view input) {
  absl::StatusOr<std::string> once = normalize(input);
  if (!once.ok()) return;
  absl::StatusOr<std::string> twice = normalize(*once);
  if (!twice.ok() || *twice != *once) std::abort();
}

void CheckKey(absl::string_view key) {
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || c == '|' || c == ' ')) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> parts = absl::StrSplit(input, absl::MaxSplits('\0', 4));
  parts.resize(5);
  CheckIdempotent(NormalizeCin, parts[0]);
  CheckIdempotent(NormalizePhone, parts[1]);
  CheckIdempotent([](absl::string_view s) { return NormalizeLatinName("last_name", s); }, parts[2]);
  CheckIdempotent([](absl::string_view s) { return NormalizeArabicName("last_name_ar", s); }, parts[3]);
  CheckKey(NameSkeleton(parts[2]));
  CheckKey(NameSkeleton(parts[3]));
  const std::string key = PersonNameKey(parts[2], parts[4]);
  CheckKey(key);
  if (key != PersonNameKey(parts[4], parts[2])) std::abort();
  CheckIdentifier("record_id", parts[0]).IgnoreError();
  CheckLength("city", parts[1], kMaxCityChars).IgnoreError();
  const std::string quoted = ShortForError(input);
  if (!IsPrintable(quoted) || !CheckLength("quoted", quoted, 100).ok()) std::abort();
  ParseBirthDate(parts[4], absl::CivilDay(2026, 1, 1)).IgnoreError();
  return 0;
}
