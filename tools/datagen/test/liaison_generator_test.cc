// The synthetic batches are what they claim: files and manifests agree, households are whole.
// (That the planted rates of duplicates and look-alikes are the rates registration finds is
// registration's test: services/registration/test/generated_batches_test.cc.)
#include "datagen/liaison_generator.h"

#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "liaison/csv_stream.h"
#include "liaison/manifested_csv.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace himaya::datagen {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The data rows of a generated CSV, as maps from column to value.
std::vector<std::map<std::string, std::string>> Rows(const std::string& path) {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  liaison::CsvStream csv([&](std::vector<std::string>& fields) {
    if (header.empty()) {
      header = fields;
      return absl::OkStatus();
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
    return absl::OkStatus();
  });
  EXPECT_TRUE(csv.Feed(Slurp(path)).ok());
  EXPECT_TRUE(csv.Finish().ok());
  return rows;
}

TEST(LiaisonGenerator, FilesAndManifestsAgree) {
  testing::TempDir dir;
  LiaisonOptions o;
  o.records = 5000;
  o.out_dir = dir.path();
  auto batch = GenerateLiaisonBatch(o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->rows, 5000);
  for (const auto& [csv, manifest] : {std::pair(batch->csv_path, batch->manifest_path),
                                      std::pair(batch->coverage_csv_path, batch->coverage_manifest_path)}) {
    nlohmann::json m = nlohmann::json::parse(Slurp(manifest));
    const std::string text = Slurp(csv);
    EXPECT_EQ(m["sha256"], liaison::Sha256Hex(text)) << manifest;
    EXPECT_EQ(m["record_count"].get<int64_t>(), static_cast<int64_t>(Rows(csv).size())) << manifest;
  }
  EXPECT_EQ(Rows(batch->csv_path).size(), 5000u);
  EXPECT_GT(batch->coverage_rows, 0);
}

TEST(LiaisonGenerator, HouseholdsHaveOneHeadAndShareTheirFamilyName) {
  testing::TempDir dir;
  LiaisonOptions o;
  o.records = 3000;
  o.program = "amo-tadamon";
  o.invalid_rate = 0;
  o.out_dir = dir.path();
  auto batch = GenerateLiaisonBatch(o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::map<std::string, std::vector<std::map<std::string, std::string>>> households;
  for (auto& row : Rows(batch->csv_path)) households[row["household_id"]].push_back(row);
  int with_members = 0;
  for (const auto& [id, members] : households) {
    int heads = 0;
    for (const auto& m : members) heads += m.at("relationship") == "HEAD";
    EXPECT_EQ(heads, 1) << id;
    with_members += members.size() > 1;
    for (const auto& m : members) {
      EXPECT_EQ(m.at("last_name"), members[0].at("last_name")) << id;
      EXPECT_EQ(m.at("last_name_ar"), members[0].at("last_name_ar")) << id << ": the Arabic name is the same family's";
    }
  }
  EXPECT_GT(with_members, static_cast<int>(households.size()) / 2);
}

TEST(LiaisonGenerator, EveryoneRegisteredIsEveryRowANewPersonWithAPhone) {
  testing::TempDir dir;
  auto batch = GenerateLiaisonBatch(EveryoneRegisteredOptions(3000, dir.path(), 29));
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::set<std::string> cins, people;
  const std::vector<std::map<std::string, std::string>> rows = Rows(batch->csv_path);
  ASSERT_EQ(rows.size(), 3000u);
  for (const auto& row : rows) {
    EXPECT_TRUE(cins.insert(row.at("cin")).second) << "a duplicate: " << row.at("cin");
    EXPECT_TRUE(people.insert(row.at("birth_date") + "|" + row.at("last_name") + "|" + row.at("first_name")).second)
        << "a look-alike of an earlier row: " << row.at("cin");
    EXPECT_THAT(row.at("phone"), ::testing::MatchesRegex("06[0-9]{8}"));
  }
  EXPECT_EQ(batch->coverage_rows, 0) << "nobody is covered elsewhere";
}

}  // namespace
}  // namespace himaya::datagen
