#include "registration/src/repeat_hints.h"

#include "absl/hash/hash.h"

namespace himaya::registration {
namespace {

// Values a set holds at most: a table of 2^21 slots, filled to its load factor of 7/8.
constexpr size_t kMaxValues = (size_t{1} << 21) / 8 * 7;

}  // namespace

bool RepeatHints::SeenBefore(Seen& seen, const std::string& value, bool remember) {
  const auto hash = static_cast<uint32_t>(absl::HashOf(value));
  if (seen.values.contains(hash)) return true;
  const bool may_have_been_dropped = seen.full;
  if (remember && seen.values.size() < kMaxValues) {
    seen.values.insert(hash);
  } else if (remember) {
    seen.full = true;
  }
  return may_have_been_dropped;
}

void RepeatHints::Mark(StagedRow& row) {
  row.record_id_may_repeat = row.record_id && SeenBefore(record_ids_, *row.record_id, /*remember=*/true);
  row.cin_may_repeat = row.cin && SeenBefore(valid_cins_, *row.cin, /*remember=*/!row.reasons);
}

}  // namespace himaya::registration
