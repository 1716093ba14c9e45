// The fixture of the gateway's database tests: a fresh database of the current backend with the
// gateway's migrations applied, a fake clock and a seeded random source.
#pragma once

#include <memory>

#include "gateway_migrations.h"
#include "gtest/gtest.h"
#include "testing/backends.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::gateway {

class GatewayDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("gateway");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {storage::GatewayMigrations(db_->dialect())}).ok());
  }
  // Runs `fn` (a store call returning a StatusOr) in a write transaction, expects it to succeed
  // and returns its value.
  template <typename Fn>
  auto InWrite(Fn fn) {
    return testing::InWrite(*db_, fn);
  }
  // Runs `fn` (a store call returning a Status) in a write transaction.
  template <typename Fn>
  absl::Status Write(Fn fn) {
    return db_->Write([&](storage::Transaction& tx) { return fn(tx); });
  }
  std::unique_ptr<storage::Database> db_;
  testing::FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 2, 9, 0, 0), absl::UTCTimeZone())};
  testing::SeededRandom random_{11};
};

}  // namespace himaya::gateway
