// The baseline benchmarks measure beside the service: the rows of a CSV file, parsed the same
// way (liaison's CsvStream), inserted as they are into one table of the same database engine
// in one transaction. What the service adds on top of storing its input is the ratio.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace himaya::cli {

// How a raw insert puts its rows in: the baseline proper, in statements of 1000 rows; or the
// database's bulk load (PostgreSQL's COPY, the way the services' bulk inserts go), printed beside
// it.
enum class RawPath { kStatements, kBulkLoad };

// Inserts every data row of `csv_path` into a new table of the database at `url` (sqlite:PATH or
// postgresql://...), 1000 rows at a time, in one transaction. How long it took; the database's
// or the file's error.
absl::StatusOr<absl::Duration> RawInsert(const std::string& csv_path, const std::string& url,
                                         RawPath path = RawPath::kStatements);

}  // namespace himaya::cli
