// himaya bench intake: liaison batch intake end to end, beside this machine's raw insert speed.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench_baseline.h"
#include "bench_directory.h"
#include "commands.h"
#include "core/status_macros.h"
#include "datagen/liaison_generator.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "failure.h"
#include "liaison/csv_stream.h"
#include "metrics/scrape.h"
#include "rpc/client.h"
#include "stack/local_kannel.h"
#include "stack/local_postgres.h"
#include "stack/local_stack.h"
#include "storage/bulk.h"
#include "storage/database.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(int64_t, records);
ABSL_DECLARE_FLAG(std::string, program);
ABSL_FLAG(std::string, backend, "sqlite", "bench: sqlite or postgres");
ABSL_FLAG(bool, keep, false, "bench: keep the benchmark's directory");
ABSL_FLAG(int64_t, messages, 200000, "bench notify: number of messages");
ABSL_FLAG(bool, statements, false,
          "bench intake --backend=postgres: also print where the server's time went, by statement "
          "(pg_stat_statements)");

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;

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

// Waits until the samples of `name` with `labels` on a service's /metrics add up to `target`.
absl::Status WaitForMetric(const std::string& address, const std::string& name, const metrics::MetricLabels& labels,
                           double target, absl::Duration timeout) {
  return stack::WaitUntil([&] { return metrics::MetricSum(address, name, labels) >= target; }, timeout, name);
}

