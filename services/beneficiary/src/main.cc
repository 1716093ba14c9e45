// himaya-beneficiary: insured persons, their families, and who is covered on which date.
#include "absl/algorithm/container.h"
#include "absl/flags/flag.h"
#include "beneficiary/src/allowance_figures.h"
#include "beneficiary/src/allowance_rules.h"
#include "beneficiary/src/allowance_runs.h"
#include "beneficiary/src/allowance_service.h"
#include "beneficiary/src/attestations.h"
#include "beneficiary/src/beneficiary_service.h"
#include "beneficiary/src/contribution_events.h"
#include "beneficiary/src/eligibility.h"
#include "beneficiary/src/families.h"
#include "beneficiary/src/family_figures.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/src/household_details.h"
#include "beneficiary/src/registration_directory.h"
#include "beneficiary/src/registration_events.h"
#include "beneficiary_migrations.h"
#include "events/topics.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "seal/keys.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, registration_address, "",
          "gRPC address of registration (default: found in DATA_DIR/run/registration.json)");
ABSL_FLAG(absl::Duration, registration_deadline, absl::Seconds(5), "Deadline of each call to registration");
ABSL_FLAG(std::string, family_rules, "", "The family rules (JSON; default: the shipped config/family_rules.json)");
ABSL_FLAG(std::string, allowance_rules, "",
          "The family allowances' rules (JSON; default: the shipped config/allowance_rules.json)");
ABSL_FLAG(int, allowance_page, 1000, "Households per page (and per transaction) of a family allowance draft");
ABSL_FLAG(std::string, time_zone, "Africa/Casablanca", "Time zone of \"today\" (the default date of questions)");
ABSL_FLAG(std::string, attestation_key_file, "",
          "The Ed25519 key attestations are sealed with (<kid>.key; none: GetAttestation is refused)");
ABSL_FLAG(std::string, attestation_keys_dir, "",
          "The public keys (<kid>.pub) VerifyAttestation accepts (default: the signing key's alone)");
ABSL_FLAG(int, attestation_validity_days, 90, "Days an attestation is valid, its issue day included");
ABSL_FLAG(absl::Duration, household_retry, absl::Seconds(5),
          "How long household members wait before registration is asked again after it could not answer");

namespace {

using namespace himaya;

}  // namespace

