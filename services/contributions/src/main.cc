// himaya-contributions: each insured's monthly contribution called per period, payments
// imported from payment files, balances, and coverage suspended after the grace period.
#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "contributions/src/contribution_calls.h"
#include "contributions/src/contribution_figures.h"
#include "contributions/src/contribution_rules.h"
#include "contributions/src/contribution_status.h"
#include "contributions/src/contributions_service.h"
#include "contributions/src/coverage_suspensions.h"
#include "contributions/src/payment_imports.h"
#include "contributions/src/registration_events.h"
#include "contributions_migrations.h"
#include "events/topics.h"
#include "himaya/contributions/v1/contributions.grpc.pb.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, contribution_rules, "",
          "The contribution rules (JSON; default: the shipped config/contribution_rules.json)");
ABSL_FLAG(std::string, time_zone, "Africa/Casablanca", "Time zone of the days (registration, due dates, payments)");
ABSL_FLAG(int, call_page, 1000, "Insured called per transaction when a period is called");
ABSL_FLAG(absl::Duration, suspension_period, absl::Hours(1),
          "How often the insured in arrears are checked for suspension (also after each payment file)");

int main(int argc, char** argv) {
  using namespace himaya;
  std::optional<contributions::ContributionRules> rules;
  std::unique_ptr<contributions::RegistrationEvents> registration_events;
  std::unique_ptr<contributions::ContributionCalls> calls;
  std::unique_ptr<contributions::ContributionStatuses> statuses;
  std::unique_ptr<contributions::PaymentImports> imports;
  std::unique_ptr<contributions::CoverageSuspensions> suspensions;
  std::unique_ptr<contributions::ContributionFigures> figures;
  std::unique_ptr<contributions::ContributionsService> grpc_service;
  return service::RunService(
      argc, argv, "contributions",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::ContributionsMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        auto loaded = contributions::ContributionRules::Load(absl::GetFlag(FLAGS_contribution_rules));
        if (!loaded.ok()) return loaded.status();
        rules.emplace(*std::move(loaded));
        absl::TimeZone zone;
        if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
          return absl::InvalidArgumentError("time_zone: unknown (install tzdata)");
        }
        registration_events = std::make_unique<contributions::RegistrationEvents>(*rules, zone);
        absl::Status consumer =
            runtime.AddConsumer("contributions", events::Topics(events::kRegistrationDomain, runtime.config().programs),
                                *registration_events);
        if (!consumer.ok()) return consumer;
        if (absl::GetFlag(FLAGS_call_page) < 1) return absl::InvalidArgumentError("call_page: at least 1");
        calls = std::make_unique<contributions::ContributionCalls>(
            runtime.db(), *rules, runtime.event_source(),
            contributions::ContributionCallsOptions{absl::GetFlag(FLAGS_call_page), runtime.config().programs, zone},
            [&runtime] { runtime.relay().Wake(); });
        statuses = std::make_unique<contributions::ContributionStatuses>(runtime.db(), runtime.clock(), zone);
        if (absl::GetFlag(FLAGS_suspension_period) <= absl::ZeroDuration()) {
          return absl::InvalidArgumentError("suspension_period: must be positive");
        }
        suspensions = std::make_unique<contributions::CoverageSuspensions>(
            runtime.db(), *rules, runtime.event_source(),
            contributions::CoverageSuspensionsOptions{zone, runtime.config().programs, 1000,
                                                      absl::GetFlag(FLAGS_suspension_period)},
            [&runtime] { runtime.relay().Wake(); });
        figures = std::make_unique<contributions::ContributionFigures>(runtime.db(), runtime.registry(),
                                                                       runtime.clock(), zone, calls->Programs());
        runtime.AddFigures("contributions", [&](const auto& stopping) { return figures->Refresh(stopping); });
        suspensions->Start();
        // The pass goes while the database is open (the runtime closes it after the hooks).
        runtime.OnStop([&] { suspensions->Stop(); });
        imports = std::make_unique<contributions::PaymentImports>(
            runtime.db(), *rules, runtime.event_source(), contributions::PaymentImportsOptions{zone},
            [&runtime] { runtime.relay().Wake(); }, [&] { suspensions->Wake(); });
        grpc_service =
            std::make_unique<contributions::ContributionsService>(runtime.handler_pool(), *calls, *statuses, *imports);
        return runtime.Serve({grpc_service.get()}, {contributions::v1::ContributionsService::service_full_name()});
      });
}
