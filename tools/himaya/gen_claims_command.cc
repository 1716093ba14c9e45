// himaya gen claims: a bulk claims file and its manifest (docs/claims-file.md) for the people a
// running stack registered (--from_batch) or a file lists (--insured), with chosen percentages of
// items planted for each rejection (tools/datagen/claims_generator.h).
#include <cstdio>
#include <fstream>
#include <tuple>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "claims_people.h"
#include "commands.h"
#include "connection.h"
#include "datagen/claims_generator.h"
#include "day_flag.h"
#include "failure.h"
#include "output.h"

ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(std::string, sender);
ABSL_DECLARE_FLAG(std::string, registration_address);
ABSL_DECLARE_FLAG(std::string, beneficiary_address);
ABSL_FLAG(int64_t, claims, 1000, "gen claims, bench claims: reimbursement files (1 to 5 items each, 3 on average)");
ABSL_FLAG(std::string, insured, "",
          "gen claims: a file of the beneficiary ids to file for (NUMBER, then NUMBER-NN of their dependents, each "
          "optionally followed by ,YYYY-MM-DD, the first covered day)");
ABSL_FLAG(std::string, from_batch, "",
          "gen claims: file for the insured this liaison batch registered ([BODY/]BATCH_ID) and their families, as "
          "the running stack knows them");
ABSL_FLAG(std::string, filed_date, "", "gen claims: the day the files are filed (default: today in Africa/Casablanca)");
ABSL_FLAG(std::string, covered_from, "",
          "gen claims --insured: the first covered day of whom the file gives none (default: a year before "
          "--filed_date)");
ABSL_FLAG(std::string, tariff, "", "gen claims: the TNR version (CSV) the acts come from (default: the sample TNR)");
ABSL_FLAG(int, filing_delay_days, 60, "gen claims: the filing delay of the service's rules (FILED_TOO_LATE after it)");
ABSL_FLAG(double, not_covered, 0, "gen claims: percent of items for someone not covered (NOT_COVERED)");
ABSL_FLAG(double, unknown_act, 0, "gen claims: percent of items with an act outside the tariff (UNKNOWN_ACT)");
ABSL_FLAG(double, late, 0, "gen claims: percent of items filed past the filing delay (FILED_TOO_LATE)");
ABSL_FLAG(double, duplicate, 0, "gen claims: percent of items repeating an earlier one (DUPLICATE)");
ABSL_FLAG(double, over_quantity, 0,
          "gen claims: percent of items over the act's maximum quantity (QUANTITY_OVER_MAXIMUM)");
ABSL_FLAG(double, too_soon, 0,
          "gen claims: percent of items repeating an act before its minimum spacing (REPEATED_TOO_SOON)");

