// While a batch is received, which rows may repeat an earlier row: its record_id, or the CIN of
// an earlier row valid when staged. Applying then looks for the earlier row in the staged rows
// (which say for sure) only where one may exist, rather than for every row.
//
// It keeps 32 bits of a hash of each value: it may say that a row may repeat when it does not (a
// collision, about one row in 4,000 at a million rows), never the opposite. A row that becomes
// invalid after staging (a household without one head) only makes a hint stronger than needed.
// Each set stops growing at about 1.8 million values (10 MB): past that, every later row with a
// value may repeat, so a batch of any size costs at most 20 MB here.
#pragma once

#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "registration/src/staged_row.h"

namespace himaya::registration {

class RepeatHints {
 public:
  // Sets `row`'s hints from the rows seen before it, then remembers its values. Rows are to be
  // given in the order of the file, every one of them from the first.
  void Mark(StagedRow& row);

 private:
  // Values seen, and whether the set reached its bound (and so may miss values seen since).
  struct Seen {
    absl::flat_hash_set<uint32_t> values;
    bool full = false;
  };
  // Whether `value` may have been seen; then remembers it when `remember`.
  static bool SeenBefore(Seen& seen, const std::string& value, bool remember);

  Seen record_ids_;
  Seen valid_cins_;
};

}  // namespace himaya::registration
