// The storage conformance suite: every behaviour the services rely on, checked identically on
// SQLite and on a real PostgreSQL server.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/bulk.h"
#include "storage/connection.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "testing/backends.h"
#include "testing/queries.h"

namespace himaya::storage {
namespace {

using ::himaya::testing::BackendTest;

MigrationSet Schema() {
  return MigrationSet{"conformance",
                      {{1, "people",
                        "CREATE TABLE people (id INTEGER PRIMARY KEY, cin TEXT NOT NULL UNIQUE,"
                        " name TEXT, score DOUBLE PRECISION, photo BYTEA);"},
                       {2, "counters",
                        "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
                        "INSERT INTO counters VALUES ('n', 0);"}}};
}

class ConformanceTest : public BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase("conformance");
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(ApplyMigrations(*db_, {Schema()}).ok());
  }
  absl::Status Insert(int id, const std::string& cin) {
    return db_->Write([&](Transaction& tx) {
      return tx.Execute("INSERT INTO people (id, cin) VALUES ($1, $2)", {id, cin}).status();
    });
  }
  int64_t Count() { return testing::Count(*db_, "SELECT COUNT(*) FROM people"); }
  std::unique_ptr<Database> db_;
};

TEST_P(ConformanceTest, DialectMatchesBackend) {
  EXPECT_EQ(db_->dialect(), GetParam() == testing::Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres);
}

TEST_P(ConformanceTest, ValuesRoundTripWithTheirTypes) {
  const std::string photo("\x00\x01\xff binary", 10);
  const std::string name = "Fatima Zahra \xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9";  // Arabic
  ASSERT_TRUE(db_->Write([&](Transaction& tx) {
                   return tx
                       .Execute(
                           "INSERT INTO people (id, cin, name, score, photo) "
                           "VALUES ($1, $2, $3, $4, $5)",
                           {7, "BK123456", name, 2.5, Bytes{photo}})
                       .status();
                 })
                  .ok());
  ASSERT_TRUE(Insert(8, "A1").ok());
  ASSERT_TRUE(db_->Read([&](Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, cin, name, score, photo FROM people "
                                                        "ORDER BY id"));
                   EXPECT_EQ(rows.size(), 2u);
                   EXPECT_EQ(rows[0].Int(0), 7);
                   EXPECT_EQ(rows[0].Text(1), "BK123456");
                   EXPECT_EQ(rows[0].Text(2), name);
                   EXPECT_DOUBLE_EQ(rows[0].Real(3), 2.5);
                   EXPECT_EQ(rows[0].Text(4), photo);
                   EXPECT_TRUE(rows[1].IsNull(2));
                   EXPECT_EQ(rows[1].OptionalText(2), std::nullopt);
                   EXPECT_TRUE(rows[1].IsNull(4));
                   return absl::OkStatus();
                 })
                  .ok());
}

TEST_P(ConformanceTest, ParametersMayRepeatAndComeOutOfOrder) {
  ASSERT_TRUE(Insert(1, "A1").ok());
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(int64_t n, tx.Execute("UPDATE people SET name = $2 || $2 "
                                                          "WHERE id = $1",
                                                          {1, "ab"}));
                   EXPECT_EQ(n, 1);
                   return absl::OkStatus();
                 })
                  .ok());
  db_->Read([&](Transaction& tx) -> absl::Status {
       ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT name FROM people WHERE id = $1", {1}));
       EXPECT_EQ(rows.at(0).Text(0), "abab");
       return absl::OkStatus();
     })
      .IgnoreError();
}

TEST_P(ConformanceTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(Insert(1, "A1").ok());
  absl::Status again = Insert(2, "A1");
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  absl::Status same_key = Insert(1, "B2");
  EXPECT_EQ(same_key.code(), absl::StatusCode::kAlreadyExists) << same_key;
  EXPECT_EQ(Count(), 1);
}