namespace himaya::cli {
namespace {

absl::StatusOr<std::vector<datagen::CoveredFamily>> FamiliesFromStack(const std::string& batch) {
  if (absl::Status credentials = UseCliCredentials(); !credentials.ok()) return credentials;
  absl::StatusOr<std::string> registration = ServiceAddress("registration", absl::GetFlag(FLAGS_registration_address));
  if (!registration.ok()) return registration.status();
  absl::StatusOr<std::string> beneficiary = ServiceAddress("beneficiary", absl::GetFlag(FLAGS_beneficiary_address));
  if (!beneficiary.ok()) return beneficiary.status();
  const size_t slash = batch.find('/');
  const std::string body = slash == std::string::npos ? "" : batch.substr(0, slash);
  const std::string id = slash == std::string::npos ? batch : batch.substr(slash + 1);
  absl::StatusOr<std::vector<std::string>> insured = RegisteredByBatch(*registration, body, id);
  if (!insured.ok()) return insured.status();
  int64_t left_out = 0;
  absl::StatusOr<std::vector<datagen::CoveredFamily>> families = CoveredFamilies(*beneficiary, *insured, &left_out);
  if (families.ok() && left_out > 0) {
    std::fprintf(stderr, "%lld of the %zu insured registered are not covered today (or not known to beneficiary yet)\n",
                 static_cast<long long>(left_out), insured->size());
  }
  return families;
}

}  // namespace

int GenClaims(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  const std::string insured_file = absl::GetFlag(FLAGS_insured), batch = absl::GetFlag(FLAGS_from_batch);
  if (args.size() != 1 || insured_file.empty() == batch.empty()) {
    return Fail(
        "usage: himaya gen claims --from_batch=[BODY/]BATCH_ID | --insured=FILE [--claims=N] [--filed_date=D] "
        "[--not_covered=%] [--unknown_act=%] [--late=%] [--duplicate=%] [--over_quantity=%] [--too_soon=%] "
        "[--sender=S] [--out=DIR] [--seed=S] [--tariff=FILE]");
  }
  datagen::ClaimsOptions o;
  o.claims = absl::GetFlag(FLAGS_claims);
  if (o.claims < 1) return Fail("--claims: at least 1");
  std::string filed = absl::GetFlag(FLAGS_filed_date);
  if (filed.empty()) filed = absl::FormatCivilTime(ServiceToday());
  if (absl::Status s = CheckDay("filed_date", filed, true); !s.ok()) return Fail(std::string(s.message()));
  absl::ParseCivilTime(filed, &o.filed_date);
  if (absl::Status s = CheckDay("covered_from", absl::GetFlag(FLAGS_covered_from), false); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  o.filing_delay_days = absl::GetFlag(FLAGS_filing_delay_days);
  if (o.filing_delay_days < 0) return Fail("--filing_delay_days: not negative");
  for (const auto& [flag, reason, value] : std::vector<std::tuple<std::string, std::string, double>>{
           {"not_covered", datagen::kNotCovered, absl::GetFlag(FLAGS_not_covered)},
           {"unknown_act", datagen::kUnknownAct, absl::GetFlag(FLAGS_unknown_act)},
           {"late", datagen::kFiledTooLate, absl::GetFlag(FLAGS_late)},
           {"duplicate", datagen::kDuplicate, absl::GetFlag(FLAGS_duplicate)},
           {"over_quantity", datagen::kQuantityOverMaximum, absl::GetFlag(FLAGS_over_quantity)},
           {"too_soon", datagen::kRepeatedTooSoon, absl::GetFlag(FLAGS_too_soon)}}) {
    if (!(value >= 0 && value <= 100)) return Fail(absl::StrCat("--", flag, ": a percentage from 0 to 100"));
    if (value > 0) o.rejection_percent[reason] = value;
  }
  if (!absl::GetFlag(FLAGS_tariff).empty()) {
    std::ifstream in(absl::GetFlag(FLAGS_tariff), std::ios::binary);
    if (!in) return Fail(absl::StrCat("--tariff: cannot read ", absl::GetFlag(FLAGS_tariff)));
    o.tariff_csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!absl::GetFlag(FLAGS_sender).empty()) o.sender = absl::GetFlag(FLAGS_sender);
  o.out_dir = absl::GetFlag(FLAGS_out);
  o.seed = absl::GetFlag(FLAGS_seed);

  absl::CivilDay covered_from = o.filed_date - 365;
  if (!absl::GetFlag(FLAGS_covered_from).empty())
    absl::ParseCivilTime(absl::GetFlag(FLAGS_covered_from), &covered_from);
  absl::StatusOr<std::vector<datagen::CoveredFamily>> families =
      insured_file.empty() ? FamiliesFromStack(batch) : ReadFamiliesFile(insured_file, covered_from);
  if (!families.ok()) return Fail(families.status());
  o.families = *std::move(families);
  absl::StatusOr<datagen::GeneratedClaims> file = datagen::GenerateClaimsFile(o);
  if (!file.ok()) return Fail(file.status());

  std::vector<std::string> planted;
  nlohmann::json planted_json = nlohmann::json::object();
  for (const auto& [reason, n] : file->planted) {
    planted.push_back(absl::StrCat(reason, " ", n));
    planted_json[reason] = n;
  }
  PrintRows(*format, {"BATCH_ID", "SENDER", "CLAIMS", "ITEMS", "ACCEPTABLE_ITEMS", "PLANTED", "FILE"},
            {{file->batch_id, file->sender, absl::StrCat(file->claims), absl::StrCat(file->items),
              absl::StrCat(file->clean_items), planted.empty() ? "-" : absl::StrJoin(planted, ", "), file->csv_path}},
            {{"batch_id", file->batch_id},
             {"sender", file->sender},
             {"claims", file->claims},
             {"items", file->items},
             {"acceptable_items", file->clean_items},
             {"planted", planted_json},
             {"csv", file->csv_path},
             {"manifest", file->manifest_path}});
  return 0;
}

}  // namespace himaya::cli
