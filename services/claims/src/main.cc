// himaya-claims: reimbursement files received one at a time or in bulk, decided by explained
// rules against the national reference tariff, reviewed, paid, and watched against their due date.
#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "claims/src/beneficiary_directory.h"
#include "claims/src/claim_clock.h"
#include "claims/src/claim_decider.h"
#include "claims/src/claim_intake.h"
#include "claims/src/claim_lookup.h"
#include "claims/src/claim_reviews.h"
#include "claims/src/claim_rules.h"
#include "claims/src/claims_service.h"
#include "claims/src/payment_runs.h"
#include "claims/src/payment_service.h"
#include "claims_migrations.h"
#include "core/log.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, beneficiary_address, "",
          "gRPC address of beneficiary (default: found in DATA_DIR/run/beneficiary.json)");
ABSL_FLAG(absl::Duration, beneficiary_deadline, absl::Seconds(5), "Deadline of each call to beneficiary");
ABSL_FLAG(std::string, claim_rules, "", "The claim rules (JSON; default: the shipped config/claim_rules.json)");
ABSL_FLAG(int, decide_chunk, 500, "Files decided together: one eligibility pass, one transaction");
ABSL_FLAG(absl::Duration, decide_period, absl::Seconds(5),
          "How often the decider looks for received files when nothing woke it");
ABSL_FLAG(absl::Duration, decide_retry, absl::Seconds(5),
          "How long received files wait before beneficiary is asked again after it could not answer");
ABSL_FLAG(std::string, time_zone, "Africa/Casablanca", "Time zone of the days (receipt, due dates)");

int main(int argc, char** argv) {
  using namespace himaya;
  std::unique_ptr<claims::ClaimIntake> intake;
  std::unique_ptr<claims::ClaimLookup> lookup;
  claims::BatchIntakeContext batches;
  std::unique_ptr<claims::IntakeMetrics> intake_metrics;
  std::unique_ptr<claims::TariffImports> tariffs;
  std::unique_ptr<claims::AldCertificates> ald;
  std::unique_ptr<claims::ClaimsService> grpc_service;
  std::optional<claims::ClaimRules> rules;
  std::unique_ptr<claims::BeneficiaryDirectory> directory;
  std::unique_ptr<claims::ProcessingTime> processing_time;
  std::unique_ptr<claims::ClaimDecider> decider;
  std::unique_ptr<claims::ClaimReviews> reviews;
  std::unique_ptr<claims::ClaimClock> claim_clock;
  std::unique_ptr<claims::PaymentRuns> payment_runs;
  std::unique_ptr<claims::PaymentService> payment_service;
  // Called when files arrive: the decider's wake-up once it runs.
  std::function<void()> wake_decider = [] {};
  return service::RunService(
      argc, argv, "claims",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::ClaimsMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        absl::TimeZone zone;
        if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
          return absl::InvalidArgumentError("time_zone: unknown (install tzdata)");
        }
        auto beneficiary = service::PeerAddress("beneficiary", absl::GetFlag(FLAGS_beneficiary_address));
        if (!beneficiary.ok()) return beneficiary.status();
        if (absl::GetFlag(FLAGS_beneficiary_deadline) <= absl::ZeroDuration()) {
          return absl::InvalidArgumentError("beneficiary_deadline: must be positive");
        }
        log::Info("claims asks beneficiary", {{"address", *beneficiary}});
        auto loaded = claims::ClaimRules::Load(absl::GetFlag(FLAGS_claim_rules));
        if (!loaded.ok()) return loaded.status();
        rules.emplace(*std::move(loaded));
        if (absl::GetFlag(FLAGS_decide_chunk) < 1) return absl::InvalidArgumentError("decide_chunk: at least 1");
        directory = claims::NewBeneficiaryDirectory(*beneficiary, absl::GetFlag(FLAGS_beneficiary_deadline));
        processing_time = std::make_unique<claims::ProcessingTime>(runtime.registry());
        processing_time->Expect(runtime.config().programs);
        decider = std::make_unique<claims::ClaimDecider>(
            runtime.db(), *rules, *directory, runtime.clock(), runtime.event_source(), runtime.registry(),
            *processing_time,
            claims::ClaimDeciderOptions{.chunk_files = absl::GetFlag(FLAGS_decide_chunk),
                                        .retry_after = absl::GetFlag(FLAGS_decide_retry),
                                        .period = absl::GetFlag(FLAGS_decide_period)},
            [&runtime] { runtime.relay().Wake(); });
        decider->Start();
        // Workers go while the database is open (the runtime closes it after the hooks).
        runtime.OnStop([&] { decider->Stop(); });
        wake_decider = [&] { decider->Wake(); };
        reviews = std::make_unique<claims::ClaimReviews>(
            runtime.db(), runtime.clock(), runtime.event_source(), runtime.registry(), *processing_time,
            claims::ClaimReviewsOptions{.escalate_after_days = rules->escalate_after_days()},
            [&runtime] { runtime.relay().Wake(); });
        claim_clock = std::make_unique<claims::ClaimClock>(runtime.db(), runtime.registry(), runtime.clock(), zone,
                                                           runtime.config().programs);
        runtime.AddFigures("claims", [&](const auto&) { return claim_clock->Refresh(); });
        reviews->Start();
        runtime.OnStop([&] { reviews->Stop(); });
        claims::IntakeOptions intake_options;
        intake_options.zone = zone;
        intake_metrics = std::make_unique<claims::IntakeMetrics>(runtime.registry());
        intake_options.metrics = intake_metrics.get();
        intake_options.due_days = rules->due_days();
        intake = std::make_unique<claims::ClaimIntake>(runtime.db(), runtime.clock(), runtime.random(), intake_options,
                                                       [&] { wake_decider(); });
        lookup = std::make_unique<claims::ClaimLookup>(runtime.db());
        batches = {&runtime.db(), &runtime.clock(), intake_options};
        batches.on_received = [&] { wake_decider(); };
        tariffs = std::make_unique<claims::TariffImports>(runtime.db(), runtime.clock());
        ald = std::make_unique<claims::AldCertificates>(runtime.db(), runtime.clock());
        grpc_service = std::make_unique<claims::ClaimsService>(
            claims::ClaimsDomain{intake.get(), lookup.get(), &batches, tariffs.get(), ald.get(), reviews.get(),
                                 claim_clock.get()},
            runtime.handler_pool());
        payment_runs = std::make_unique<claims::PaymentRuns>(
            runtime.db(), runtime.event_source(),
            claims::PaymentRuns::Hooks{[&](const std::vector<claims::RunClaim>& paid, absl::Time paid_at) {
                                         for (const claims::RunClaim& c : paid) {
                                           processing_time->Observe(c.program, c.received_at, paid_at);
                                         }
                                       },
                                       [&runtime] { runtime.relay().Wake(); }});
        payment_service = std::make_unique<claims::PaymentService>(runtime.handler_pool(), *payment_runs);
        return runtime.Serve(
            {grpc_service.get(), payment_service.get()},
            {claims::v1::ClaimsService::service_full_name(), claims::v1::ClaimPaymentService::service_full_name()});
      });
}
