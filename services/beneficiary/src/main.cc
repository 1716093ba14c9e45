// himaya-beneficiary: insured persons, their families, and who is covered on which date.
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "beneficiary/src/registration_events.h"
#include "beneficiary_migrations.h"
#include "core/log.h"
#include "events/topics.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "service/runtime.h"

namespace {

using namespace himaya;

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<beneficiary::RegistrationEvents> registration_events;
  return service::RunService(
      argc, argv, "beneficiary",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::BeneficiaryMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        registration_events = std::make_unique<beneficiary::RegistrationEvents>(runtime.clock());
        absl::Status consumer =
            runtime.AddConsumer("beneficiary", events::Topics(events::kRegistrationDomain, runtime.config().programs),
                                *registration_events);
        if (!consumer.ok()) return consumer;
        return runtime.Serve({}, {});
      });
}
