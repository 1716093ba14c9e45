// himaya bench eligibility: the beneficiary service's coverage question against a database of
// N insured beneficiaries (1 M by default) and a child declared for a share of them. First how
// fast it applies N registration events (PersonRegistered, produced to the stack's broker, then
// consumed from a cold start) beside raw inserts of as many rows, and declares the children
// (DeclareFamilyMember); then the rate and p50/p99 latency of CheckEligibility about insured
// persons and about children (the dependent's path: beneficiary, periods, insured) beside the
// server's health Check as the baseline (the same server, connections and concurrency), and of
// CheckEligibilityBatch (half insured, half children). Questions are about the service's today.
#include <algorithm>
#include <cstdio>
#include <random>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench_directory.h"
#include "commands.h"
#include "core/status_macros.h"
#include "day_flag.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "load_figures.h"
#include "metrics/scrape.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "rpc/status.h"
#include "stack/local_stack.h"
#include "storage/bulk.h"
#include "storage/database.h"

ABSL_FLAG(int64_t, beneficiaries, 1000000, "bench eligibility: insured beneficiaries loaded");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "bench eligibility, gateway: how long each method (each load) is called");
ABSL_FLAG(int, concurrency, 8, "bench eligibility, gateway: callers at once, each on its own connection");
ABSL_FLAG(double, dependents_share, 0.25,
          "bench eligibility: share of the insured who get a child declared (DeclareFamilyMember), from 0 to 1");

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
namespace reg = himaya::registration::v1;
using Health = grpc::health::v1::Health;

constexpr char kProgram[] = "amo-tns";
// Every insured is registered on this day, and asked about today (the service's time zone's):
// covered, and so are their children, born on kChildBorn and declared from today.
constexpr absl::CivilDay kRegisteredOn(2022, 3, 15);
constexpr absl::CivilDay kChildBorn(2016, 6, 1);
constexpr int kBatchQuestions = 1000;

std::string NumberOf(int64_t i) { return identity::FormatRegistrationNumber(identity::kFirstSequence + i); }
// The child declared for insured `i` (its first dependent).
std::string ChildOf(int64_t i) { return absl::StrCat(NumberOf(i), "-01"); }

// N PersonRegistered events on the program's topic, as registration publishes them.
absl::Status ProduceRegistrations(const std::string& bootstrap, int64_t n) {
  ASSIGN_OR_RETURN(auto producer, events::KafkaProducer::Create({.bootstrap_servers = bootstrap}));
  core::SystemRandom random;
  const events::EventSource source{"registration", &core::SystemClock::Get(), &random};
  const std::string topic = events::Topic(events::kRegistrationDomain, kProgram);
  const auto registered_at = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(absl::FromCivil(kRegisteredOn, absl::UTCTimeZone()) + absl::Hours(9)));
  std::vector<events::Record> records;
  for (int64_t i = 0; i < n; ++i) {
    reg::PersonRegistered event;
    event.set_registration_number(NumberOf(i));
    event.set_program(kProgram);
    event.set_category("AGRI");
    event.set_city("Settat");
    event.set_region("Casablanca-Settat");
    event.set_preferred_language(i % 2 ? "ar" : "fr");
    event.set_has_phone(true);
    *event.mutable_registered_at() = registered_at;
    records.push_back({topic, event.registration_number(),
                       events::NewEnvelope(source, event, kProgram, event.registration_number()).SerializeAsString()});
    if (records.size() == 20000 || i + 1 == n) {
      for (const absl::Status& s : producer->Publish(records)) RETURN_IF_ERROR(s);
      records.clear();
    }
  }
  return absl::OkStatus();
}

// The baseline of the load: as many rows as the insured's, inserted raw in one transaction into
// a database of the same kind.
absl::StatusOr<absl::Duration> RawInsert(const std::string& url, int64_t n) {
  ASSIGN_OR_RETURN(auto db, storage::Open({.url = url, .pool_size = 1}));
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(db->Write([&](storage::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(
        tx.ExecuteScript("CREATE TABLE raw_insured (registration_number TEXT PRIMARY KEY, program TEXT, "
                         "category TEXT, city TEXT, region TEXT, registered_on TEXT)"));
    std::vector<std::vector<storage::Value>> rows;
    for (int64_t i = 0; i < n; ++i) {
      rows.push_back({NumberOf(i), kProgram, "AGRI", "Settat", "Casablanca-Settat", "2022-03-15"});
      if (rows.size() == 1000 || i + 1 == n) {
        RETURN_IF_ERROR(
            storage::InsertRows(tx, "raw_insured",
                                {"registration_number", "program", "category", "city", "region", "registered_on"}, rows)
                .status());
        rows.clear();
      }
    }
    return absl::OkStatus();
  }));
  return absl::Now() - start;
}

std::unique_ptr<grpc::ClientContext> CallContext() { return rpc::NewContext(absl::Seconds(10)); }

