#include "claims_file/tariff_csv.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "claims_file/claim_row.h"
#include "claims_file/dirhams.h"
#include "core/utf8.h"
#include "liaison/csv_stream.h"

namespace himaya::claims_file {
namespace {

constexpr size_t kMaxActs = 100000;
constexpr size_t kMaxTariffFieldBytes = 200;
constexpr int kMaxMinDaysBetween = 3650;

enum Column { kActCode, kLabel, kCategory, kTnrAmount, kMaxQuantityColumn, kMinDaysBetween, kColumns };
constexpr std::array<absl::string_view, kColumns> kColumnNames = {"act_code",   "label",        "category",
                                                                  "tnr_amount", "max_quantity", "min_days_between"};

absl::Status LineError(int64_t line, absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", field, ": ", reason));
}

// A whole number written as decimal digits only, within [min, max].
absl::StatusOr<int> WholeNumberIn(absl::string_view text, int min, int max) {
  if (text.empty() || text.size() > 9) return absl::InvalidArgumentError("");
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return absl::InvalidArgumentError("");
    n = n * 10 + (c - '0');
  }
  if (n < min || n > max) return absl::InvalidArgumentError("");
  return static_cast<int>(n);
}

bool IsLabel(absl::string_view label) {
  if (label.empty() || !core::IsValidUtf8(label)) return false;
  for (char c : label) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
  }
  return true;
}

// Reads the records of a version's file: the header, then one act per record.
class TariffReader {
 public:
  absl::Status Record(const liaison::CsvStream& stream, std::vector<std::string>& fields) {
    const int64_t line = stream.records();
    if (line == 1) return Header(fields);
    if (acts_.size() == kMaxActs) return LineError(line, "act_code", absl::StrCat("more than ", kMaxActs, " acts"));
    if (fields.size() != columns_.size()) {
      return LineError(line, "row", absl::StrCat("has ", fields.size(), " fields, the header ", columns_.size()));
    }
    std::array<absl::string_view, kColumns> value;
    for (size_t i = 0; i < fields.size(); ++i) {
      const absl::string_view name = kColumnNames[columns_[i]];
      if (stream.FieldTooLong(i) || stream.RecordTooLong() || fields[i].size() > kMaxTariffFieldBytes) {
        return LineError(line, name, absl::StrCat("longer than ", kMaxTariffFieldBytes, " bytes"));
      }
      value[columns_[i]] = fields[i];
    }
    TariffAct act;
    absl::StatusOr<std::string> code = NormalizeActCode(value[kActCode]);
    if (!code.ok()) return LineError(line, "act_code", "must be 1 to 16 characters of A-Z, 0-9, . and -");
    act.act_code = *std::move(code);
    if (!IsLabel(value[kLabel])) {
      return LineError(line, "label", "must be UTF-8 text of 1 to 200 bytes without control characters");
    }
    act.label = std::string(value[kLabel]);
    act.category = absl::AsciiStrToUpper(value[kCategory]);
    if (!IsCareCategory(act.category)) return LineError(line, "category", "must be 1 to 32 characters of A-Z and _");
    absl::StatusOr<int64_t> amount = ParseDirhams(value[kTnrAmount]);
    if (!amount.ok() || *amount <= 0) {
      return LineError(line, "tnr_amount", "must be dirhams above 0 with at most two decimals (80.00)");
    }
    act.tnr_centimes = *amount;
    absl::StatusOr<int> max_quantity = WholeNumberIn(value[kMaxQuantityColumn], 1, kMaxQuantity);
    if (!max_quantity.ok()) return LineError(line, "max_quantity", "must be a whole number from 1 to 999");
    act.max_quantity = *max_quantity;
    absl::StatusOr<int> min_days = WholeNumberIn(value[kMinDaysBetween], 0, kMaxMinDaysBetween);
    if (!min_days.ok()) return LineError(line, "min_days_between", "must be a whole number from 0 to 3650");
    act.min_days_between = *min_days;
    auto [at, inserted] = lines_.emplace(act.act_code, line);
    if (!inserted) {
      return LineError(line, "act_code", absl::StrCat(act.act_code, " is already on line ", at->second));
    }
    acts_.push_back(std::move(act));
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<TariffAct>> Acts(int64_t records) && {
    if (records == 0) return LineError(1, "header", "missing (the file is empty)");
    if (acts_.empty()) return LineError(2, "act_code", "the file holds no act");
    return std::move(acts_);
  }

 private:
  absl::Status Header(const std::vector<std::string>& fields) {
    std::array<bool, kColumns> seen{};
    for (const std::string& field : fields) {
      const std::string name = absl::AsciiStrToLower(field);
      size_t column = 0;
      while (column < kColumns && kColumnNames[column] != name) ++column;
      if (column == kColumns) {
        return LineError(1, "header", absl::StrCat("unknown column ", name.size() > 40 ? "(too long)" : name));
      }
      if (seen[column]) return LineError(1, "header", absl::StrCat("column ", name, " appears twice"));
      seen[column] = true;
      columns_.push_back(static_cast<Column>(column));
    }
    for (size_t column = 0; column < kColumns; ++column) {
      if (!seen[column]) return LineError(1, "header", absl::StrCat("missing column ", kColumnNames[column]));
    }
    return absl::OkStatus();
  }

  std::vector<Column> columns_;  // the file's columns in its order
  std::vector<TariffAct> acts_;
  std::map<std::string, int64_t> lines_;  // code -> its line
};

}  // namespace

bool IsCareCategory(absl::string_view category) {
  if (category.empty() || category.size() > 32) return false;
  for (char c : category) {
    if (!(c >= 'A' && c <= 'Z') && c != '_') return false;
  }
  return true;
}

absl::StatusOr<std::vector<TariffAct>> ParseTariffCsv(absl::string_view csv) {
  TariffReader reader;
  liaison::CsvStream* stream_ptr = nullptr;
  liaison::CsvStream stream([&](std::vector<std::string>& fields) { return reader.Record(*stream_ptr, fields); });
  stream_ptr = &stream;
  absl::Status status = stream.Feed(csv);
  if (status.ok()) status = stream.Finish();
  if (!status.ok()) {
    if (absl::StartsWith(status.message(), "csv: ")) {
      return absl::InvalidArgumentError(absl::StrCat("line ", stream.records() + 1, ": ", status.message()));
    }
    return status;
  }
  return std::move(reader).Acts(stream.records());
}

}  // namespace himaya::claims_file
