#include "testing/backends.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace himaya::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

PostgresServer& SharedPostgres() {
  // Destroyed at exit, which stops the server and removes its files.
  static const std::unique_ptr<PostgresServer> server = [] {
    auto started = PostgresServer::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    return std::move(*started);
  }();
  return *server;
}

std::string BackendTest::NewDatabaseUrl(const std::string& name) {
  static std::atomic<int> counter{0};
  std::string unique = absl::StrCat(name, "_", ++counter);
  if (GetParam() == Backend::kSqlite) return absl::StrCat("sqlite:", dir_.path(), "/", unique, ".db");
  auto uri = SharedPostgres().CreateDatabase(unique);
  EXPECT_TRUE(uri.ok()) << uri.status();
  return uri.ok() ? *uri : "";
}

std::unique_ptr<storage::Database> BackendTest::OpenDatabase(const std::string& name) {
  auto db = storage::Open({.url = NewDatabaseUrl(name)});
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

}  // namespace himaya::testing
