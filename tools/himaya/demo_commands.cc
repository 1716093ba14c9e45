// himaya demo: starts a stack, walks registrations (by hand and by batch) through it end to end,
// then an insured person's journey through the gateway (demo_journey.cc), prints what happened,
// and stops it.
#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "datagen/liaison_generator.h"
#include "demo_journey.h"
#include "failure.h"
#include "figures.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "messages_commands.h"
#include "rpc/call.h"
#include "stack/local_prometheus.h"
#include "stack/local_stack.h"
#include "stack_commands.h"
#include "uploads.h"

ABSL_DECLARE_FLAG(std::string, data_dir);

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;
namespace notif = himaya::notification::v1;

std::string Mask(const std::string& value) {
  if (value.size() < 4) return std::string(value.size(), '*');
  return value.substr(0, 2) + std::string(value.size() - 4, '*') + value.substr(value.size() - 2);
}

absl::StatusOr<reg::Person> RegisterVia(const std::string& address, const reg::RegisterPersonRequest& request) {
  auto registered = rpc::Call(address, &reg::RegistrationService::Stub::RegisterPerson, request);
  if (!registered.ok()) return registered.status();
  return registered->person();
}

}  // namespace

int Demo(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("demo takes no arguments");
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir) + "/demo";
  // A fresh directory each time, unless a stack runs there (another demo): its files are kept.
  if (absl::Status removed = stack::RemoveDataDir(data_dir); !removed.ok()) return Fail(removed);
  std::printf("1. Starting the local stack in %s (embedded broker, SQLite) ...\n", data_dir.c_str());
  std::fflush(stdout);
  absl::Time start = absl::Now();
  auto s = stack::LocalStack::Start(StackOptionsFromFlags(data_dir));
  if (!s.ok()) return Fail(s.status());
  std::printf("   up in %.1f s:\n", absl::ToDoubleSeconds(absl::Now() - start));
  PrintStack(**s);

  reg::RegisterPersonRequest request;
  request.set_cin("BK123456");
  request.set_last_name("Alaoui");
  request.set_first_name("Amina");
  request.set_birth_date("1985-03-12");
  request.set_sex("F");
  request.set_phone("0612345678");
  request.set_program("amo-tns");
  request.set_category("AGRI");
  request.set_city("Settat");
  request.set_preferred_language("ar");
  std::printf(
      "2. Registering a farmer sent by the Ministry of Agriculture (program amo-tns, "
      "category AGRI, CIN %s) ...\n",
      Mask(request.cin()).c_str());
  absl::StatusOr<reg::Person> person = RegisterVia((*s)->endpoint("registration").grpc, request);
  if (!person.ok()) return Fail(person.status());
  std::printf("   registered: number %s; PersonRegistered written to the outbox with the person\n",
              person->registration_number().c_str());

  std::printf(
      "3. The outbox relay publishes the event to himaya.registration.amo-tns.v1; "
      "notification consumes it ...\n");
  std::fflush(stdout);
  // Waits up to a minute for the person's first message; `messages` holds them all then.
  std::vector<notif::Message> messages;
  auto wait_for_message = [&](const std::string& number, const std::string& what) {
    messages.clear();
    return stack::WaitUntil(
        [&] {
          auto m = ListMessages((*s)->endpoint("notification").grpc, number);
          if (m.ok()) messages = *m;
          return !messages.empty();
        },
        absl::Seconds(60), what);
  };
  absl::Time sent = absl::Now();
  absl::Status waited = wait_for_message(person->registration_number(), "the activation message");
  if (!waited.ok()) return Fail(waited);
  std::printf("   activation message recorded %.2f s later: %s\n", absl::ToDoubleSeconds(absl::Now() - sent),
              Describe(messages[0]).c_str());

  std::printf("   (the first event waits for notification's consumer group to form)\n");
  request.set_cin("AE77001");
  request.set_first_name("Karim");
  request.set_last_name("Tazi");
  request.set_sex("M");
  request.set_category("AE");
  request.set_preferred_language("fr");
  std::printf("4. Registering a second person, a self-employed worker (category AE) ...\n");
  std::fflush(stdout);
  absl::StatusOr<reg::Person> second = RegisterVia((*s)->endpoint("registration").grpc, request);
  if (!second.ok()) return Fail(second.status());
  sent = absl::Now();
  waited = wait_for_message(second->registration_number(), "the second activation message");
  if (!waited.ok()) return Fail(waited);
  std::printf("   number %s; activation message recorded %.3f s later (%s)\n", second->registration_number().c_str(),
              absl::ToDoubleSeconds(absl::Now() - sent), messages[0].language().c_str());

  request.set_cin("BK123456");
  std::printf("5. Registering the first CIN again ...\n");
  absl::StatusOr<reg::Person> again = RegisterVia((*s)->endpoint("registration").grpc, request);
  std::printf("   refused as expected: %s\n",
              again.ok() ? "NOT REFUSED" : std::string(again.status().message()).c_str());
  if (again.ok()) return Fail("a second registration of the same CIN was accepted");

  std::printf(
      "6. The Ministry of Agriculture sends a batch of 5,000 farmers (with duplicates, "
      "invalid rows, look-alikes and people the CNSS already covers) ...\n");
  std::fflush(stdout);
  datagen::LiaisonOptions gen;
  gen.records = 5000;
  gen.out_dir = data_dir;
  auto batch = datagen::GenerateLiaisonBatch(gen);
  if (!batch.ok()) return Fail(batch.status());
  reg::Manifest manifest;
  auto coverage = Upload<reg::CoverageImportResult>(batch->coverage_csv_path, batch->coverage_manifest_path,
                                                    &reg::RegistrationService::Stub::ImportCoverage,
                                                    (*s)->endpoint("registration").grpc, &manifest);
  if (!coverage.ok()) return Fail(coverage.status());
  std::printf("   coverage reference of the CNSS loaded: %lld people covered elsewhere\n",
              static_cast<long long>(coverage->coverages_added()));
  absl::Time batch_start = absl::Now();
  auto applied = SubmitAndWaitUntilApplied(batch->csv_path, batch->manifest_path, (*s)->endpoint("registration").grpc,
                                           absl::Milliseconds(100), &manifest);
  if (!applied.ok()) return Fail(applied.status());
  const reg::BatchStatus& status = *applied;
  std::printf("   %s in %.1f s:", reg::BatchState_Name(status.state()).substr(12).c_str(),
              absl::ToDoubleSeconds(absl::Now() - batch_start));
  for (const auto& [outcome, n] : status.outcomes())
    std::printf(" %s %lld", outcome.c_str(), static_cast<long long>(n));
  std::printf("\n   the reconciliation report: himaya batch report %s --data_dir=%s (while the stack runs)\n",
              manifest.batch_id().c_str(), data_dir.c_str());

  absl::StatusOr<int> next = WalkPortalJourney(**s, {person->registration_number(), second->registration_number()}, 7);
  if (!next.ok()) return Fail(next.status());
  if (const std::string url = (*s)->prometheus_url(); !url.empty()) {
    // The figures are counted every few seconds and scraped every two: wait until they hold the
    // batch, the child declared, the claim paid and the SMS sent.
    const int64_t registered = 2 + (status.outcomes().count("REGISTERED") ? status.outcomes().at("REGISTERED") : 0);
    std::printf("%d. The press conference's figures, read from Prometheus at %s/ ...\n", (*next)++, url.c_str());
    const std::string address = url.substr(std::string("http://").size());
    auto at_least = [&](const std::string& promql, double expected) {
      auto samples = stack::QueryPrometheus(address, promql);
      return samples.ok() && !samples->empty() && samples->front().value >= expected;
    };
    absl::Status counted = stack::WaitUntil(
        [&] {
          return at_least("sum(program_category_region:himaya_registration_persons:max)", registered) &&
                 at_least("sum(program_category_region:himaya_beneficiary_children:max)", 1) &&
                 at_least("sum(program_category_region:himaya_beneficiary_insured:max)", registered) &&
                 at_least("sum(program:himaya_claims_settled_files:max)", 1) &&
                 at_least("sum(program_channel:himaya_notification_messages_sent:max)", 1);
        },
        absl::Seconds(90), "the demo's figures in Prometheus");
    if (!counted.ok()) return Fail(counted);
    std::fflush(stdout);
    if (absl::Status printed = PrintFigures(address, "program", OutputFormat::kTable); !printed.ok()) {
      return Fail(printed);
    }
  }
  std::printf("%d. Stopping the stack ...\n", *next);
  (*s)->Stop();
  std::printf(
      "Done: registrations by hand and by batch went through the outbox and Kafka; every batch row has its "
      "outcome; an insured activated their account, downloaded their certificate, declared a child and was "
      "reimbursed a claim, all through the gateway.\n");
  return 0;
}

}  // namespace himaya::cli
