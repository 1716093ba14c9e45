// himaya bench intake: liaison batch intake end to end, beside this machine's raw insert speed.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "registration/src/csv_stream.h"
#include "rpc/client.h"
#include "stack/local_postgres.h"
#include "stack/local_stack.h"
#include "storage/bulk.h"
#include "storage/database.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(int64_t, records);
ABSL_DECLARE_FLAG(std::string, program);
ABSL_FLAG(std::string, backend, "sqlite", "bench: sqlite or postgres");
ABSL_FLAG(bool, keep, false, "bench: keep the benchmark's directory");

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "himaya bench: %s\n", status.ToString().c_str());
  return 1;
}

// Peak resident memory of a process, in MB (VmHWM).
double PeakRssMb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
      double kb = 0;
      if (parts.size() >= 2 && absl::SimpleAtod(parts[1], &kb)) return kb / 1024;
    }
  }
  return 0;
}

// The baseline: the same rows, parsed the same way, inserted as they are into one table of the
// same backend in one transaction.
absl::StatusOr<absl::Duration> RawInsert(const std::string& csv_path, const std::string& url) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  std::ifstream in(csv_path, std::ios::binary);
  std::vector<std::string> columns;
  std::vector<std::vector<storage::Value>> rows;
  int64_t n = 0;
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(db->Write([&](storage::Transaction& tx) -> absl::Status {
    absl::Status pending = absl::OkStatus();
    registration::CsvStream csv([&](std::vector<std::string>& fields) -> absl::Status {
      if (columns.empty()) {
        std::vector<std::string> defs;
        for (size_t i = 0; i < fields.size(); ++i) {
          columns.push_back(absl::StrCat("c", i));
          defs.push_back(absl::StrCat("c", i, " TEXT"));
        }
        return tx.ExecuteScript(absl::StrCat("CREATE TABLE raw_rows (n BIGINT PRIMARY KEY, ",
                                             absl::StrJoin(defs, ", "), ")"));
      }
      std::vector<storage::Value> row = {++n};
      for (size_t i = 0; i < columns.size(); ++i) row.emplace_back(i < fields.size() ? fields[i] : "");
      rows.push_back(std::move(row));
      if (rows.size() == 1000) {
        std::vector<std::string> all = {"n"};
        all.insert(all.end(), columns.begin(), columns.end());
        RETURN_IF_ERROR(storage::InsertRows(tx, "raw_rows", all, rows).status());
        rows.clear();
      }
      return absl::OkStatus();
    });
    std::vector<char> buffer(256 * 1024);
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      RETURN_IF_ERROR(csv.Feed(absl::string_view(buffer.data(), in.gcount())));
    }
    RETURN_IF_ERROR(csv.Finish());
    std::vector<std::string> all = {"n"};
    all.insert(all.end(), columns.begin(), columns.end());
    return storage::InsertRows(tx, "raw_rows", all, rows).status();
  }));
  return absl::Now() - start;
}

}  // namespace

