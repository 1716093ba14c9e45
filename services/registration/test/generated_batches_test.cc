// The synthetic batches of tools/datagen hold what they claim by registration's own rules: the
// planted rates of duplicates and look-alikes are the rates registration finds (not inflated by
// people who happen to share a birth date and a name).
#include <fstream>
#include <set>
#include <string>

#include "datagen/liaison_generator.h"
#include "gtest/gtest.h"
#include "liaison/manifest.h"
#include "liaison/manifested_csv.h"
#include "registration/src/name_key.h"
#include "registration/src/person_rules.h"
#include "testing/temp_dir.h"

namespace himaya::registration {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(GeneratedBatches, PlantedRatesAreTheRatesRegistrationFinds) {
  testing::TempDir dir;
  datagen::LiaisonOptions o;
  o.records = 200000;
  o.invalid_rate = 0;
  o.covered_rate = 0;
  o.out_dir = dir.path();
  auto batch = datagen::GenerateLiaisonBatch(o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  absl::StatusOr<liaison::Manifest> manifest = liaison::ParseManifestJson(Slurp(batch->manifest_path));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  // As registration decides: a row repeating a CIN is a duplicate; a row with another CIN and
  // the birth date, sex and name key of an earlier one is a look-alike.
  std::set<std::string> cins;
  std::set<std::string> people;
  int duplicates = 0, lookalikes = 0;
  liaison::ManifestedCsv* file = nullptr;
  liaison::ManifestedCsv reader(
      manifest->record_count, manifest->sha256, {"cin", "birth_date", "sex", "last_name", "first_name"},
      [&](int64_t, const std::vector<std::string>& fields) -> absl::Status {
        absl::StatusOr<std::string> cin = NormalizeCin(file->Get(fields, "cin"));
        if (!cin.ok()) return cin.status();
        if (!cins.insert(*cin).second) {
          ++duplicates;
          return absl::OkStatus();
        }
        const std::string key = file->Get(fields, "birth_date") + "|" + file->Get(fields, "sex") + "|" +
                                PersonNameKey(file->Get(fields, "last_name"), file->Get(fields, "first_name"));
        if (!people.insert(key).second) ++lookalikes;
        return absl::OkStatus();
      });
  file = &reader;
  ASSERT_TRUE(reader.Feed(Slurp(batch->csv_path)).ok());
  ASSERT_TRUE(reader.Finish().ok());
  const double n = static_cast<double>(o.records);
  EXPECT_EQ(reader.rows(), o.records);
  EXPECT_NEAR(duplicates / n, o.duplicate_rate, 0.002);
  EXPECT_NEAR(lookalikes / n, o.lookalike_rate, 0.001) << lookalikes << " look-alikes in " << o.records << " rows";
}

}  // namespace
}  // namespace himaya::registration
