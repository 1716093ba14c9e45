// The fixture of claims' database tests: a fresh database of the current backend with the event
// tables' and claims' migrations applied, and a fake clock.
#pragma once

#include "claims_migrations.h"
#include "events/outbox.h"
#include "gtest/gtest.h"
#include "testing/backends.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::claims {

class ClaimsDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("claims");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(
                    *db_, {events::EventTablesMigrations(db_->dialect()), storage::ClaimsMigrations(db_->dialect())})
                    .ok());
  }
  // Runs `fn` (a store call returning a StatusOr) in a write transaction, expects it to succeed
  // and returns its value.
  template <typename Fn>
  auto InWrite(Fn fn) {
    return testing::InWrite(*db_, fn);
  }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0), absl::UTCTimeZone())};
  testing::SeededRandom random_{9};
};

}  // namespace himaya::claims
