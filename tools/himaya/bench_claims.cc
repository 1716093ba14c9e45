// himaya bench claims: bulk claims files decided end to end, beside raw inserts of their items.
// On its own stack (registration, beneficiary, claims; SQLite): a liaison batch registers the
// insured, the sample TNR is imported, a file of --claims files (3 items each on average, 1 % of
// items planted for each rejection that can be, see below) is generated for them; then, from the
// first byte sent until
// the last ClaimDecided is on Kafka (read from the topic), with the time of each stage: received
// (the upload answered), decided (every file decided or in review), published. The baseline: the
// file's items inserted raw into the same engine.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/base/thread_annotations.h"
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench_baseline.h"
#include "bench_directory.h"
#include "claims_output.h"
#include "claims_people.h"
#include "commands.h"
#include "datagen/claims_generator.h"
#include "datagen/liaison_generator.h"
#include "day_flag.h"
#include "events/envelope.h"
#include "events/kafka.h"
#include "events/topics.h"
#include "failure.h"
#include "himaya/claims/v1/events.pb.h"
#include "rpc/call.h"
#include "stack/local_stack.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(int64_t, claims);
ABSL_FLAG(int64_t, insured_count, 0,
          "bench claims: insured registered to file for (default: a tenth of --claims, at least 100)");

namespace himaya::cli {
namespace {

namespace v1 = himaya::claims::v1;

constexpr char kProgram[] = "amo-tns";
constexpr int64_t kMaxClaims = 10'000'000;
// Percent of items planted for each rejection that can happen to people registered today (whose
// coverage begins today, the files being filed today at the latest): not FILED_TOO_LATE nor
// REPEATED_TOO_SOON, which need care before today.
constexpr double kPlantedPercent = 1;

// Counts the ClaimDecided events on the claims topic, and when the last one arrived.
class DecisionsSeen final : public events::MessageHandler {
 public:
  absl::Status Handle(const events::ConsumedMessage& message) override {
    absl::StatusOr<events::Envelope> envelope = events::ParseEnvelope(message.value);
    if (!envelope.ok() || envelope->type() != events::EventType<v1::ClaimDecided>()) return absl::OkStatus();
    absl::MutexLock lock(&mu_);
    ++decided_;
    last_ = absl::Now();
    return absl::OkStatus();
  }
  int64_t decided() {
    absl::MutexLock lock(&mu_);
    return decided_;
  }
  absl::Time last() {
    absl::MutexLock lock(&mu_);
    return last_;
  }

