// Coverage reference data in the database: `coverages` (who another scheme covers, and when),
// `coverage_staging` (the lines of a file being received) and `coverage_imports` (each file
// imported, with its result). The SQL of these tables lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace himaya::registration {

// One valid line of a coverage file.
struct CoverageLine {
  int64_t line = 0;
  std::string cin;
  std::string scheme;
  std::string valid_from;
  std::optional<std::string> valid_to;
};

// A coverage file imported, as recorded.
struct StoredCoverageImport {
  std::string sha256;
  int64_t rows_received = 0;
  int64_t coverages_added = 0;
  int64_t coverages_updated = 0;
  int64_t rows_invalid = 0;
  std::string errors;  // one per line
};

// How many of a file's (cin, scheme) were new, and how many already known.
struct CoverageCounts {
  int64_t added = 0;
  int64_t updated = 0;
};

class CoverageStore {
 public:
  static absl::StatusOr<std::optional<StoredCoverageImport>> FindImport(storage::Transaction& tx, absl::string_view op,
                                                                        absl::string_view batch_id);
  static absl::Status Stage(storage::Transaction& tx, absl::string_view op, absl::string_view batch_id,
                            const std::vector<CoverageLine>& lines);
  static absl::Status DropStaged(storage::Transaction& tx, absl::string_view op, absl::string_view batch_id);
  // Adds and updates the coverages of the staged file (of several lines for one (cin, scheme),
  // the last wins), drops its staged lines, and returns how many were added and updated.
  static absl::StatusOr<CoverageCounts> ApplyStaged(storage::Transaction& tx, absl::string_view op,
                                                    absl::string_view batch_id, int64_t now_us);
  static absl::Status RecordImport(storage::Transaction& tx, absl::string_view op, absl::string_view batch_id,
                                   const StoredCoverageImport& import, int64_t now_us);
};

}  // namespace himaya::registration
