#include "testing/queries.h"

#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "testing/backends.h"

namespace himaya::testing {
namespace {

class QueriesTest : public BackendTest {
 protected:
  void SetUp() override {
    db_ = OpenDatabase();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                     return tx.ExecuteScript(
                         "CREATE TABLE people (id BIGINT PRIMARY KEY, city TEXT);"
                         "INSERT INTO people VALUES (1, 'Settat'), (2, 'Fes'), (3, 'Settat');");
                   })
                    .ok());
  }
  std::unique_ptr<storage::Database> db_;
};

TEST_P(QueriesTest, CountIsTheFirstColumnOfTheFirstRow) {
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM people"), 3);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM people WHERE city = $1", {"Settat"}), 2);
  EXPECT_EQ(Count(*db_, "SELECT SUM(id) FROM people"), 6);
}

TEST_P(QueriesTest, RowsAreEveryRow) {
  std::vector<storage::Row> rows = Rows(*db_, "SELECT id, city FROM people WHERE id > $1 ORDER BY id", {int64_t{1}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Int(0), 2);
  EXPECT_EQ(rows[0].Text(1), "Fes");
  EXPECT_EQ(rows[1].Text(1), "Settat");
}

TEST_P(QueriesTest, AFailedQueryIsATestFailure) {
  storage::Database& db = *db_;
  int64_t n = 0;
  EXPECT_NONFATAL_FAILURE(n = Count(db, "SELECT COUNT(*) FROM nobody"), "nobody");
  EXPECT_EQ(n, -1);
  EXPECT_NONFATAL_FAILURE(Count(db, "SELECT id FROM people WHERE id > 99"), "no row");
  EXPECT_NONFATAL_FAILURE(Rows(db, "SELECT * FROM nobody"), "nobody");
}

INSTANTIATE_BACKENDS(QueriesTest);

}  // namespace
}  // namespace himaya::testing
