// The synthetic claims files are what they claim: every row valid against docs/claims-file.md,
// the manifest agreeing with the file, 1 to 5 items a file (3 on average), each rejection planted
// at its rate (within tolerance) and recognisable as that rejection by the rules' definitions,
// every other item clean, and the same seed writing the same bytes. (That the service decides
// them so is the benchmark's and the end-to-end tests' check, against the real service.)
#include "datagen/claims_generator.h"

#include <fstream>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/registration_number.h"
#include "liaison/csv_stream.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace himaya::datagen {
namespace {

using ::testing::HasSubstr;

constexpr absl::CivilDay kFiled(2026, 11, 20);

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The rows of a CSV (the header first), as fields.
std::vector<std::vector<std::string>> Records(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  liaison::CsvStream csv([&](std::vector<std::string>& fields) {
    records.push_back(fields);
    return absl::OkStatus();
  });
  EXPECT_TRUE(csv.Feed(text).ok());
  EXPECT_TRUE(csv.Finish().ok());
  return records;
}

// `n` insured, covered since 2024, every other one with two dependents (-01 covered, -02 too).
std::vector<CoveredFamily> Families(int n) {
  std::vector<CoveredFamily> families;
  for (int i = 0; i < n; ++i) {
    CoveredFamily f;
    f.insured = {identity::FormatRegistrationNumber(identity::kFirstSequence + i), absl::CivilDay(2024, 1, 1)};
    if (i % 2 == 0) {
      f.dependents.push_back({f.insured.beneficiary_id + "-01", absl::CivilDay(2025, 6, 1)});
      f.dependents.push_back({f.insured.beneficiary_id + "-02", absl::CivilDay(2026, 11, 1)});
    }
    families.push_back(std::move(f));
  }
  return families;
}

ClaimsOptions Options(const std::string& dir, int64_t claims) {
  ClaimsOptions o;
  o.claims = claims;
  o.families = Families(200);
  o.out_dir = dir;
  o.seed = 7;
  o.filed_date = kFiled;
  return o;
}

struct Act {
  int max_quantity = 0;
  int min_days_between = 0;
};

std::map<std::string, Act> SampleActs() {
  std::map<std::string, Act> acts;
  auto records = Records(SampleTariffCsv());
  for (size_t r = 1; r < records.size(); ++r) {
    Act act;
    EXPECT_TRUE(absl::SimpleAtoi(records[r][4], &act.max_quantity));
    EXPECT_TRUE(absl::SimpleAtoi(records[r][5], &act.min_days_between));
    acts[records[r][0]] = act;
  }
  return acts;
}

struct Row {
  std::string claim_id, registration_number, beneficiary_id, act_code, amount;
  absl::CivilDay care, filed;
  int quantity = 0;
};

// Checks a row against the file contract (docs/claims-file.md); the first field at fault, or "".
std::string FieldAtFault(const std::vector<std::string>& f, Row* row) {
  if (f.size() != 9) return "field count";
  row->claim_id = f[0];
  row->registration_number = f[1];
  row->beneficiary_id = f[2];
  row->act_code = f[5];
  row->amount = f[7];
  if (f[0].empty() || f[0].size() > 32 ||
      f[0].find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return "claim_id";
  }
  if (!identity::IsValidRegistrationNumber(f[1])) return "registration_number";
  if (f[2] != f[1] &&
      !(f[2].size() == f[1].size() + 3 && f[2].rfind(f[1] + "-", 0) == 0 && f[2].substr(f[1].size() + 1) != "00" &&
        f[2].find_first_not_of("0123456789", f[1].size() + 1) == std::string::npos)) {
    return "beneficiary_id";
  }
  if (!absl::ParseCivilTime(f[3], &row->care) || absl::FormatCivilTime(row->care) != f[3]) return "care_date";
  if (!absl::ParseCivilTime(f[4], &row->filed) || absl::FormatCivilTime(row->filed) != f[4]) return "filed_date";
  if (row->care > row->filed) return "care_date";
  if (f[5].empty() || f[5].size() > 16 ||
      f[5].find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != std::string::npos) {
    return "act_code";
  }
  if (!absl::SimpleAtoi(f[6], &row->quantity) || row->quantity < 1 || row->quantity > 999 ||
      f[6] != absl::StrCat(row->quantity)) {
    return "quantity";
  }
  const size_t dot = f[7].find('.');
  if (dot == std::string::npos || dot == 0 || f[7].size() - dot != 3 ||
      f[7].find_first_not_of("0123456789.") != std::string::npos || f[7] == "0.00") {
    return "amount_paid";
  }
  if (!f[8].empty()) return "ald_certificate";
  return "";
}

// Classifies each row of a generated file by the rules' definitions (the first that applies, in
// the rules' order), knowing the families and the tariff: the reason it will be rejected for,
// "" when it will be accepted.
std::map<std::string, int64_t> Classify(const std::vector<std::vector<std::string>>& records,
                                        const std::vector<CoveredFamily>& families, int delay) {
  std::map<std::string, absl::CivilDay> covered;
  for (const CoveredFamily& f : families) {
    covered[f.insured.beneficiary_id] = f.insured.covered_from;
    for (const CoveredPerson& d : f.dependents) covered[d.beneficiary_id] = d.covered_from;
  }
  const std::map<std::string, Act> acts = SampleActs();
  std::map<std::string, int64_t> reasons;
  std::vector<Row> file;  // the accepted rows of the current file
  for (size_t r = 1; r < records.size(); ++r) {
    Row row;
    EXPECT_EQ(FieldAtFault(records[r], &row), "") << "row " << r;
    if (!file.empty() && file.front().claim_id != row.claim_id) file.clear();
    std::string reason;
    auto it = covered.find(row.beneficiary_id);
    auto act = acts.find(row.act_code);
    if (it == covered.end() || row.care < it->second) {
      reason = kNotCovered;
    } else if (act == acts.end()) {
      reason = kUnknownAct;
    } else if (row.filed - row.care > delay) {
      reason = kFiledTooLate;
    } else if (std::any_of(file.begin(), file.end(), [&](const Row& e) {
                 return e.beneficiary_id == row.beneficiary_id && e.act_code == row.act_code && e.care == row.care &&
                        e.amount == row.amount;
               })) {
      reason = kDuplicate;
    } else if (row.quantity > act->second.max_quantity) {
      reason = kQuantityOverMaximum;
    } else if (std::any_of(file.begin(), file.end(), [&](const Row& e) {
                 return e.beneficiary_id == row.beneficiary_id && e.act_code == row.act_code &&
                        act->second.min_days_between > 0 && row.care - e.care < act->second.min_days_between &&
                        e.care - row.care < act->second.min_days_between;
               })) {
      reason = kRepeatedTooSoon;
    }
    if (reason.empty()) file.push_back(row);
    ++reasons[reason];
  }
  return reasons;
}

TEST(ClaimsGenerator, EveryRowIsValidAndTheManifestAgrees) {
  testing::TempDir dir;
  ClaimsOptions o = Options(dir.path(), 2000);
  o.rejection_percent = {{kNotCovered, 5}, {kUnknownAct, 5}, {kFiledTooLate, 5}};
  auto file = GenerateClaimsFile(o);
  ASSERT_TRUE(file.ok()) << file.status();
  const std::string text = Slurp(file->csv_path);
  const auto records = Records(text);
  ASSERT_EQ(records[0],
            (std::vector<std::string>{"claim_id", "registration_number", "beneficiary_id", "care_date", "filed_date",
                                      "act_code", "quantity", "amount_paid", "ald_certificate"}));
  EXPECT_EQ(static_cast<int64_t>(records.size()) - 1, file->items);
  nlohmann::json manifest = nlohmann::json::parse(Slurp(file->manifest_path));
  EXPECT_EQ(manifest["sha256"], liaison::Sha256Hex(text));
  EXPECT_EQ(manifest["record_count"].get<int64_t>(), file->items);
  EXPECT_EQ(manifest["batch_id"], "CASHPLUS-7-2000");
  EXPECT_EQ(manifest["liaison_body"], "CASHPLUS");
  // Files of 1 to 5 items, 3 on average; a file's items are one insured's, filed on one day.
  std::map<std::string, std::vector<Row>> claims;
  for (size_t r = 1; r < records.size(); ++r) {
    Row row;
    ASSERT_EQ(FieldAtFault(records[r], &row), "") << "row " << r << ": " << absl::StrJoin(records[r], ",");
    claims[row.claim_id].push_back(row);
  }
  EXPECT_EQ(claims.size(), 2000u);
  for (const auto& [id, items] : claims) {
    EXPECT_GE(items.size(), 1u);
    EXPECT_LE(items.size(), 5u);
    for (const Row& item : items) {
      EXPECT_EQ(item.registration_number, items[0].registration_number) << id;
      EXPECT_EQ(item.filed, kFiled) << id;
    }
  }
  EXPECT_NEAR(static_cast<double>(file->items) / file->claims, 3.0, 0.1);
}

TEST(ClaimsGenerator, EachRejectionIsPlantedAtItsRateAndIsThatRejection) {
  testing::TempDir dir;
  ClaimsOptions o = Options(dir.path(), 6000);
  o.rejection_percent = {{kNotCovered, 4}, {kUnknownAct, 3},          {kFiledTooLate, 2},
                         {kDuplicate, 5},  {kQuantityOverMaximum, 6}, {kRepeatedTooSoon, 4}};
  auto file = GenerateClaimsFile(o);
  ASSERT_TRUE(file.ok()) << file.status();
  const std::map<std::string, int64_t> found = Classify(Records(Slurp(file->csv_path)), o.families, 60);
  for (const auto& [reason, percent] : o.rejection_percent) {
    const double share = 100.0 * file->planted[reason] / file->items;
    EXPECT_NEAR(share, percent, 0.5) << reason;
    EXPECT_EQ(found.count(reason) ? found.at(reason) : 0, file->planted[reason]) << reason;
  }
  EXPECT_EQ(found.at(""), file->clean_items) << "every other item is accepted";
  EXPECT_GT(file->clean_claims, 0);
}

TEST(ClaimsGenerator, NoRejectionAskedMeansEveryItemIsAccepted) {
  testing::TempDir dir;
  ClaimsOptions o = Options(dir.path(), 3000);
  auto file = GenerateClaimsFile(o);
  ASSERT_TRUE(file.ok()) << file.status();
  const std::map<std::string, int64_t> found = Classify(Records(Slurp(file->csv_path)), o.families, 60);
  EXPECT_EQ(found.size(), 1u) << "only accepted items";
  EXPECT_EQ(found.at(""), file->items);
  EXPECT_EQ(file->clean_claims, 3000);
  EXPECT_TRUE(file->planted.empty());
}

TEST(ClaimsGenerator, CareIsWithinEachPersonsCoverage) {
  testing::TempDir dir;
  ClaimsOptions o = Options(dir.path(), 500);
  // Covered from the 15th: care from the 15th to the 20th only; a dependent covered after
  // filing never appears.
  for (CoveredFamily& f : o.families) {
    f.insured.covered_from = absl::CivilDay(2026, 11, 15);
    f.dependents = {{f.insured.beneficiary_id + "-01", absl::CivilDay(2026, 12, 1)}};
  }
  auto file = GenerateClaimsFile(o);
  ASSERT_TRUE(file.ok()) << file.status();
  const auto records = Records(Slurp(file->csv_path));
  for (size_t r = 1; r < records.size(); ++r) {
    Row row;
    ASSERT_EQ(FieldAtFault(records[r], &row), "");
    EXPECT_GE(row.care, absl::CivilDay(2026, 11, 15)) << r;
    EXPECT_EQ(row.beneficiary_id, row.registration_number) << r;
  }
}

TEST(ClaimsGenerator, TheSameSeedWritesTheSameBytes) {
  testing::TempDir a, b, c;
  ClaimsOptions o = Options(a.path(), 800);
  o.rejection_percent = {{kDuplicate, 10}, {kRepeatedTooSoon, 10}, {kFiledTooLate, 10}};
  ASSERT_TRUE(GenerateClaimsFile(o).ok());
  o.out_dir = b.path();
  ASSERT_TRUE(GenerateClaimsFile(o).ok());
  o.out_dir = c.path();
  o.seed = 8;
  o.batch_id = "CASHPLUS-7-800";
  ASSERT_TRUE(GenerateClaimsFile(o).ok());
  const std::string name = "/CASHPLUS-7-800.csv";
  EXPECT_EQ(Slurp(a.path() + name), Slurp(b.path() + name));
  EXPECT_NE(Slurp(a.path() + name), Slurp(c.path() + name)) << "another seed, other files";
}

TEST(ClaimsGenerator, BadOptionsNameWhatIsWrong) {
  testing::TempDir dir;
  auto error = [&](const std::function<void(ClaimsOptions&)>& change) {
    ClaimsOptions o = Options(dir.path(), 10);
    change(o);
    auto file = GenerateClaimsFile(o);
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(file.status().message());
  };
  EXPECT_THAT(error([](ClaimsOptions& o) { o.families.clear(); }), HasSubstr("families: nobody"));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.rejection_percent[kDuplicate] = 120; }),
              HasSubstr("DUPLICATE: a percentage from 0 to 100"));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.rejection_percent[kDuplicate] = -1; }),
              HasSubstr("DUPLICATE: a percentage from 0 to 100"));
  EXPECT_THAT(error([](ClaimsOptions& o) {
                o.rejection_percent = {{kDuplicate, 60}, {kUnknownAct, 50}};
              }),
              HasSubstr("add up to more than 100"));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.rejection_percent["ACT_NOT_IN_TARIFF"] = 1; }),
              HasSubstr("no generator for ACT_NOT_IN_TARIFF"));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.batch_id = "B/1"; }), HasSubstr("batch_id: "));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.batch_id = std::string(25, 'B'); }), HasSubstr("batch_id: "));
  EXPECT_THAT(error([](ClaimsOptions& o) { o.claims = -1; }), HasSubstr("claims: "));
  EXPECT_THAT(error([](ClaimsOptions& o) {
                for (CoveredFamily& f : o.families) f.insured.covered_from = kFiled - 30;
                o.rejection_percent[kFiledTooLate] = 1;
              }),
              HasSubstr("FILED_TOO_LATE: nobody was covered more than 60 days before filed_date 2026-11-20"));
  EXPECT_THAT(error([](ClaimsOptions& o) {
                for (CoveredFamily& f : o.families) f.insured.covered_from = kFiled + 1;
              }),
              HasSubstr("nobody is covered on filed_date"));
  // The TNR is read as the service reads it (claims_file::ParseTariffCsv): the header whole, an
  // amount without a sign nor a third decimal.
  EXPECT_THAT(error([](ClaimsOptions& o) { o.tariff_csv = "act_code,tnr_amount\nC,abc\n"; }),
              HasSubstr("tariff: line 1: header: missing column label"));
  for (const char* amount : {"abc", "+80.00", "80.001"}) {
    EXPECT_THAT(error([&](ClaimsOptions& o) {
                  o.tariff_csv = absl::StrCat("act_code,label,category,tnr_amount,max_quantity,min_days_between\n",
                                              "C,C,C,", amount, ",1,0\n");
                }),
                HasSubstr("tariff: line 2: tnr_amount:"))
        << amount;
  }
  EXPECT_THAT(error([](ClaimsOptions& o) {
                o.tariff_csv = "act_code,label,category,tnr_amount,max_quantity,min_days_between\nC,C,C,80.00,1,0\n";
                o.rejection_percent[kRepeatedTooSoon] = 1;
              }),
              HasSubstr("REPEATED_TOO_SOON: the tariff has no act with a minimum spacing"));
}

}  // namespace
}  // namespace himaya::datagen