// A constraint's error names the constraint, never the values: PostgreSQL's DETAIL line ("Key
// (cin)=(BK123456) already exists", "Failing row contains (...)") would carry personal data into
// logs, dead letters and callers.
TEST_P(ConformanceTest, ConstraintErrorsCarryNoValues) {
  ASSERT_TRUE(Insert(1, "BK123456").ok());
  absl::Status unique = Insert(2, "BK123456");
  EXPECT_EQ(unique.code(), absl::StatusCode::kAlreadyExists) << unique;
  ASSERT_TRUE(db_->Write([](Transaction& tx) {
                   return tx.ExecuteScript(
                       "CREATE TABLE contacts (cin TEXT NOT NULL, phone TEXT, name TEXT, "
                       "age INTEGER CHECK (age >= 0))");
                 })
                  .ok());
  auto insert = [&](const Value& phone, int age) {
    return db_->Write([&](Transaction& tx) {
      return tx
          .Execute("INSERT INTO contacts (cin, phone, name, age) VALUES ($1, $2, $3, $4)",
                   {"BK123456", phone, "Amina Alaoui", age})
          .status();
    });
  };
  absl::Status check = insert("+212612345678", -1);
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition) << check;
  // PostgreSQL quotes a value it cannot read as the column's type in the primary message itself.
  absl::Status bad_data = db_->Write([](Transaction& tx) {
    return tx.Execute("INSERT INTO contacts (cin, age) VALUES ($1, $2)", {"BK123456", "+212612345678"}).status();
  });
  for (const absl::Status& status : {unique, check, bad_data}) {
    for (const char* personal : {"BK123456", "612345678", "Amina", "Alaoui", "DETAIL", "Failing row"}) {
      EXPECT_THAT(std::string(status.message()), ::testing::Not(::testing::HasSubstr(personal))) << status;
    }
  }
  if (GetParam() == testing::Backend::kPostgres) {
    EXPECT_THAT(std::string(unique.message()), ::testing::HasSubstr("23505")) << "the SQLSTATE is kept";
    EXPECT_THAT(std::string(check.message()), ::testing::HasSubstr("23514")) << "the SQLSTATE is kept";
    EXPECT_THAT(std::string(check.message()), ::testing::HasSubstr("violates check constraint"))
        << "the primary message is kept";
    EXPECT_THAT(std::string(bad_data.message()), ::testing::HasSubstr("(SQLSTATE 22"));
  }
}

TEST_P(ConformanceTest, ErrorRollsBackEverythingInTheTransaction) {
  absl::Status status = db_->Write([&](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Execute("INSERT INTO people (id, cin) VALUES (1, 'A1')").status());
    RETURN_IF_ERROR(tx.Execute("INSERT INTO people (id, cin) VALUES (2, 'B2')").status());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(), 0);
  // The connection is usable afterwards.
  EXPECT_TRUE(Insert(3, "C3").ok());
  EXPECT_EQ(Count(), 1);
}

TEST_P(ConformanceTest, OnConflictDoNothingReportsZeroRows) {
  int64_t first = -1, second = -1;
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   const char* sql = "INSERT INTO people (id, cin) VALUES ($1, $2) ON CONFLICT DO NOTHING";
                   ASSIGN_OR_RETURN(first, tx.Execute(sql, {1, "A1"}));
                   ASSIGN_OR_RETURN(second, tx.Execute(sql, {2, "A1"}));
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
}

TEST_P(ConformanceTest, UpdateReturningGivesTheNewValue) {
  int64_t value = 0;
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto rows, tx.Query("UPDATE counters SET value = value + $1 "
                                                        "WHERE name = 'n' RETURNING value",
                                                        {5}));
                   value = rows.at(0).Int(0);
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(value, 5);
}