int BenchNotify() {
  const int64_t n = absl::GetFlag(FLAGS_messages);
  absl::StatusOr<BenchDirectory> bench_dir = BenchDirectory::Make();
  if (!bench_dir.ok()) return Fail(bench_dir.status());
  const std::string& dir = bench_dir->path();
  std::printf("bench notify: %lld messages, in %s\n", static_cast<long long>(n), dir.c_str());
  std::fflush(stdout);

  const datagen::LiaisonOptions gen = datagen::EveryoneRegisteredOptions(n, dir, 77);
  auto batch = datagen::GenerateLiaisonBatch(gen);
  if (!batch.ok()) return Fail(batch.status());
  std::filesystem::create_directories(dir + "/kannel");
  auto kannel = stack::LocalKannel::Start(dir + "/kannel", "");
  if (!kannel.ok()) return Fail(kannel.status());

  // The persons first (registration alone), so that their events wait on Kafka. The embedded
  // broker keeps at most 5 MiB per partition: enough partitions that none of them is dropped.
  stack::StackOptions options;
  options.data_dir = dir + "/stack";
  options.services = {"registration"};
  options.partitions = static_cast<int>(std::max<int64_t>(8, n / 6000));
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  reg::Manifest manifest;
  auto applied = SubmitAndWaitUntilApplied(batch->csv_path, batch->manifest_path, (*s)->endpoint("registration").grpc,
                                           absl::Milliseconds(200), &manifest);
  if (!applied.ok()) return Fail(applied.status());
  const reg::BatchStatus& status = *applied;
  // A few rows meet a registered look-alike by chance and wait for review: count who is in.
  const int64_t registered = status.outcomes().count("REGISTERED") ? status.outcomes().at("REGISTERED") : 0;
  const std::string topic = events::Topic(events::kRegistrationDomain, gen.program);
  int64_t events_on_topic = 0;
  absl::Status ready = stack::WaitUntil(
      [&] {
        auto count = events::CountTopicMessages({(*s)->bootstrap_servers()}, topic);
        events_on_topic = count.value_or(0);
        return events_on_topic >= registered + 1;  // the persons and BatchCompleted
      },
      absl::Minutes(10), "the registrations on Kafka");
  if (!ready.ok()) return Fail(ready);
  std::printf("  %lld persons registered; their events wait on Kafka\n", static_cast<long long>(registered));
  std::fflush(stdout);

  // 1. Events to queued messages (notification records, does not send).
  const std::vector<std::string> record_only = {"--dispatch=false"};
  // Timed from the moment notification serves (its start, and its consumer group's first
  // assignment, are printed apart: they do not grow with the events).
  const absl::Time started = absl::Now();
  if (auto st = (*s)->StartService("notification", &record_only); !st.ok()) return Fail(st);
  const absl::Time t0 = absl::Now();
  const std::string metrics = (*s)->endpoint("notification").metrics;
  if (auto st = stack::WaitUntil(
          [&] {
            return metrics::MetricSum(metrics, "himaya_consumer_events_total", {{"outcome", "applied"}}) > 0;
          },
          absl::Minutes(2), "the first event applied");
      !st.ok()) {
    return Fail(st);
  }
  const absl::Duration first = absl::Now() - t0;
  if (auto st = WaitForMetric(metrics, "himaya_consumer_events_total", {{"outcome", "applied"}},
                              static_cast<double>(events_on_topic), absl::Minutes(20));
      !st.ok()) {
    return Fail(st);
  }
  const absl::Duration queued = absl::Now() - t0;
  std::printf("  notification started in %.1f s; first event queued %.1f s later; every event queued at %.1f s\n",
              absl::ToDoubleSeconds(t0 - started), absl::ToDoubleSeconds(first), absl::ToDoubleSeconds(queued));
  std::fflush(stdout);
  (*s)->StopService("notification", SIGTERM);

  // Baseline: the same number of message rows inserted raw into a database of the same kind.
  absl::Duration raw;
  {
    auto db = storage::Open({.url = absl::StrCat("sqlite:", dir, "/raw-messages.db"), .pool_size = 1});
    if (!db.ok()) return Fail(db.status());
    absl::Time start = absl::Now();
    absl::Status inserted = (*db)->Write([&](storage::Transaction& tx) -> absl::Status {
      RETURN_IF_ERROR(
          tx.ExecuteScript("CREATE TABLE m (message_id TEXT PRIMARY KEY, registration_number TEXT, "
                           "program TEXT, channel TEXT, template TEXT, language TEXT, status TEXT, "
                           "source_event_id TEXT, created_at_us BIGINT)"));
      std::vector<std::vector<storage::Value>> rows;
      for (int64_t i = 0; i < n; ++i) {
        rows.push_back({absl::StrCat("m", i), absl::StrCat(100000000 + i), "amo-tns", "sms", "activation", "fr",
                        "PENDING", absl::StrCat("e", i), i});
        if (rows.size() == 1000 || i + 1 == n) {
          RETURN_IF_ERROR(storage::InsertRows(tx, "m",
                                              {"message_id", "registration_number", "program", "channel", "template",
                                               "language", "status", "source_event_id", "created_at_us"},
                                              std::move(rows))
                              .status());
          rows.clear();
        }
      }
      return absl::OkStatus();
    });
    if (!inserted.ok()) return Fail(inserted);
    raw = absl::Now() - start;
  }

  // 2. Queued messages to Kannel.
  const std::string password_file = dir + "/kannel.password";
  std::ofstream(password_file) << (*kannel)->password();
  const std::vector<std::string> send = {"--dispatch=true",
                                         "--sms_provider=kannel",
                                         "--kannel_sendsms_url=" + (*kannel)->sendsms_url(),
                                         "--kannel_username=" + (*kannel)->username(),
                                         "--kannel_password_file=" + password_file,
                                         "--sms_rate=1000000"};
  absl::Time t2 = absl::Now();
  if (auto st = (*s)->StartService("notification", &send); !st.ok()) return Fail(st);
  if (auto st = WaitForMetric((*s)->endpoint("notification").metrics, "himaya_notification_messages_total",
                              {{"what", "sent"}}, static_cast<double>(registered), absl::Minutes(60));
      !st.ok()) {
    return Fail(st);
  }
  const absl::Duration sent = absl::Now() - t2;
  (*s)->Stop();

  // Baseline: a plain HTTP client posting the same number of SMS to the same Kannel.
  absl::Duration plain;
  {
    httplib::Client client((*kannel)->sendsms_url().substr(0, (*kannel)->sendsms_url().find("/cgi-bin")));
    client.set_keep_alive(true);
    absl::Time start = absl::Now();
    for (int64_t i = 0; i < n; ++i) {
      auto r =
          client.Get(absl::StrCat("/cgi-bin/sendsms?username=", (*kannel)->username(),
                                  "&password=", (*kannel)->password(), "&from=CNSS&to=%2B21261", 1000000 + i % 8000000,
                                  "&text=CNSS%3A+votre+numero+", 100000000 + i, "&charset=UTF-8&coding=0"));
      if (!r || (r->status != 202 && r->status != 200)) {
        return Fail(absl::UnavailableError(absl::StrCat("plain client: Kannel answered ", r ? r->status : 0)));
      }
    }
    plain = absl::Now() - start;
  }
  auto rate = [](int64_t count, absl::Duration d) { return static_cast<double>(count) / absl::ToDoubleSeconds(d); };
  // From the first event applied (the group's assignment takes the same time for any number).
  const double queue_rate = rate(events_on_topic, queued - first), raw_rate = rate(n, raw);
  const double send_rate = rate(registered, sent), plain_rate = rate(n, plain);
  std::printf("notify: %lld events queued in %.1f s (%.0f/s); raw insert of %lld rows %.1f s (%.0f/s); ratio %.2f\n",
              static_cast<long long>(events_on_topic), absl::ToDoubleSeconds(queued - first), queue_rate,
              static_cast<long long>(n), absl::ToDoubleSeconds(raw), raw_rate, queue_rate / raw_rate);
  std::printf(
      "notify: %lld messages to Kannel in %.1f s (%.0f/s); plain HTTP client, %lld SMS, %.1f s (%.0f/s); "
      "ratio %.2f\n",
      static_cast<long long>(registered), absl::ToDoubleSeconds(sent), send_rate, static_cast<long long>(n),
      absl::ToDoubleSeconds(plain), plain_rate, send_rate / plain_rate);
  return 0;
}

