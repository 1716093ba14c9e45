#include "testing/backends.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace himaya::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

stack::LocalPostgres& SharedPostgres() {
  // Destroyed at exit: members go in reverse order, so the server stops before its directory
  // is removed.
  struct Shared {
    TempDir dir;
    std::unique_ptr<stack::LocalPostgres> server;
  };
  static Shared shared = [] {
    Shared s;
    auto started = stack::LocalPostgres::Start(s.dir.path());
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    s.server = std::move(*started);
    return s;
  }();
  return *shared.server;
}

std::string BackendTest::NewDatabaseUrl(const std::string& name) {
  static std::atomic<int> counter{0};
  std::string unique = absl::StrCat(name, "_", ++counter);
  if (GetParam() == Backend::kSqlite) return absl::StrCat("sqlite:", dir_.path(), "/", unique, ".db");
  auto uri = SharedPostgres().CreateDatabase(unique);
  EXPECT_TRUE(uri.ok()) << uri.status();
  return uri.ok() ? *uri : "";
}

std::string BackendTest::ServiceDatabase(stack::StackOptions& options, const std::string& service) {
  if (GetParam() == Backend::kSqlite) return absl::StrCat("sqlite:", options.data_dir, "/", service, ".db");
  return options.databases[service] = NewDatabaseUrl(service);
}

std::unique_ptr<storage::Database> BackendTest::OpenDatabase(const std::string& name) {
  auto db = storage::Open({.url = NewDatabaseUrl(name)});
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

}  // namespace himaya::testing