TEST_P(ConformanceTest, ConcurrentWritersLoseNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status s = db_->Write([&](Transaction& tx) {
          return tx.Execute("UPDATE counters SET value = value + 1 WHERE name = 'n'").status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  db_->Read([&](Transaction& tx) -> absl::Status {
       ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM counters WHERE name = 'n'"));
       EXPECT_EQ(rows.at(0).Int(0), kThreads * kIncrements);
       return absl::OkStatus();
     })
      .IgnoreError();
}

TEST_P(ConformanceTest, MigrationsAreRecordedAndAppliedOnce) {
  EXPECT_EQ(*AppliedVersion(*db_, "conformance"), 2);
  EXPECT_TRUE(ApplyMigrations(*db_, {Schema()}).ok());  // again: nothing to do
  MigrationSet more = Schema();
  more.migrations.push_back({3, "index", "CREATE INDEX people_name ON people (name);"});
  EXPECT_TRUE(ApplyMigrations(*db_, {more}).ok());
  EXPECT_EQ(*AppliedVersion(*db_, "conformance"), 3);
  EXPECT_EQ(*AppliedVersion(*db_, "other"), 0);
}

TEST_P(ConformanceTest, FailedMigrationIsNamedAndLeavesNothingBehind) {
  MigrationSet broken = Schema();
  broken.migrations.push_back({3, "broken", "CREATE TABLE half (x INTEGER); CREATE TABLE oops (;"});
  absl::Status status = ApplyMigrations(*db_, {broken});
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("3_broken"));
  EXPECT_EQ(*AppliedVersion(*db_, "conformance"), 2);
  absl::Status half = db_->Read([&](Transaction& tx) { return tx.Query("SELECT COUNT(*) FROM half").status(); });
  EXPECT_FALSE(half.ok()) << "the half-applied migration's first table must be rolled back";
}

TEST_P(ConformanceTest, DowngradeIsRefused) {
  MigrationSet older{"conformance", {Schema().migrations[0]}};
  absl::Status status = ApplyMigrations(*db_, {older});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(ConformanceTest, MalformedSqlAndWrongParameterCountAreErrors) {
  absl::Status bad = db_->Read([](Transaction& tx) { return tx.Query("SELEKT 1").status(); });
  EXPECT_FALSE(bad.ok());
  absl::Status count = db_->Read([](Transaction& tx) {
    return tx.Query("SELECT cin FROM people WHERE id = $1", {1, 2}).status();
  });
  EXPECT_FALSE(count.ok());
}

TEST_P(ConformanceTest, ReadTransactionSeesOneSnapshot) {
  ASSERT_TRUE(Insert(1, "A1").ok());
  std::atomic<bool> inserted{false};
  ASSERT_TRUE(db_->Read([&](Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(auto before, tx.Query("SELECT COUNT(*) FROM people"));
                   std::thread writer([&] { inserted = Insert(2, "B2").ok(); });
                   writer.join();
                   ASSIGN_OR_RETURN(auto after, tx.Query("SELECT COUNT(*) FROM people"));
                   EXPECT_EQ(before.at(0).Int(0), after.at(0).Int(0));
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_TRUE(inserted);
  EXPECT_EQ(Count(), 2);
}

TEST_P(ConformanceTest, InsertRowsInsertsManyRowsPerStatementAndTheRemainder) {
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 257; ++i) rows.push_back({i, absl::StrCat("C", i), Value()});
  rows.push_back({1000, "C0", "dup"});  // conflicts with row 0
  int64_t inserted = -1;
  ASSERT_TRUE(
      db_->Write([&](Transaction& tx) -> absl::Status {
           ASSIGN_OR_RETURN(inserted, InsertRows(tx, "people", {"id", "cin", "name"}, rows, "ON CONFLICT DO NOTHING"));
           return absl::OkStatus();
         })
          .ok());
  EXPECT_EQ(inserted, 257);
  EXPECT_EQ(Count(), 257);
  absl::Status wrong = db_->Write([&](Transaction& tx) {
    return InsertRows(tx, "people", {"id", "cin"}, {{1}}).status();
  });
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
}

// A bulk of rows (PostgreSQL takes them through COPY, or in statements when they hold bytes):
// every kind of value comes back as it went in, characters COPY's text format reserves among
// them, and a bad row stops them all.
TEST_P(ConformanceTest, InsertRowsTakesABulkOfEveryKindOfValueAllOrNothing) {
  const std::vector<std::string> texts = {"tab\there", "line\nbreak", "back\\slash\\N",
                                          "return\r",  "\\.",         "\xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9"};
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 300; ++i) {
    rows.push_back(
        {i - 150, absl::StrCat("C", i), i % 10 == 0 ? Value() : Value(texts[i % texts.size()]), 1.0 / 3 + i});
  }
  std::vector<std::vector<Value>> photos;
  for (int i = 0; i < 150; ++i) {
    const std::string photo = i % 7 == 0 ? std::string("\x00\\\xff\t\n", 5) : absl::StrCat("p", i);
    photos.push_back({500 + i, absl::StrCat("P", i), i % 11 == 0 ? Value() : Value(Bytes{photo})});
  }
  ASSERT_TRUE(db_->Write([&](Transaction& tx) -> absl::Status {
                   // What InsertRows looks for to take COPY: the connection itself, on PostgreSQL.
                   auto* connection = dynamic_cast<internal::Connection*>(&tx);
                   EXPECT_NE(connection, nullptr) << "a transaction function is handed its connection";
                   EXPECT_EQ(connection != nullptr && connection->CanCopy(), GetParam() == testing::Backend::kPostgres);
                   ASSIGN_OR_RETURN(int64_t n, InsertRows(tx, "people", {"id", "cin", "name", "score"}, rows));
                   EXPECT_EQ(n, 300);
                   ASSIGN_OR_RETURN(n, InsertRows(tx, "people", {"id", "cin", "photo"}, photos));
                   EXPECT_EQ(n, 150);
                   return absl::OkStatus();
                 })
                  .ok());
  std::vector<Row> back = testing::Rows(*db_, "SELECT id, cin, name, score FROM people WHERE id < 500 ORDER BY id");
  ASSERT_EQ(back.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back[i].Int(0), static_cast<int64_t>(i) - 150);
    EXPECT_EQ(back[i].Text(1), absl::StrCat("C", i));
    EXPECT_EQ(back[i].IsNull(2), rows[i][2].is_null());
    if (!rows[i][2].is_null()) {
      EXPECT_EQ(back[i].Text(2), std::get<std::string>(rows[i][2].variant()));
    }
    EXPECT_EQ(back[i].Real(3), 1.0 / 3 + static_cast<double>(i)) << "every digit of a double is kept";
  }
  back = testing::Rows(*db_, "SELECT photo FROM people WHERE id >= 500 ORDER BY id");
  ASSERT_EQ(back.size(), photos.size());
  for (size_t i = 0; i < photos.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back[i].IsNull(0), photos[i][2].is_null());
    if (!photos[i][2].is_null()) {
      EXPECT_EQ(back[i].Text(0), std::get<Bytes>(photos[i][2].variant()).data);
    }
  }

  const std::vector<std::string> columns = {"id", "cin", "name"};
  std::vector<std::vector<Value>> more;
  for (int i = 0; i < 200; ++i) more.push_back({1000 + i, absl::StrCat("D", i), Value()});
  more[150][1] = "C42";  // already there
  absl::Status duplicate =
      db_->Write([&](Transaction& tx) { return InsertRows(tx, "people", columns, more).status(); });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists) << duplicate;
  EXPECT_THAT(std::string(duplicate.message()), ::testing::Not(::testing::HasSubstr("C42"))) << duplicate;
  EXPECT_EQ(Count(), 450) << "none of the bulk is kept";
  more[150][1] = "D150";
  more[20] = {1, "D20"};
  absl::Status narrow = db_->Write([&](Transaction& tx) { return InsertRows(tx, "people", columns, more).status(); });
  EXPECT_EQ(narrow.code(), absl::StatusCode::kInvalidArgument) << narrow;
  EXPECT_EQ(Count(), 450);
}

