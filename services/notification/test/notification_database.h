// The fixture of notification's database tests: a fresh database of the current backend with
// the event tables' and notification's migrations applied.
#pragma once

#include "events/outbox.h"
#include "gtest/gtest.h"
#include "notification_migrations.h"
#include "testing/backends.h"
#include "testing/queries.h"

namespace himaya::notification {

class NotificationDatabaseTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("notification");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::ApplyMigrations(*db_, {events::EventTablesMigrations(db_->dialect()),
                                                storage::NotificationMigrations(db_->dialect())})
                    .ok());
  }
  // Runs `fn` (a store call returning a StatusOr) in a write transaction, expects it to succeed
  // and returns its value.
  template <typename Fn>
  auto InWrite(Fn fn) {
    return testing::InWrite(*db_, fn);
  }
  std::unique_ptr<storage::Database> db_;
};

}  // namespace himaya::notification
