// Synthetic liaison batches for demos, tests and benchmarks: realistic Moroccan names in Latin
// and Arabic script, CIN and phone formats as liaison bodies send them, categories, households,
// and chosen rates of duplicates, invalid rows, look-alikes and people already covered (with the
// matching coverage reference file). Files are written as they are generated: memory does not
// grow with the number of records.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace himaya::datagen {

struct LiaisonOptions {
  int64_t records = 1000;
  std::string program = "amo-tns";
  // Default: the usual body of the program (MAPMDREF, RAMED, RSU).
  std::string liaison_body;
  std::string batch_id;  // default: BODY-<seed>-<records>
  std::string out_dir = ".";
  uint64_t seed = 1;
  double duplicate_rate = 0.01;
  double invalid_rate = 0.02;
  double lookalike_rate = 0.005;
  double covered_rate = 0.03;
  // Every person gets a mobile number starting 06 (benchmarks of SMS).
  bool every_phone = false;
  // When set, every row's preferred_language (otherwise about a third are "ar").
  std::string language;
  // Today, for birth dates and coverage validity (YYYY-MM-DD).
  std::string today = "2022-03-01";
};

struct GeneratedBatch {
  std::string csv_path;
  std::string manifest_path;
  std::string coverage_csv_path;
  std::string coverage_manifest_path;
  std::string batch_id;
  std::string liaison_body;
  int64_t rows = 0;
  int64_t coverage_rows = 0;
};

// Options for a batch whose every row is a new, valid person with a mobile number (no duplicate,
// invalid row, look-alike or person covered elsewhere): each is registered and sent an activation
// SMS, which end-to-end tests and benchmarks count.
LiaisonOptions EveryoneRegisteredOptions(int64_t records, const std::string& out_dir, uint64_t seed);

// Writes NAME.csv and NAME.manifest.json, and the coverage file COVERAGE.csv with its manifest,
// under out_dir. INVALID_ARGUMENT for unknown programs or bodies, or rates outside [0, 1].
absl::StatusOr<GeneratedBatch> GenerateLiaisonBatch(const LiaisonOptions& options);

// Writes NAME.manifest.json for an existing data file (hashing it). Used by tools that edit files.
absl::Status WriteManifestFor(const std::string& csv_path, const std::string& manifest_path,
                              const std::string& batch_id, const std::string& liaison_body, const std::string& program,
                              int64_t records);

}  // namespace himaya::datagen
