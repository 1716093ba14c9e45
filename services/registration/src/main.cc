// himaya-registration: persons and their registration numbers.
#include "registration/src/registrar.h"
#include "registration/src/registration_service.h"
#include "registration_migrations.h"
#include "service/runtime.h"

int main(int argc, char** argv) {
  using namespace himaya;
  std::unique_ptr<registration::Registrar> registrar;
  std::unique_ptr<registration::RegistrationService> grpc_service;
  return service::RunService(
      argc, argv, "registration",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::RegistrationMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        registrar = std::make_unique<registration::Registrar>(
            runtime.db(), runtime.event_source(), runtime.config().programs,
            [&runtime] { runtime.relay().Wake(); });
        grpc_service = std::make_unique<registration::RegistrationService>(*registrar,
                                                                          runtime.handler_pool());
        return runtime.Serve({grpc_service.get()},
                             {registration::v1::RegistrationService::service_full_name()});
      });
}