// Loaded into the benchmark's server when --statements asks for it.
constexpr char kStatementsLibrary[] = "shared_preload_libraries=pg_stat_statements";

// Prints the statements of the database at `url` that took the server longest, summed over the
// run: the table decision 0011 reads.
absl::Status PrintStatements(const std::string& url) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  std::vector<storage::Row> rows;
  RETURN_IF_ERROR(db->Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, tx.Query("SELECT round(total_exec_time)::bigint, calls, rows, "
                                    "left(regexp_replace(query, '\\s+', ' ', 'g'), 100) FROM pg_stat_statements "
                                    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                                    "ORDER BY total_exec_time DESC LIMIT 12"));
    return absl::OkStatus();
  }));
  std::printf("  the server's time by statement (pg_stat_statements):\n  %9s %8s %9s  %s\n", "ms", "calls", "rows",
              "statement");
  for (const storage::Row& r : rows) {
    std::printf("  %9lld %8lld %9lld  %s\n", static_cast<long long>(r.Int(0)), static_cast<long long>(r.Int(1)),
                static_cast<long long>(r.Int(2)), r.Text(3).c_str());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Duration> RawInsert(const std::string& csv_path, const std::string& url, RawPath path) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  auto insert = path == RawPath::kStatements ? &storage::InsertRowsInStatements : &storage::InsertRows;
  const std::string table = path == RawPath::kStatements ? "raw_rows" : "raw_rows_loaded";
  std::ifstream in(csv_path, std::ios::binary);
  std::vector<std::string> columns;
  std::vector<std::vector<storage::Value>> rows;
  int64_t n = 0;
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(db->Write([&](storage::Transaction& tx) -> absl::Status {
    absl::Status pending = absl::OkStatus();
    liaison::CsvStream csv([&](std::vector<std::string>& fields) -> absl::Status {
      if (columns.empty()) {
        std::vector<std::string> defs;
        for (size_t i = 0; i < fields.size(); ++i) {
          columns.push_back(absl::StrCat("c", i));
          defs.push_back(absl::StrCat("c", i, " TEXT"));
        }
        return tx.ExecuteScript(
            absl::StrCat("CREATE TABLE ", table, " (n BIGINT PRIMARY KEY, ", absl::StrJoin(defs, ", "), ")"));
      }
      std::vector<storage::Value> row = {++n};
      for (size_t i = 0; i < columns.size(); ++i) row.emplace_back(i < fields.size() ? fields[i] : "");
      rows.push_back(std::move(row));
      if (rows.size() == 1000) {
        std::vector<std::string> all = {"n"};
        all.insert(all.end(), columns.begin(), columns.end());
        RETURN_IF_ERROR(insert(tx, table, all, std::move(rows), "").status());
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
    return insert(tx, table, all, std::move(rows), "").status();
  }));
  return absl::Now() - start;
}

int Bench(const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0] == "notify") return BenchNotify();
  if (args.size() == 1 && args[0] == "eligibility") return BenchEligibility();
  if (args.size() == 1 && args[0] == "claims") return BenchClaims();
  if (args.size() == 1 && args[0] == "gateway") return BenchGateway();
  if (args.size() == 1 && args[0] == "allowances") return BenchAllowances();
  if (args.size() != 1 || args[0] != "intake") {
    return Fail(absl::InvalidArgumentError(
        "usage: himaya bench intake --records=N [--backend=sqlite|postgres [--statements]] | "
        "bench notify --messages=N | "
        "bench eligibility [--beneficiaries=N] | bench claims --claims=N | bench gateway [--registered=N] | "
        "bench allowances [--households=N]"));
  }
  const int64_t records = absl::GetFlag(FLAGS_records);
  const std::string backend = absl::GetFlag(FLAGS_backend);
  if (backend != "sqlite" && backend != "postgres") {
    return Fail(absl::InvalidArgumentError("backend: sqlite or postgres"));
  }
  const bool statements = absl::GetFlag(FLAGS_statements);
  if (statements && backend != "postgres") {
    return Fail(absl::InvalidArgumentError("statements: only with --backend=postgres"));
  }
  absl::StatusOr<BenchDirectory> bench_dir = BenchDirectory::Make();
  if (!bench_dir.ok()) return Fail(bench_dir.status());
  const std::string& dir = bench_dir->path();
  // PostgreSQL runs as its own user when we are root: it must be able to reach its directory.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                        std::filesystem::perms::others_exec);

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
    auto pg = stack::LocalPostgres::Start(
        dir + "/postgres", statements ? std::vector<std::string>{kStatementsLibrary} : std::vector<std::string>{});
    if (!pg.ok()) return Fail(pg.status());
    postgres = std::move(*pg);
    auto registration_db = postgres->CreateDatabase("registration");
    auto raw_db = postgres->CreateDatabase("raw");
    if (!registration_db.ok()) return Fail(registration_db.status());
    if (!raw_db.ok()) return Fail(raw_db.status());
    if (statements) {
      auto db = storage::Open({.url = *registration_db, .pool_size = 1});
      if (!db.ok()) return Fail(db.status());
      absl::Status created = (*db)->Write(
          [](storage::Transaction& tx) { return tx.ExecuteScript("CREATE EXTENSION pg_stat_statements"); });
      if (!created.ok()) return Fail(created);
    }
    options.databases["registration"] = *registration_db;
    raw_url = *raw_db;
  }
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  auto stub = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  const std::string topic = events::Topic(events::kRegistrationDomain, gen.program);
  reg::Manifest coverage_manifest;
  auto coverage = Upload<reg::CoverageImportResult>(batch->coverage_csv_path, batch->coverage_manifest_path,
                                                    &reg::RegistrationService::Stub::ImportCoverage,
                                                    (*s)->endpoint("registration").grpc, &coverage_manifest);
  if (!coverage.ok()) return Fail(coverage.status());
  std::printf("  loaded %lld coverages of other schemes (not timed)\n",
              static_cast<long long>(coverage->coverages_added()));

  // From the first byte sent until every event of the batch is on Kafka.
  const absl::Time start = absl::Now();
  reg::Manifest manifest;
  auto received =
      Upload<reg::BatchStatus>(batch->csv_path, batch->manifest_path, &reg::RegistrationService::Stub::SubmitBatch,
                               (*s)->endpoint("registration").grpc, &manifest);
  if (!received.ok()) return Fail(received.status());
  const absl::Time uploaded = absl::Now();
  auto decided = WaitUntilApplied(*received, absl::Milliseconds(100),
                                  [&] { return GetBatch(*stub, manifest.liaison_body(), manifest.batch_id()); });
  if (!decided.ok()) return Fail(decided.status());
  const reg::BatchStatus& status = *decided;
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
  // PostgreSQL also loads rows faster than it inserts them, and the service loads its bulks.
  absl::StatusOr<absl::Duration> loaded = absl::ZeroDuration();
  if (backend == "postgres") loaded = RawInsert(batch->csv_path, raw_url, RawPath::kBulkLoad);
  if (!loaded.ok()) return Fail(loaded.status());
  const double seconds = absl::ToDoubleSeconds(total);
  // The three stages, from the first byte sent: received (uploaded, checked and staged), decided
  // (every row has its outcome), published (every event is on Kafka). In seconds to the
  // millisecond: a small batch is received in a few of them.
  std::printf(
      "  stages: received at %.3f s; decided at %.3f s; published at %.3f s "
      "(%lld events)\n",
      absl::ToDoubleSeconds(uploaded - start), absl::ToDoubleSeconds(applied - start), seconds,
      static_cast<long long>(on_kafka));
  std::printf("  outcomes:");
  for (const auto& [outcome, n] : status.outcomes())
    std::printf(" %s %lld", outcome.c_str(), static_cast<long long>(n));
  std::printf("\n");
  const std::string against_load =
      backend == "postgres" ? absl::StrFormat("raw COPY %.2f s, ratio %.3f; ", absl::ToDoubleSeconds(*loaded),
                                              absl::ToDoubleSeconds(*loaded) / seconds)
                            : "";
  std::printf(
      "intake: %lld rows in %.1f s end to end (%.0f rows/s); raw insert %.2f s; ratio %.3f; %s"
      "peak RSS %.0f MB\n",
      static_cast<long long>(records), seconds, records / seconds, absl::ToDoubleSeconds(*raw),
      absl::ToDoubleSeconds(*raw) / seconds, against_load.c_str(), rss);
  if (statements) {
    if (absl::Status printed = PrintStatements(options.databases["registration"]); !printed.ok()) return Fail(printed);
  }
  return 0;
}

}  // namespace himaya::cli
