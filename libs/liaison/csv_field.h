// Writing the liaison CSV (RFC 4180): what the reconciliation report and the data generator put
// in a field. The reading side is csv_stream.h.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace himaya::liaison {

// `field` as one CSV field: unchanged unless it holds a comma, a quote mark or a line break, then
// quoted with its quote marks doubled.
std::string CsvField(absl::string_view field);

// `field` as one CSV field of a report a person may open in a spreadsheet: a field that starts
// like a formula (=, +, -, @, tab, carriage return) starts with a quote mark instead, so that
// the spreadsheet shows it rather than runs it; then as CsvField.
std::string ReportCsvField(absl::string_view field);

}  // namespace himaya::liaison
