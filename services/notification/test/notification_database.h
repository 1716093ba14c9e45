// The fixture of notification's database tests: a fresh database of the current backend with
// the event tables' and notification's migrations applied.
#pragma once

#include "events/outbox.h"
#include "gtest/gtest.h"
#include "notification_migrations.h"
#include "testing/backends.h"

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
    typename decltype(fn(std::declval<storage::Transaction&>()))::value_type out{};
    EXPECT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     auto result = fn(tx);
                     if (result.ok()) out = *result;
                     return result.status();
                   })
                    .ok());
    return out;
  }
  std::unique_ptr<storage::Database> db_;
};

}  // namespace himaya::notification
