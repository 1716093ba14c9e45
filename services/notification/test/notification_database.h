// The fixture of notification's database tests: a fresh database of the current backend with
// the event tables' and notification's migrations applied.
#pragma once

#include <string>
#include <vector>

#include "events/outbox.h"
#include "gtest/gtest.h"
#include "notification/src/audience_store.h"
#include "notification/src/message_store.h"
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
  // The person as registration's events made them known to notification (amo-tns), on `at`.
  void InAudience(const std::string& number, const std::string& language, absl::Time at) {
    ASSERT_TRUE(
        db_->Write([&](storage::Transaction& tx) {
             return AudienceStore::Add(tx, {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", language, at});
           })
            .ok());
  }
  std::vector<Message> MessagesOf(const std::string& number) {
    return InWrite([&](storage::Transaction& tx) { return MessageStore::ForPerson(tx, number); });
  }
  // The messages due to be sent at `now` (at most 100).
  std::vector<DueMessage> DueAt(absl::Time now) {
    return InWrite([&](storage::Transaction& tx) { return MessageStore::Due(tx, now, 100); });
  }
  std::unique_ptr<storage::Database> db_;
};

}  // namespace himaya::notification
