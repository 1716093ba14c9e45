// himaya-claims: reimbursement files received one at a time or in bulk, decided by explained
// rules against the national reference tariff, reviewed, paid, and watched against their due date.
#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "claims/src/claim_intake.h"
#include "claims/src/claim_lookup.h"
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
ABSL_FLAG(std::string, time_zone, "Africa/Casablanca", "Time zone of the days (receipt, due dates)");

int main(int argc, char** argv) {
  using namespace himaya;
  std::unique_ptr<claims::ClaimIntake> intake;
  std::unique_ptr<claims::ClaimLookup> lookup;
  std::unique_ptr<claims::ClaimsService> grpc_service;
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
        claims::IntakeOptions intake_options;
        intake_options.zone = zone;
        intake = std::make_unique<claims::ClaimIntake>(runtime.db(), runtime.clock(), runtime.random(), intake_options,
                                                       [&] { wake_decider(); });
        lookup = std::make_unique<claims::ClaimLookup>(runtime.db());
        grpc_service = std::make_unique<claims::ClaimsService>(claims::ClaimsDomain{intake.get(), lookup.get()},
                                                               runtime.handler_pool());
        payment_runs = std::make_unique<claims::PaymentRuns>(
            runtime.db(), runtime.event_source(),
            claims::PaymentRuns::Hooks{nullptr, [&runtime] { runtime.relay().Wake(); }});
        payment_service = std::make_unique<claims::PaymentService>(runtime.handler_pool(), *payment_runs);
        return runtime.Serve(
            {grpc_service.get(), payment_service.get()},
            {claims::v1::ClaimsService::service_full_name(), claims::v1::ClaimPaymentService::service_full_name()});
      });
}
