// himaya figures: the press conference's table (DOMAIN.md: persons registered, portal accounts,
// spouses, children, beneficiaries, claim files received and decided, processing time, files past
// due, SMS sent and delivered), read live from Prometheus's recording rules (deploy/prometheus),
// by program, category or region, with the total.
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "commands.h"
#include "failure.h"
#include "figures.h"
#include "output.h"
#include "stack/local_prometheus.h"
#include "stack/local_stack.h"

ABSL_FLAG(std::string, prometheus_address, "",
          "figures: the Prometheus server read (HOST:PORT; default: the local stack's, himaya up --prometheus)");
ABSL_FLAG(std::string, by, "program", "figures: the columns, by program, category or region");
ABSL_DECLARE_FLAG(std::string, data_dir);

namespace himaya::cli {
namespace {

// One row of the table: a sum of a recording rule, or a ratio of two (the average processing time).
struct Figure {
  const char* key;
  const char* name;
  // Recorded by program, category and region; or by program alone (empty when by program,
  // category and region).
  const char* by_group;
  const char* by_program;
  // For a ratio: the denominator's rules, as above.
  const char* per_group = nullptr;
  const char* per_program = nullptr;
};

const std::vector<Figure>& Figures() {
  static const auto* const figures = new std::vector<Figure>{
      {"persons_registered", "persons registered", "program_category_region:himaya_registration_persons:max", ""},
      {"portal_accounts", "portal accounts activated",
       "program_category_region:himaya_registration_accounts_activated:max", ""},
      {"spouses", "spouses covered", "program_category_region:himaya_beneficiary_spouses:max", ""},
      {"children", "children covered", "program_category_region:himaya_beneficiary_children:max", ""},
      {"beneficiaries", "beneficiaries (insured and family)",
       "program_category_region:himaya_beneficiary_beneficiaries:max", ""},
      {"claim_files_received", "claim files received", "program_category_region:himaya_claims_files_received:max", ""},
      {"claim_files_decided", "claim files decided", "program_category_region:himaya_claims_files_decided:max", ""},
      {"processing_days", "processing time (days, average)",
       "program_category_region:himaya_claims_settled_file_days:max", "",
       "program_category_region:himaya_claims_settled_files:max", ""},
      {"claim_files_past_due", "claim files past due", "", "program:himaya_claims_past_due:max"},
      {"sms_sent", "SMS sent", "", "program_channel:himaya_notification_messages_sent:max"},
      {"sms_delivered", "SMS delivered", "", "program_channel:himaya_notification_messages_delivered:max"},
  };
  return *figures;
}

// The rule read for columns by `by` ("" when the figure is not recorded by it).
std::string RuleFor(const char* by_group, const char* by_program, const std::string& by) {
  if (by_group != nullptr && *by_group != '\0') return by_group;
  return by == "program" && by_program != nullptr ? by_program : "";
}

std::string Format(double value, bool ratio) {
  return ratio ? absl::StrFormat("%.1f", value) : absl::StrFormat("%.0f", value);
}

}  // namespace

int FiguresTable(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (!args.empty())
    return Fail("usage: himaya figures [--by=program|category|region] [--prometheus_address=HOST:PORT]");
  const std::string by = absl::GetFlag(FLAGS_by);
  if (by != "program" && by != "category" && by != "region")
    return Fail("figures: --by is program, category or region");
  std::string address = absl::GetFlag(FLAGS_prometheus_address);
  if (address.empty()) {
    absl::StatusOr<std::string> local = stack::ReadPrometheusAddress(absl::GetFlag(FLAGS_data_dir));
    if (!local.ok()) {
      return Fail("figures: no --prometheus_address, and no local stack with Prometheus (himaya up --prometheus)");
    }
    address = *local;
  }
  absl::Status printed = PrintFigures(address, by, *format);
  return printed.ok() ? 0 : Fail(printed);
}

absl::Status PrintFigures(const std::string& address, const std::string& by, OutputFormat format) {
  // Each figure by column, and its total.
  std::map<std::string, std::map<std::string, double>> by_column;
  std::map<std::string, double> totals;
  std::set<std::string> columns;
  for (const Figure& f : Figures()) {
    const std::string rule = RuleFor(f.by_group, f.by_program, by);
    if (rule.empty()) continue;
    const bool ratio = f.per_group != nullptr;
    const std::string per = ratio ? RuleFor(f.per_group, f.per_program, by) : "";
    const std::string grouped = absl::StrCat("sum by (", by, ") (", rule, ")");
    const std::string query = ratio ? absl::StrCat(grouped, " / (sum by (", by, ") (", per, ") > 0)") : grouped;
    const std::string total =
        ratio ? absl::StrCat("sum(", rule, ") / (sum(", per, ") > 0)") : absl::StrCat("sum(", rule, ")");
    absl::StatusOr<std::vector<stack::PrometheusSample>> rows = stack::QueryPrometheus(address, query);
    if (!rows.ok()) return rows.status();
    for (const stack::PrometheusSample& s : *rows) {
      auto label = s.labels.find(by);
      const std::string column = label != s.labels.end() && !label->second.empty() ? label->second : "(none)";
      by_column[f.key][column] = s.value;
      columns.insert(column);
    }
    absl::StatusOr<std::vector<stack::PrometheusSample>> sum = stack::QueryPrometheus(address, total);
    if (!sum.ok()) return sum.status();
    if (!sum->empty()) totals[f.key] = sum->front().value;
  }
  std::vector<std::string> header = {"FIGURE"};
  for (const std::string& c : columns) header.push_back(c);
  header.push_back("TOTAL");
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json = nlohmann::json::array();
  for (const Figure& f : Figures()) {
    const bool ratio = f.per_group != nullptr;
    const bool recorded = !RuleFor(f.by_group, f.by_program, by).empty();
    std::vector<std::string> row = {f.name};
    nlohmann::json values = nlohmann::json::object();
    for (const std::string& c : columns) {
      auto figure = by_column.find(f.key);
      const bool known = figure != by_column.end() && figure->second.count(c) > 0;
      row.push_back(!recorded ? "n/a" : known ? Format(figure->second.at(c), ratio) : "-");
      if (known) values[c] = figure->second.at(c);
    }
    auto total = totals.find(f.key);
    row.push_back(!recorded ? "n/a" : total != totals.end() ? Format(total->second, ratio) : "-");
    rows.push_back(std::move(row));
    nlohmann::json entry = {{"figure", f.key}, {"name", f.name}, {"by", by}};
    if (recorded) entry["values"] = values;
    if (total != totals.end()) entry["total"] = total->second;
    json.push_back(std::move(entry));
  }
  PrintRows(format, header, rows, json);
  return absl::OkStatus();
}

}  // namespace himaya::cli