int Bench(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] != "intake") {
    return Fail(absl::InvalidArgumentError("usage: himaya bench intake --records=N [--backend=sqlite|postgres]"));
  }
  const int64_t records = absl::GetFlag(FLAGS_records);
  const std::string backend = absl::GetFlag(FLAGS_backend);
  if (backend != "sqlite" && backend != "postgres") {
    return Fail(absl::InvalidArgumentError("backend: sqlite or postgres"));
  }
  char pattern[] = "/tmp/himaya-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return Fail(absl::InternalError("mkdtemp"));
  const std::string dir = pattern;
  // PostgreSQL runs as its own user when we are root: it must be able to reach its directory.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                        std::filesystem::perms::others_exec);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (!absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(dir);
    }
  } cleanup{dir};

  std::printf("bench intake: %lld records, %s, in %s\n", static_cast<long long>(records), backend.c_str(), dir.c_str());
  std::fflush(stdout);
  absl::Time t = absl::Now();
  datagen::LiaisonOptions gen;
  gen.records = records;
  gen.program = absl::GetFlag(FLAGS_program);
  gen.out_dir = dir;
  gen.seed = 42;
  auto batch = datagen::GenerateLiaisonBatch(gen);
  if (!batch.ok()) return Fail(batch.status());
  std::printf("  generated the batch in %.1f s\n", absl::ToDoubleSeconds(absl::Now() - t));

  std::unique_ptr<stack::LocalPostgres> postgres;
  stack::StackOptions options;
  options.data_dir = dir + "/stack";
  options.services = {"registration"};
  std::string raw_url = absl::StrCat("sqlite:", dir, "/raw.db");
  if (backend == "postgres") {
    std::filesystem::create_directories(dir + "/postgres");
    auto pg = stack::LocalPostgres::Start(dir + "/postgres");
    if (!pg.ok()) return Fail(pg.status());
    postgres = std::move(*pg);
    auto registration_db = postgres->CreateDatabase("registration");
    auto raw_db = postgres->CreateDatabase("raw");
    if (!registration_db.ok()) return Fail(registration_db.status());
    if (!raw_db.ok()) return Fail(raw_db.status());
    options.databases["registration"] = *registration_db;
    raw_url = *raw_db;
  }
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  auto stub = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  const std::string topic = events::Topic(events::kRegistrationDomain, gen.program);
  reg::Manifest coverage_manifest;
  auto coverage = Upload<reg::CoverageImportResult>(batch->coverage_csv_path, batch->coverage_manifest_path,
                                                    &reg::RegistrationService::Stub::ImportCoverage, *stub,
                                                    &coverage_manifest);
  if (!coverage.ok()) return Fail(coverage.status());
  std::printf("  loaded %lld coverages of other schemes (not timed)\n",
              static_cast<long long>(coverage->coverages_added()));

  // From the first byte sent until every event of the batch is on Kafka.
  const absl::Time start = absl::Now();
  reg::Manifest manifest;
  auto received = Upload<reg::BatchStatus>(batch->csv_path, batch->manifest_path,
                                           &reg::RegistrationService::Stub::SubmitBatch, *stub, &manifest);
  if (!received.ok()) return Fail(received.status());
  const absl::Time uploaded = absl::Now();
  reg::BatchStatus status = *received;
  while (status.state() == reg::BATCH_STATE_APPLYING) {
    absl::SleepFor(absl::Milliseconds(100));
    reg::GetBatchRequest request;
    request.set_liaison_body(manifest.liaison_body());
    request.set_batch_id(manifest.batch_id());
    auto context = rpc::NewContext();
    grpc::Status got = stub->GetBatch(context.get(), request, &status);
    if (!got.ok()) return Fail(rpc::FromGrpcStatus(got));
  }
  if (status.state() != reg::BATCH_STATE_COMPLETED) {
    return Fail(absl::InternalError(absl::StrCat("batch ended ", reg::BatchState_Name(status.state()))));
  }
  const absl::Time applied = absl::Now();
  // Each REGISTERED and DEPENDENT row has its event, and the batch its BatchCompleted.
  const int64_t expected = status.outcomes().count("REGISTERED") ? status.outcomes().at("REGISTERED") : 0;
  const int64_t dependents = status.outcomes().count("DEPENDENT") ? status.outcomes().at("DEPENDENT") : 0;
  int64_t on_kafka = 0;
  while (true) {
    auto count = events::CountTopicMessages({(*s)->bootstrap_servers()}, topic);
    if (!count.ok()) return Fail(count.status());
    on_kafka = *count;
    if (on_kafka >= expected + dependents + 1) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  const absl::Duration total = absl::Now() - start;
  const double rss = PeakRssMb((*s)->pid("registration"));
  (*s)->Stop();

  auto raw = RawInsert(batch->csv_path, raw_url);
  if (!raw.ok()) return Fail(raw.status());
  const double seconds = absl::ToDoubleSeconds(total);
  std::printf("  uploaded and checked in %.1f s; every row decided at %.1f s; events on Kafka at %.1f s "
              "(%lld events)\n",
              absl::ToDoubleSeconds(uploaded - start), absl::ToDoubleSeconds(applied - start), seconds,
              static_cast<long long>(on_kafka));
  std::printf("  outcomes:");
  for (const auto& [outcome, n] : status.outcomes()) std::printf(" %s %lld", outcome.c_str(), static_cast<long long>(n));
  std::printf("\n");
  std::printf("intake: %lld rows in %.1f s end to end (%.0f rows/s); raw insert %.1f s; ratio %.2f; "
              "peak RSS %.0f MB\n",
              static_cast<long long>(records), seconds, records / seconds,
              absl::ToDoubleSeconds(*raw), absl::ToDoubleSeconds(*raw) / seconds, rss);
  return 0;
}

}  // namespace himaya::cli