// A NUL character in text: a bulk stores what the same row in a statement stores (PostgreSQL's
// text cannot hold one, and libpq ends a text parameter there).
TEST_P(ConformanceTest, ABulkStoresATextWithANulAsAStatementDoes) {
  const std::string name("Amina\0Alaoui", 12);
  ASSERT_TRUE(
      db_->Write([&](Transaction& tx) {
           return tx.Execute("INSERT INTO people (id, cin, name) VALUES ($1, $2, $3)", {1000, "S", name}).status();
         })
          .ok());
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 200; ++i) rows.push_back({i, absl::StrCat("C", i), i == 120 ? name : "x"});
  ASSERT_TRUE(db_->Write([&](Transaction& tx) {
                   return InsertRows(tx, "people", {"id", "cin", "name"}, rows).status();
                 })
                  .ok());
  std::vector<Row> stored = testing::Rows(*db_, "SELECT name FROM people WHERE id IN (120, 1000) ORDER BY id");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].Text(0), stored[1].Text(0));
  EXPECT_EQ(stored[0].Text(0), GetParam() == testing::Backend::kPostgres ? "Amina" : name);
  EXPECT_EQ(Count(), 201);
}

INSTANTIATE_BACKENDS(ConformanceTest);

TEST(Open, RejectsUrlOfUnknownBackend) {
  auto db = Open({.url = "mysql://somewhere/db"});
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Open, UnreachablePostgresIsUnavailable) {
  auto db = Open(
      {.url = absl::StrCat("postgresql://himaya@127.0.0.1:", himaya::testing::FreePort(), "/x?connect_timeout=2")});
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace himaya::storage