int main(int argc, char** argv) {
  std::optional<beneficiary::FamilyRules> rules;
  std::unique_ptr<beneficiary::RegistrationDirectory> directory;
  std::unique_ptr<beneficiary::Families> families;
  std::unique_ptr<beneficiary::FamilyFigures> figures;
  std::optional<seal::SigningKey> signing_key;
  std::unique_ptr<beneficiary::Attestations> attestations;
  std::unique_ptr<beneficiary::Eligibility> eligibility;
  std::unique_ptr<beneficiary::BeneficiaryService> grpc_service;
  std::unique_ptr<beneficiary::HouseholdDetails> household_details;
  std::unique_ptr<beneficiary::RegistrationEvents> registration_events;
  beneficiary::ContributionEvents contribution_events;
  std::optional<beneficiary::AllowanceRules> allowance_rules;
  std::unique_ptr<beneficiary::AllowanceRuns> allowance_runs;
  std::unique_ptr<beneficiary::AllowanceDraftWorker> allowance_drafts;
  std::unique_ptr<beneficiary::AllowanceService> allowance_service;
  std::unique_ptr<beneficiary::AllowanceFigures> allowance_figures;
  return service::RunService(
      argc, argv, "beneficiary",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::BeneficiaryMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        auto loaded = beneficiary::FamilyRules::Load(absl::GetFlag(FLAGS_family_rules));
        if (!loaded.ok()) return loaded.status();
        rules.emplace(*std::move(loaded));
        auto loaded_allowances = beneficiary::AllowanceRules::Load(absl::GetFlag(FLAGS_allowance_rules));
        if (!loaded_allowances.ok()) return loaded_allowances.status();
        allowance_rules.emplace(*std::move(loaded_allowances));
        absl::TimeZone zone;
        if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
          return absl::InvalidArgumentError("time_zone: unknown (install tzdata)");
        }
        auto registration = service::PeerAddress("registration", absl::GetFlag(FLAGS_registration_address));
        if (!registration.ok()) return registration.status();
        directory = beneficiary::NewRegistrationDirectory(*registration, absl::GetFlag(FLAGS_registration_deadline));
        beneficiary::HouseholdDetailsOptions household;
        household.retry_after = absl::GetFlag(FLAGS_household_retry);
        household_details = std::make_unique<beneficiary::HouseholdDetails>(
            runtime.db(), *rules, *directory, runtime.clock(), runtime.event_source(), household,
            [&runtime] { runtime.relay().Wake(); });
        registration_events = std::make_unique<beneficiary::RegistrationEvents>(runtime.clock(), zone,
                                                                                [&] { household_details->Wake(); });
        absl::Status consumer =
            runtime.AddConsumer("beneficiary", events::Topics(events::kRegistrationDomain, runtime.config().programs),
                                *registration_events);
        if (!consumer.ok()) return consumer;
        // Suspensions for unpaid contributions (the insured and their family).
        consumer = runtime.AddConsumer("beneficiary-contributions",
                                       events::Topics(events::kContributionsDomain, runtime.config().programs),
                                       contribution_events);
        if (!consumer.ok()) return consumer;
        figures = std::make_unique<beneficiary::FamilyFigures>(runtime.db(), *rules, runtime.registry(),
                                                               runtime.clock(), zone);
        runtime.AddFigures("families", [&](const auto& stopping) { return figures->Refresh(stopping); });
        allowance_figures = std::make_unique<beneficiary::AllowanceFigures>(
            runtime.db(), runtime.registry(),
            absl::c_linear_search(runtime.config().programs, beneficiary::kFamilyAllowancesProgram));
        runtime.AddFigures("allowances", [&](const auto& stopping) { return allowance_figures->Refresh(stopping); });
        household_details->Start();
        // Workers go while the database is open (the runtime closes it after the hooks).
        runtime.OnStop([&] { household_details->Stop(); });
        families = std::make_unique<beneficiary::Families>(runtime.db(), *rules, *directory, runtime.clock(),
                                                           runtime.event_source(), zone);
        eligibility = std::make_unique<beneficiary::Eligibility>(runtime.db(), *rules, runtime.clock(), zone);
        seal::KeyRing ring;
        if (const std::string file = absl::GetFlag(FLAGS_attestation_key_file); !file.empty()) {
          auto key = seal::LoadSigningKey(file);
          if (!key.ok()) return key.status();
          signing_key.emplace(*std::move(key));
        }
        if (const std::string dir = absl::GetFlag(FLAGS_attestation_keys_dir); !dir.empty()) {
          auto loaded_ring = seal::LoadKeyRing(dir);
          if (!loaded_ring.ok()) return loaded_ring.status();
          ring = *std::move(loaded_ring);
        } else if (signing_key) {
          if (absl::Status added = ring.Add(signing_key->kid(), signing_key->public_key()); !added.ok()) return added;
        }
        if (absl::GetFlag(FLAGS_attestation_validity_days) < 1) {
          return absl::InvalidArgumentError("attestation_validity_days: at least 1");
        }
        beneficiary::AttestationOptions attestation_options;
        attestation_options.validity_days = absl::GetFlag(FLAGS_attestation_validity_days);
        attestations = std::make_unique<beneficiary::Attestations>(
            *families, runtime.db(), *directory, signing_key ? &*signing_key : nullptr, std::move(ring),
            runtime.clock(), runtime.random(), attestation_options);
        grpc_service = std::make_unique<beneficiary::BeneficiaryService>(*families, *eligibility, *attestations,
                                                                         runtime.handler_pool());
        beneficiary::AllowanceRunsOptions allowance_options;
        allowance_options.zone = zone;
        allowance_options.page_households = absl::GetFlag(FLAGS_allowance_page);
        if (allowance_options.page_households < 1) return absl::InvalidArgumentError("allowance_page: at least 1");
        allowance_runs = std::make_unique<beneficiary::AllowanceRuns>(
            runtime.db(), *allowance_rules, *directory, runtime.clock(), runtime.event_source(), allowance_options,
            [&runtime] { runtime.relay().Wake(); });
        allowance_drafts = std::make_unique<beneficiary::AllowanceDraftWorker>(*allowance_runs);
        allowance_drafts->Start();
        runtime.OnStop([&] { allowance_drafts->Stop(); });
        allowance_service = std::make_unique<beneficiary::AllowanceService>(runtime.handler_pool(), *allowance_runs,
                                                                            [&] { allowance_drafts->Wake(); });
        return runtime.Serve({grpc_service.get(), allowance_service.get()},
                             {beneficiary::v1::BeneficiaryService::service_full_name(),
                              beneficiary::v1::FamilyAllowanceService::service_full_name()});
      });
}