 private:
  absl::Mutex mu_;
  int64_t decided_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

int64_t Outcome(const v1::ClaimBatchStatus& s, const char* outcome) {
  auto it = s.outcomes().find(outcome);
  return it == s.outcomes().end() ? 0 : it->second;
}

// Registers `insured` people through a liaison batch and waits until the beneficiary service
// covers each of them: their families, as the generator takes them.
absl::StatusOr<std::vector<datagen::CoveredFamily>> RegisterInsured(stack::LocalStack& s, const std::string& dir,
                                                                    int64_t insured) {
  auto batch = datagen::GenerateLiaisonBatch(datagen::EveryoneRegisteredOptions(insured, dir, 91));
  if (!batch.ok()) return batch.status();
  registration::v1::Manifest manifest;
  auto applied = SubmitAndWaitUntilApplied(batch->csv_path, batch->manifest_path, s.endpoint("registration").grpc,
                                           absl::Milliseconds(200), &manifest);
  if (!applied.ok()) return applied.status();
  auto numbers = RegisteredByBatch(s.endpoint("registration").grpc, manifest.liaison_body(), manifest.batch_id());
  if (!numbers.ok()) return numbers.status();
  std::vector<datagen::CoveredFamily> families;
  absl::Status known = stack::WaitUntil(
      [&] {
        int64_t left_out = 0;
        auto covered = CoveredFamilies(s.endpoint("beneficiary").grpc, *numbers, &left_out);
        if (!covered.ok() || left_out > 0) return false;
        families = *std::move(covered);
        return true;
      },
      absl::Minutes(10), "every insured covered by beneficiary");
  if (!known.ok()) return known;
  return families;
}

absl::StatusOr<v1::TariffImportResult> ImportSampleTariff(const std::string& address, const std::string& dir,
                                                          absl::CivilDay effective_from) {
  const std::string path = dir + "/tnr_sample.csv";
  std::ofstream(path, std::ios::binary) << datagen::SampleTariffCsv();
  v1::TariffUpload header;
  header.mutable_header()->set_version("TNR-SAMPLE");
  header.mutable_header()->set_effective_from(absl::FormatCivilTime(effective_from));
  return UploadFile(
      path, header, &ClaimsStub::ImportTariff, [&]() -> absl::StatusOr<std::string> { return address; },
      absl::ZeroDuration(), "claims");
}

}  // namespace

int BenchClaims() {
  const int64_t n = absl::GetFlag(FLAGS_claims);
  if (n < 1 || n > kMaxClaims) return Fail(absl::StrCat("--claims: from 1 to ", kMaxClaims));
  if (absl::GetFlag(FLAGS_insured_count) < 0) return Fail("--insured_count: at least 1");
  const int64_t insured =
      absl::GetFlag(FLAGS_insured_count) > 0 ? absl::GetFlag(FLAGS_insured_count) : std::max<int64_t>(100, n / 10);
  absl::StatusOr<BenchDirectory> bench_dir = BenchDirectory::Make();
  if (!bench_dir.ok()) return Fail(bench_dir.status());
  const std::string& dir = bench_dir->path();
  std::printf("bench claims: %lld files for %lld insured, in %s\n", static_cast<long long>(n),
              static_cast<long long>(insured), dir.c_str());
  std::fflush(stdout);

  // Each file's two events (ClaimSubmitted, ClaimDecided) stay within the embedded broker's 5 MiB
  // a partition.
  stack::StackOptions options;
  options.data_dir = dir + "/stack";
  options.services = {"registration", "beneficiary", "claims"};
  options.partitions = static_cast<int>(std::max<int64_t>(8, n / 5000));
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  const absl::CivilDay registered_on = ServiceToday();
  absl::Time t = absl::Now();
  auto families = RegisterInsured(**s, dir, insured);
  if (!families.ok()) return Fail(families.status());
  const std::string claims_address = (*s)->endpoint("claims").grpc;
  auto tariff = ImportSampleTariff(claims_address, dir, registered_on - 365);
  if (!tariff.ok()) return Fail(tariff.status());
  std::printf("  registered %zu insured and imported the sample TNR (%lld acts) in %.1f s (not timed)\n",
              families->size(), static_cast<long long>(tariff->acts()), absl::ToDoubleSeconds(absl::Now() - t));

  datagen::ClaimsOptions gen;
  gen.claims = n;
  gen.families = *std::move(families);
  gen.out_dir = dir;
  gen.seed = 42;
  gen.filed_date = registered_on;
  for (const char* reason :
       {datagen::kNotCovered, datagen::kUnknownAct, datagen::kDuplicate, datagen::kQuantityOverMaximum}) {
    gen.rejection_percent[reason] = kPlantedPercent;
  }
  auto file = datagen::GenerateClaimsFile(gen);
  if (!file.ok()) return Fail(file.status());
  std::printf("  generated %lld files, %lld items (%.0f %% planted to be rejected)\n",
              static_cast<long long>(file->claims), static_cast<long long>(file->items),
              100.0 * (file->items - file->clean_items) / file->items);
  std::fflush(stdout);

  DecisionsSeen seen;
  auto consumer = events::KafkaConsumer::Create({.kafka = {.bootstrap_servers = (*s)->bootstrap_servers()},
                                                 .group_id = absl::StrCat("bench-claims-", getpid()),
                                                 .topics = {events::Topic(events::kClaimsDomain, kProgram)}},
                                                &seen, nullptr);
  if (!consumer.ok()) return Fail(consumer.status());
  (*consumer)->Start();

  // From the first byte sent until the last ClaimDecided is on Kafka.
  const absl::Time start = absl::Now();
  auto header = ReadClaimBatchHeader(file->manifest_path);
  if (!header.ok()) return Fail(header.status());
  auto received = UploadFile(
      file->csv_path, *header, &ClaimsStub::SubmitClaimBatch,
      [&]() -> absl::StatusOr<std::string> { return claims_address; }, absl::ZeroDuration(), "claims");
  if (!received.ok()) return Fail(received.status());
  const absl::Time uploaded = absl::Now();
  v1::ClaimBatchStatus status = *received;
  v1::GetClaimBatchRequest get;
  get.set_sender(file->sender);
  get.set_batch_id(file->batch_id);
  absl::Status completed = stack::WaitUntil(
      [&] {
        auto next = rpc::Call(claims_address, &ClaimsStub::GetClaimBatch, get);
        if (next.ok()) status = *next;
        return status.state() != "RECEIVING" && status.state() != "DECIDING";
      },
      absl::Hours(2), "every file decided");
  if (!completed.ok()) return Fail(completed);
  if (status.state() != "COMPLETED")
    return Fail(absl::StrCat("the batch ended ", status.state(), ": ", status.refusal()));
  const absl::Time decided = absl::Now();
  // Files waiting for an agent have no ClaimDecided yet.
  const int64_t expected = Outcome(status, "ACCEPTED") + Outcome(status, "PARTIAL") + Outcome(status, "REJECTED");
  absl::Status published = stack::WaitUntil([&] { return seen.decided() >= expected; }, absl::Hours(1),
                                            absl::StrCat(expected, " ClaimDecided on Kafka"));
  if (!published.ok()) return Fail(published);
  const absl::Time last_event = std::max(seen.last(), start);
  consumer->reset();  // leaves the group while the broker still runs
  (*s)->Stop();

  auto raw = RawInsert(file->csv_path, absl::StrCat("sqlite:", dir, "/raw.db"));
  if (!raw.ok()) return Fail(raw.status());
  auto since = [&](absl::Time at) { return absl::ToDoubleSeconds(at - start); };
  const double total = since(last_event);
  std::printf("  received at %.1f s; every file decided or in review at %.1f s; last ClaimDecided on Kafka at %.1f s\n",
              since(uploaded), since(decided), total);
  std::printf("  files: ACCEPTED %lld, PARTIAL %lld, REJECTED %lld, IN_REVIEW %lld\n",
              static_cast<long long>(Outcome(status, "ACCEPTED")), static_cast<long long>(Outcome(status, "PARTIAL")),
              static_cast<long long>(Outcome(status, "REJECTED")),
              static_cast<long long>(Outcome(status, "IN_REVIEW")));
  std::printf(
      "claims: %lld files (%lld items) in %.1f s end to end (%.0f files/s); raw insert of %lld items %.1f s "
      "(%.0f items/s); ratio %.3f\n",
      static_cast<long long>(n), static_cast<long long>(file->items), total, n / total,
      static_cast<long long>(file->items), absl::ToDoubleSeconds(*raw), file->items / absl::ToDoubleSeconds(*raw),
      absl::ToDoubleSeconds(*raw) / total);
  return 0;
}

}  // namespace himaya::cli