// Declares a child for each of the first `children` insured, by `concurrency` callers; OK when
// every one was declared.
absl::Status DeclareChildren(const std::string& address, int concurrency, int64_t children) {
  std::vector<std::thread> callers;
  std::vector<absl::Status> failed(concurrency);
  for (int c = 0; c < concurrency; ++c) {
    callers.emplace_back([&, c] {
      grpc::ChannelArguments arguments;
      arguments.SetInt("himaya.bench_caller", c);
      auto stub =
          ben::BeneficiaryService::NewStub(grpc::CreateCustomChannel(address, rpc::ClientCredentials(), arguments));
      for (int64_t i = c; i < children && failed[c].ok(); i += concurrency) {
        ben::DeclareFamilyMemberRequest request;
        request.set_registration_number(NumberOf(i));
        request.set_relationship(ben::RELATIONSHIP_CHILD);
        request.set_first_name("Amina");
        request.set_last_name(absl::StrCat("Bench ", i));  // one identity per child
        request.set_birth_date(absl::FormatCivilTime(kChildBorn));
        request.set_sex("F");
        request.set_declared_by("AGENT:bench");
        ben::DeclareFamilyMemberResponse response;
        grpc::Status status = stub->DeclareFamilyMember(CallContext().get(), request, &response);
        if (!status.ok()) {
          failed[c] = rpc::FromGrpcStatus(status);
        } else if (response.beneficiary().beneficiary_id() != ChildOf(i)) {
          failed[c] = absl::InternalError(absl::StrCat("declared as ", response.beneficiary().beneficiary_id()));
        }
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (const absl::Status& f : failed) RETURN_IF_ERROR(f);
  return absl::OkStatus();
}

}  // namespace

int BenchEligibility() {
  const int64_t n = absl::GetFlag(FLAGS_beneficiaries);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  if (n < 1 || n > identity::kLastSequence - identity::kFirstSequence) {
    return Fail("--beneficiaries: from 1 to 89,999,998");
  }
  if (concurrency < 1) return Fail("--concurrency: at least 1");
  if (duration <= absl::ZeroDuration()) return Fail("--duration: more than 0");
  const double share = absl::GetFlag(FLAGS_dependents_share);
  if (!(share >= 0 && share <= 1)) return Fail("--dependents_share: from 0 to 1");
  const int64_t children = static_cast<int64_t>(share * static_cast<double>(n));
  absl::StatusOr<BenchDirectory> dir = BenchDirectory::Make();
  if (!dir.ok()) return Fail(dir.status());
  const std::string today = absl::FormatCivilTime(ServiceToday());
  std::printf("bench eligibility: %lld insured, %lld children, sqlite, %d callers, %s per method, asked on %s, in %s\n",
              static_cast<long long>(n), static_cast<long long>(children), concurrency,
              absl::FormatDuration(duration).c_str(), today.c_str(), dir->path().c_str());
  std::fflush(stdout);

  // Registration's events first, beneficiary stopped, so that they wait on Kafka. The embedded
  // broker keeps at most 5 MiB per partition: enough partitions that none of them is dropped.
  stack::StackOptions options;
  options.data_dir = dir->path() + "/stack";
  options.services = {"registration"};
  options.partitions = static_cast<int>(std::max<int64_t>(8, n / 6000));
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  absl::Time t = absl::Now();
  if (absl::Status produced = ProduceRegistrations((*s)->bootstrap_servers(), n); !produced.ok()) {
    return Fail(produced);
  }
  std::printf("  %lld PersonRegistered events produced to Kafka in %.1f s (not timed)\n", static_cast<long long>(n),
              absl::ToDoubleSeconds(absl::Now() - t));
  std::fflush(stdout);

  // 1. The events applied: from beneficiary's start until its consumer applied every one.
  t = absl::Now();
  if (absl::Status started = (*s)->StartService("beneficiary"); !started.ok()) return Fail(started);
  const std::string metrics = (*s)->endpoint("beneficiary").metrics;
  absl::Status applied = stack::WaitUntil(
      [&] {
        return metrics::MetricSum(metrics, "himaya_consumer_events_total", {{"outcome", "applied"}}) >=
               static_cast<double>(n);
      },
      absl::Hours(2), "every registration event applied");
  if (!applied.ok()) return Fail(applied);
  const absl::Duration apply = absl::Now() - t;
  auto raw = RawInsert(absl::StrCat("sqlite:", dir->path(), "/raw.db"), n);
  if (!raw.ok()) return Fail(raw.status());
  const double apply_rate = static_cast<double>(n) / absl::ToDoubleSeconds(apply);
  const double raw_rate = static_cast<double>(n) / absl::ToDoubleSeconds(*raw);
  std::printf(
      "eligibility: applies %lld registration events in %.1f s (%.0f/s); raw insert of %lld rows %.1f s (%.0f/s); "
      "ratio %.3f\n",
      static_cast<long long>(n), absl::ToDoubleSeconds(apply), apply_rate, static_cast<long long>(n),
      absl::ToDoubleSeconds(*raw), raw_rate, apply_rate / raw_rate);
  std::fflush(stdout);

  // The dependents: children declared through the service (its rules, a write transaction each).
  const std::string address = (*s)->endpoint("beneficiary").grpc;
  t = absl::Now();
  if (absl::Status declared = DeclareChildren(address, concurrency, children); !declared.ok()) {
    return Fail(declared);
  }
  const absl::Duration declare = absl::Now() - t;
  if (children > 0) {
    std::printf("eligibility: declares %lld children in %.1f s (%.0f/s, DeclareFamilyMember, %d callers)\n",
                static_cast<long long>(children), absl::ToDoubleSeconds(declare),
                static_cast<double>(children) / absl::ToDoubleSeconds(declare), concurrency);
    std::fflush(stdout);
  }

  // 2. Questions, against the health Check of the same server.
  auto health = [](const std::shared_ptr<grpc::Channel>& channel, std::mt19937_64&) {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return Health::NewStub(channel)->Check(CallContext().get(), request, &response);
  };
  // A question about insured `i`, or about their child.
  auto ask = [&today](ben::EligibilityQuestion& question, int64_t i, bool child) {
    question.set_beneficiary_id(child ? ChildOf(i) : NumberOf(i));
    question.set_date(today);
  };
  auto asking = [&](bool about_children) {
    return [&, about_children](const std::shared_ptr<grpc::Channel>& channel, std::mt19937_64& random) {
      ben::EligibilityQuestion question;
      ask(question, static_cast<int64_t>(random() % (about_children ? children : n)), about_children);
      ben::EligibilityAnswer answer;
      grpc::Status status =
          ben::BeneficiaryService::NewStub(channel)->CheckEligibility(CallContext().get(), question, &answer);
      if (status.ok() && !answer.covered()) {
        return grpc::Status(grpc::StatusCode::INTERNAL, absl::StrCat("not covered: ", answer.reason()));
      }
      return status;
    };
  };
  auto one = asking(false);
  auto batch = [&](const std::shared_ptr<grpc::Channel>& channel, std::mt19937_64& random) {
    ben::CheckEligibilityBatchRequest request;
    for (int q = 0; q < kBatchQuestions; ++q) {
      const bool child = children > 0 && q % 2 == 1;
      ask(*request.add_questions(), static_cast<int64_t>(random() % (child ? children : n)), child);
    }
    ben::CheckEligibilityBatchResponse response;
    grpc::Status status =
        ben::BeneficiaryService::NewStub(channel)->CheckEligibilityBatch(CallContext().get(), request, &response);
    if (status.ok() && response.answers_size() != kBatchQuestions) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "answers missing");
    }
    return status;
  };
  MeasureGrpc(address, concurrency, absl::Seconds(1), health);  // warm-up: connections, caches
  MeasureGrpc(address, concurrency, absl::Seconds(1), one);
  const CallFigures baseline = MeasureGrpc(address, concurrency, duration, health);
  const CallFigures questions = MeasureGrpc(address, concurrency, duration, one);
  CallFigures about_children;
  if (children > 0) about_children = MeasureGrpc(address, concurrency, duration, asking(true));
  const CallFigures batches = MeasureGrpc(address, concurrency, duration, batch);
  (*s)->Stop();
  for (const auto& [method, f] : {std::pair<const char*, const CallFigures*>{"health Check", &baseline},
                                  {"CheckEligibility", &questions},
                                  {"CheckEligibility of children", &about_children},
                                  {"CheckEligibilityBatch", &batches}}) {
    if (f->failures > 0) {
      return Fail(absl::StrCat(method, ": ", f->failures, " calls failed, the first: ", f->first_failure));
    }
  }
  std::printf(
      "eligibility: CheckEligibility %.0f/s, p50 %.2f ms, p99 %.2f ms; health Check (baseline, same server) %.0f/s, "
      "p50 %.2f ms, p99 %.2f ms; ratio %.2f\n",
      questions.rate(), questions.Percentile(0.5), questions.Percentile(0.99), baseline.rate(),
      baseline.Percentile(0.5), baseline.Percentile(0.99), questions.rate() / baseline.rate());
  if (children > 0) {
    std::printf(
        "eligibility: CheckEligibility of children (the dependent's path) %.0f/s, p50 %.2f ms, p99 %.2f ms; "
        "ratio %.2f to the health Check\n",
        about_children.rate(), about_children.Percentile(0.5), about_children.Percentile(0.99),
        about_children.rate() / baseline.rate());
  }
  std::printf(
      "eligibility: CheckEligibilityBatch of %d: %.0f answers/s (%.1f calls/s), p50 %.1f ms, p99 %.1f ms per call; "
      "%.1f times the answers/s of CheckEligibility (half of its questions about children)\n",
      kBatchQuestions, batches.rate() * kBatchQuestions, batches.rate(), batches.Percentile(0.5),
      batches.Percentile(0.99), batches.rate() * kBatchQuestions / questions.rate());
  return 0;
}

}  // namespace himaya::cli
