// himaya-beneficiary: insured persons, their families, and who is covered on which date.
#include "absl/flags/flag.h"
#include "beneficiary/src/household_details.h"
#include "beneficiary/src/registration_directory.h"
#include "beneficiary/src/registration_events.h"
#include "beneficiary_migrations.h"
#include "events/topics.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, registration_address, "",
          "gRPC address of registration (default: found in DATA_DIR/run/registration.json)");
ABSL_FLAG(absl::Duration, registration_deadline, absl::Seconds(5), "Deadline of each call to registration");
ABSL_FLAG(absl::Duration, household_retry, absl::Seconds(5),
          "How long household members wait before registration is asked again after it could not answer");

namespace {

using namespace himaya;

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<beneficiary::RegistrationDirectory> directory;
  std::unique_ptr<beneficiary::HouseholdDetails> household_details;
  std::unique_ptr<beneficiary::RegistrationEvents> registration_events;
  return service::RunService(
      argc, argv, "beneficiary",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::BeneficiaryMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        auto registration = service::PeerAddress("registration", absl::GetFlag(FLAGS_registration_address));
        if (!registration.ok()) return registration.status();
        directory = beneficiary::NewRegistrationDirectory(*registration, absl::GetFlag(FLAGS_registration_deadline));
        beneficiary::HouseholdDetailsOptions household;
        household.retry_after = absl::GetFlag(FLAGS_household_retry);
        household_details = std::make_unique<beneficiary::HouseholdDetails>(runtime.db(), *directory, runtime.clock(),
                                                                            runtime.event_source(), household,
                                                                            [&runtime] { runtime.relay().Wake(); });
        registration_events =
            std::make_unique<beneficiary::RegistrationEvents>(runtime.clock(), [&] { household_details->Wake(); });
        absl::Status consumer =
            runtime.AddConsumer("beneficiary", events::Topics(events::kRegistrationDomain, runtime.config().programs),
                                *registration_events);
        if (!consumer.ok()) return consumer;
        household_details->Start();
        // Workers go while the database is open (the runtime closes it after the hooks).
        runtime.OnStop([&] { household_details->Stop(); });
        return runtime.Serve({}, {});
      });
}
