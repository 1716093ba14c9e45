// The fixture of beneficiary's database tests: a fresh database of the current backend with the
// event tables' and beneficiary's migrations applied, and a fake clock.
#pragma once

#include "beneficiary_migrations.h"
#include "events/outbox.h"
#include "gtest/gtest.h"
#include "testing/backends.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::beneficiary {

class BeneficiaryDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("beneficiary");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect()),
                                                storage::BeneficiaryMigrations(db_->dialect())})
                    .ok());
  }
  // Runs `fn` (a store call returning a StatusOr) in a write transaction, expects it to succeed
  // and returns its value.
  template <typename Fn>
  auto InWrite(Fn fn) {
    return testing::InWrite(*db_, fn);
  }
  // Runs `fn` (a store call returning a Status) in a write transaction and returns its status.
  absl::Status Write(const std::function<absl::Status(storage::Transaction&)>& fn) { return db_->Write(fn); }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 3, 1, 10, 0, 0), absl::UTCTimeZone())};
  testing::SeededRandom random_{9};
};

}  // namespace himaya::beneficiary
