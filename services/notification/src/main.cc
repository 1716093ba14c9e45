// himaya-notification: the messages the fund sends to persons.
#include "events/topics.h"
#include "notification/src/activation_messages.h"
#include "notification/src/notification_service.h"
#include "notification_migrations.h"
#include "service/runtime.h"

int main(int argc, char** argv) {
  using namespace himaya;
  std::unique_ptr<notification::ActivationMessages> activation;
  std::unique_ptr<notification::NotificationService> grpc_service;
  return service::RunService(
      argc, argv, "notification",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::NotificationMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        activation = std::make_unique<notification::ActivationMessages>(runtime.clock(), runtime.random());
        absl::Status consumer = runtime.AddConsumer(
            "notification", events::Topics(events::kRegistrationDomain, runtime.config().programs),
            *activation);
        if (!consumer.ok()) return consumer;
        grpc_service = std::make_unique<notification::NotificationService>(runtime.db(),
                                                                          runtime.handler_pool());
        return runtime.Serve({grpc_service.get()},
                             {notification::v1::NotificationService::service_full_name()});
      });
}
