// Runs a test suite against both storage backends. A suite parameterised on Backend gets a
// fresh database per test: an SQLite file in a temporary directory, or a new database in one
// real PostgreSQL server started once for the whole test binary.
//
//   class MyTest : public himaya::testing::BackendTest {};
//   TEST_P(MyTest, Works) { auto db = OpenDatabase(); ... }
//   INSTANTIATE_BACKENDS(MyTest);
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "stack/local_postgres.h"
#include "stack/local_stack.h"
#include "storage/database.h"
#include "testing/temp_dir.h"

namespace himaya::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// The PostgreSQL server shared by the tests of this binary, started on first use.
stack::LocalPostgres& SharedPostgres();

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  // A URL for a new, empty database of the current backend, named after `name`.
  std::string NewDatabaseUrl(const std::string& name = "db");
  // Puts `service`'s database on the current backend in a stack's `options` (data_dir set): a
  // new PostgreSQL database, or the stack's own SQLite file in its data directory. Its URL.
  std::string ServiceDatabase(stack::StackOptions& options, const std::string& service);
  // Opens a new empty database of the current backend.
  std::unique_ptr<storage::Database> OpenDatabase(const std::string& name = "db");
  TempDir dir_;
};

}  // namespace himaya::testing

#define INSTANTIATE_BACKENDS(suite)                                                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                                                           \
      Backends, suite, ::testing::Values(::himaya::testing::Backend::kSqlite, ::himaya::testing::Backend::kPostgres), \
      ::himaya::testing::BackendName)
