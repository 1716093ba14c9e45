// himaya bench allowances --households=N: a month's family allowance run over N households of
// program family-allowances (1 to 7 children each, some past their age limit) in the beneficiary
// service's database, timed from CreateAllowanceRun until the draft is computed and its report
// written to a file, beside raw inserts of as many rows in one transaction; then the same at a
// tenth of the size, with the service's peak resident memory at both: a run holds a page of
// households at a time, so its memory does not grow with their number.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench_directory.h"
#include "commands.h"
#include "core/status_macros.h"
#include "datagen/allowance_households.h"
#include "failure.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "identity/registration_number.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "stack/local_stack.h"
#include "storage/bulk.h"
#include "storage/database.h"

ABSL_FLAG(int64_t, households, 1000000, "bench allowances: households of family-allowances in the run");

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
using AllowanceStub = ben::FamilyAllowanceService::Stub;

constexpr char kMonth[] = "2026-03";
std::string NumberOf(int64_t i) { return identity::FormatRegistrationNumber(identity::kFirstSequence + i); }

// The baseline: `n` rows as wide as the report's, inserted raw in one transaction into a new
// SQLite database.
absl::StatusOr<absl::Duration> RawInsert(const std::string& url, int64_t n) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(db->Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.ExecuteScript(
        "CREATE TABLE raw_households (registration_number TEXT PRIMARY KEY, children INTEGER, amount BIGINT, "
        "arrears BIGINT, recovery BIGINT, reason TEXT)"));
    std::vector<std::vector<storage::Value>> rows;
    for (int64_t i = 0; i < n; ++i) {
      rows.push_back({NumberOf(i), int64_t{2}, int64_t{60000}, int64_t{0}, int64_t{0}, ""});
      if (rows.size() == 1000 || i + 1 == n) {
        RETURN_IF_ERROR(
            storage::InsertRows(tx, "raw_households",
                                {"registration_number", "children", "amount", "arrears", "recovery", "reason"}, rows)
                .status());
        rows.clear();
      }
    }
    return absl::OkStatus();
  }));
  return absl::Now() - start;
}

// The peak resident memory of process `pid` (VmHWM), in MiB; -1 when unknown.
double PeakRssMiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    int64_t kib = 0;
    if (parts.size() >= 2 && absl::SimpleAtoi(parts[1], &kib)) return static_cast<double>(kib) / 1024;
  }
  return -1;
}

struct RunFigures {
  int64_t households = 0;
  int64_t children = 0;
  absl::Duration run;
  absl::Duration raw;
  double peak_rss_mib = -1;
  int64_t net_centimes = 0;
};

// One size: a stack of its own, the database filled, the run timed, the baseline.
absl::StatusOr<RunFigures> Measure(int64_t n) {
  ASSIGN_OR_RETURN(BenchDirectory dir, BenchDirectory::Make());
  stack::StackOptions options;
  options.data_dir = dir.path() + "/stack";
  options.services = {"registration", "beneficiary"};
  ASSIGN_OR_RETURN(auto s, stack::LocalStack::Start(options));
  // Filled while beneficiary is stopped (its migrations applied), then started again: a fresh
  // process whose peak memory is the run's.
  s->StopService("beneficiary", SIGTERM);
  RunFigures figures;
  figures.households = n;
  absl::Time t = absl::Now();
  ASSIGN_OR_RETURN(figures.children,
                   datagen::WriteAllowanceHouseholds(absl::StrCat("sqlite:", options.data_dir, "/beneficiary.db"), n));
  std::printf("  %lld households, %lld children written in %.1f s (not timed)\n", static_cast<long long>(n),
              static_cast<long long>(figures.children), absl::ToDoubleSeconds(absl::Now() - t));
  std::fflush(stdout);
  RETURN_IF_ERROR(s->StartService("beneficiary"));
  AllowanceStub stub(rpc::NewChannel(s->endpoint("beneficiary").grpc));
  t = absl::Now();
  ben::CreateAllowanceRunRequest create;
  create.set_month(kMonth);
  create.set_created_by("bench");
  ASSIGN_OR_RETURN(ben::AllowanceRun run, rpc::Call(stub, &AllowanceStub::CreateAllowanceRun, create));
  ben::GetAllowanceRunRequest get;
  get.set_run_id(run.run_id());
  while (!run.complete()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling the server, as the CLI does
    ASSIGN_OR_RETURN(run, rpc::Call(stub, &AllowanceStub::GetAllowanceRun, get, absl::Seconds(30)));
  }
  {
    std::ofstream report(dir.path() + "/report.csv", std::ios::binary);
    grpc::ClientContext context;
    auto reader = stub.GetAllowanceReport(&context, get);
    ben::AllowanceCsvChunk chunk;
    while (reader->Read(&chunk)) report << chunk.csv();
    RETURN_IF_ERROR(rpc::FromGrpcStatus(reader->Finish()));
  }
  figures.run = absl::Now() - t;
  figures.net_centimes = run.net_centimes();
  figures.peak_rss_mib = PeakRssMiB(s->pid("beneficiary"));
  if (run.households() != n) {
    return absl::InternalError(absl::StrCat("the run considered ", run.households(), " households of ", n));
  }
  s->Stop();
  ASSIGN_OR_RETURN(figures.raw, RawInsert(absl::StrCat("sqlite:", dir.path(), "/raw.db"), n));
  return figures;
}

void Print(const RunFigures& f) {
  const double run_rate = static_cast<double>(f.households) / absl::ToDoubleSeconds(f.run);
  const double raw_rate = static_cast<double>(f.households) / absl::ToDoubleSeconds(f.raw);
  std::printf(
      "allowances: %lld households (%lld children): run (draft computed, report written) %.1f s (%.0f households/s); "
      "raw insert of %lld rows %.1f s (%.0f/s); ratio %.3f; beneficiary's peak RSS %.0f MiB; net %.2f MAD\n",
      static_cast<long long>(f.households), static_cast<long long>(f.children), absl::ToDoubleSeconds(f.run), run_rate,
      static_cast<long long>(f.households), absl::ToDoubleSeconds(f.raw), raw_rate, run_rate / raw_rate, f.peak_rss_mib,
      static_cast<double>(f.net_centimes) / 100);
  std::fflush(stdout);
}

}  // namespace

int BenchAllowances() {
  const int64_t n = absl::GetFlag(FLAGS_households);
  if (n < 10 || n > identity::kLastSequence - identity::kFirstSequence) {
    return Fail("--households: from 10 to 89,999,998");
  }
  std::printf("bench allowances: %lld households then %lld, sqlite, month %s\n", static_cast<long long>(n),
              static_cast<long long>(n / 10), kMonth);
  std::fflush(stdout);
  absl::StatusOr<RunFigures> large = Measure(n);
  if (!large.ok()) return Fail(large.status());
  Print(*large);
  absl::StatusOr<RunFigures> small = Measure(n / 10);
  if (!small.ok()) return Fail(small.status());
  Print(*small);
  std::printf(
      "allowances: peak RSS %.0f MiB at %lld households, %.0f MiB at %lld: %.2f times for %d times the "
      "households\n",
      large->peak_rss_mib, static_cast<long long>(n), small->peak_rss_mib, static_cast<long long>(n / 10),
      large->peak_rss_mib / small->peak_rss_mib, 10);
  return 0;
}

}  // namespace himaya::cli
