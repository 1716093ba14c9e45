// Coverage reference data: files from the operators of other schemes (CNSS, CNOPS, FAR, CMR,
// PRIVATE) listing who they cover and when (`cin, scheme, valid_from, valid_to`). Loaded like a
// batch: rows are staged as they stream and applied only once count and sha256 match. A newer
// file of an operator adds and updates coverages; it never deletes any.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/clock.h"
#include "liaison/manifest.h"
#include "liaison/manifested_csv.h"
#include "registration/src/coverage_store.h"
#include "registration/src/reference_data.h"
#include "storage/database.h"

namespace himaya::registration {

// What became of a coverage file.
struct CoverageImportResult {
  std::string batch_id;
  std::string operator_name;  // the manifest's liaison_body
  int64_t rows_received = 0;
  int64_t coverages_added = 0;
  int64_t coverages_updated = 0;
  int64_t rows_invalid = 0;
  std::vector<std::string> errors;  // the first of the invalid rows, "row N: ..."
};

class CoverageUpload {
 public:
  // INVALID_ARGUMENT for a bad manifest or operator; ALREADY_EXISTS for a known batch_id with
  // other bytes. A file imported before returns its first result in `existing()`.
  static absl::StatusOr<std::unique_ptr<CoverageUpload>> Begin(storage::Database& db, const ReferenceData& reference,
                                                               const core::Clock& clock,
                                                               const liaison::Manifest& manifest);
  const std::optional<CoverageImportResult>& existing() const { return existing_; }
  absl::Status Feed(absl::string_view bytes);
  // Checks count and hash, then adds and updates the coverages in one transaction.
  absl::StatusOr<CoverageImportResult> Finish();
  // The client went away: the staged rows are dropped; the file may be sent again.
  void Abort();

 private:
  CoverageUpload(storage::Database& db, const core::Clock& clock, liaison::Manifest manifest);
  absl::Status OnRow(int64_t row, const std::vector<std::string>& fields);
  absl::Status Flush();
  absl::Status Discard(const absl::Status& reason);

  storage::Database& db_;
  const core::Clock& clock_;
  liaison::Manifest manifest_;
  std::optional<CoverageImportResult> existing_;
  liaison::ManifestedCsv file_;
  int64_t invalid_ = 0;
  std::vector<std::string> errors_;
  std::vector<CoverageLine> pending_;
  bool done_ = false;
};

}  // namespace himaya::registration
