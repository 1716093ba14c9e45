#include "liaison/csv_field.h"

namespace himaya::liaison {

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ReportCsvField(absl::string_view field) {
  std::string v(field);
  if (!v.empty() && absl::string_view("=+-@\t\r").find(v.front()) != absl::string_view::npos) v.insert(0, "'");
  return CsvField(v);
}

}  // namespace himaya::liaison
