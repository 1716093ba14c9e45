// The fixture of registration's database tests: a fresh database of the current backend with
// the event tables' and registration's migrations applied.
#pragma once

#include "events/outbox.h"
#include "gtest/gtest.h"
#include "registration_migrations.h"
#include "testing/backends.h"

namespace himaya::registration {

class RegistrationDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("registration");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect()),
                                                storage::RegistrationMigrations(db_->dialect())})
                    .ok());
  }
  std::unique_ptr<storage::Database> db_;
};

}  // namespace himaya::registration
