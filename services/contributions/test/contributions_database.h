// The fixture of the contributions service's database tests: a fresh database of the current
// backend with the event tables' and the service's migrations applied, a fake clock, and
// insured recorded straight through the store.
#pragma once

#include "contributions/src/insured_store.h"
#include "contributions_migrations.h"
#include "events/outbox.h"
#include "gtest/gtest.h"
#include "testing/backends.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::contributions {

class ContributionsDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("contributions");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect()),
                                                storage::ContributionsMigrations(db_->dialect())})
                    .ok());
  }
  // Records a registered insured of `program` (amo-tns: category AGRI) from `since`.
  void AddInsured(const std::string& number, absl::CivilDay since, const std::string& program = "amo-tns",
                  const std::string& category = "AGRI", const std::string& region = "Casablanca-Settat") {
    absl::Status s = db_->Write([&](storage::Transaction& tx) {
      return InsuredStore::RecordRegistered(tx, {number, program, category, region, since, "PersonRegistered"})
          .status();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), absl::UTCTimeZone())};
  testing::SeededRandom random_{9};
};

}  // namespace himaya::contributions
