// himaya-notification: the messages the fund sends to persons, and their delivery.
#include <filesystem>

#include "absl/algorithm/container.h"
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/log.h"
#include "core/programs.h"
#include "events/topics.h"
#include "notification/src/activation_messages.h"
#include "notification/src/campaigns.h"
#include "notification/src/claim_messages.h"
#include "notification/src/dispatcher.h"
#include "notification/src/file_sink_provider.h"
#include "notification/src/kannel_provider.h"
#include "notification/src/message_figures.h"
#include "notification/src/money_messages.h"
#include "notification/src/notification_service.h"
#include "notification/src/person_directory.h"
#include "notification/src/requests.h"
#include "notification/src/secrets.h"
#include "notification/src/templates.h"
#include "notification_migrations.h"
#include "service/runtime.h"

ABSL_FLAG(std::string, sms_provider, "file", "file (the local stack's SMS sink) or kannel");
ABSL_FLAG(std::string, sms_sink, "", "file provider: where SMS are written (default DATA_DIR/sms.jsonl)");
ABSL_FLAG(std::string, kannel_sendsms_url, "http://127.0.0.1:13013/cgi-bin/sendsms", "Kannel smsbox sendsms URL");
ABSL_FLAG(std::string, kannel_username, "", "Kannel sendsms-user (give it from a secret)");
ABSL_FLAG(std::string, kannel_password_file, "",
          "File holding the Kannel sendsms-user password (or give it in HIMAYA_KANNEL_PASSWORD; never a flag)");
ABSL_FLAG(std::string, sms_sender, "CNSS", "Sender id of the SMS");
ABSL_FLAG(std::string, dlr_address, "127.0.0.1:0", "Where Kannel's delivery reports are received (host:port)");
ABSL_FLAG(std::string, dlr_public_url, "", "The URL Kannel calls for reports (default: http://DLR_ADDRESS/dlr)");
ABSL_FLAG(std::string, dlr_token_file, "",
          "File holding the token delivery reports must carry (or HIMAYA_DLR_TOKEN; default: a new one per process)");
ABSL_FLAG(std::string, registration_address, "",
          "gRPC address of registration (default: found in DATA_DIR/run/registration.json)");
ABSL_FLAG(std::string, templates, "", "Templates JSON (default: the shipped one)");
ABSL_FLAG(double, sms_rate, 50, "SMS per second handed to the provider");
ABSL_FLAG(std::string, quiet_hours, "21:00-08:00", "No SMS between these local times (empty: none)");
ABSL_FLAG(std::string, time_zone, "Africa/Casablanca", "Time zone of the quiet hours");
ABSL_FLAG(int, sms_max_attempts, 6, "Attempts before a message ends FAILED");
ABSL_FLAG(std::string, instance_id, "notification",
          "This replica's name in message claims (stable across restarts, e.g. the pod name)");
ABSL_FLAG(bool, dispatch, true, "Send messages (off: only record them, e.g. while another process sends)");
ABSL_DECLARE_FLAG(std::string, data_dir);

namespace {

using namespace himaya;

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<notification::Templates> templates;
  std::unique_ptr<notification::MessageFigures> figures;
  std::unique_ptr<notification::PersonDirectory> directory;
  std::unique_ptr<notification::SmsProvider> provider;
  std::unique_ptr<notification::Dispatcher> dispatcher;
  std::unique_ptr<notification::DeliveryReportServer> reports;
  std::unique_ptr<notification::ActivationMessages> activation;
  std::unique_ptr<notification::ClaimMessages> claim_messages;
  std::unique_ptr<notification::CoverageMessages> coverage_messages;
  std::unique_ptr<notification::AllowanceMessages> allowance_messages;
  std::unique_ptr<notification::MessageRequests> requests;
  std::unique_ptr<notification::Campaigns> campaigns;
  std::unique_ptr<notification::NotificationService> grpc_service;
  // Delivery reports may arrive before the dispatcher exists; they wait for it here.
  struct LateSink final : notification::DeliveryReportSink {
    notification::DeliveryReportSink* target = nullptr;
    absl::Status OnDeliveryReport(const std::string& id, bool delivered, const std::string& reason) override {
      return target ? target->OnDeliveryReport(id, delivered, reason) : absl::UnavailableError("starting");
    }
  } sink;
  return service::RunService(
      argc, argv, "notification",
      [](storage::Dialect d) { return std::vector<storage::MigrationSet>{storage::NotificationMigrations(d)}; },
      [&](service::ServiceRuntime& runtime) -> absl::Status {
        auto loaded = notification::Templates::Load(absl::GetFlag(FLAGS_templates));
        if (!loaded.ok()) return loaded.status();
        templates = std::make_unique<notification::Templates>(*std::move(loaded));
        figures = std::make_unique<notification::MessageFigures>(runtime.db(), runtime.registry());
        runtime.AddFigures("notification", [&](const auto&) { return figures->Refresh(); });
        notification::DeliveryReportCounters(runtime.registry());
        auto registration = service::PeerAddress("registration", absl::GetFlag(FLAGS_registration_address));
        if (!registration.ok()) return registration.status();
        directory = notification::NewRegistrationDirectory(*registration);
        auto quiet = notification::ParseQuietHours(absl::GetFlag(FLAGS_quiet_hours));
        if (!quiet.ok()) return quiet.status();
        absl::TimeZone zone;
        if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
          return absl::InvalidArgumentError("time_zone: unknown (install tzdata)");
        }
        const std::string kind = absl::GetFlag(FLAGS_sms_provider);
        if (kind == "file") {
          std::string path = absl::GetFlag(FLAGS_sms_sink);
          if (path.empty()) path = absl::GetFlag(FLAGS_data_dir) + "/sms.jsonl";
          provider = std::make_unique<notification::FileSinkProvider>(path, &sink);
        } else if (kind == "kannel") {
          auto password = notification::ReadSecret("kannel_password_file", absl::GetFlag(FLAGS_kannel_password_file),
                                                   "HIMAYA_KANNEL_PASSWORD");
          if (!password.ok()) return password.status();
          if (!password->has_value()) {
            return absl::InvalidArgumentError(
                "sms_provider=kannel needs the Kannel password: --kannel_password_file=PATH or HIMAYA_KANNEL_PASSWORD");
          }
          auto token =
              notification::ReadSecret("dlr_token_file", absl::GetFlag(FLAGS_dlr_token_file), "HIMAYA_DLR_TOKEN");
          if (!token.ok()) return token.status();
          // A token of this process only: reports of messages sent before a restart are refused.
          if (!token->has_value()) *token = notification::NewToken();
          std::vector<std::string> hp = absl::StrSplit(absl::GetFlag(FLAGS_dlr_address), absl::MaxSplits(':', 1));
          int port = 0;
          if (hp.size() != 2 || !absl::SimpleAtoi(hp[1], &port)) {
            return absl::InvalidArgumentError("dlr_address: host:port");
          }
          auto started = notification::DeliveryReportServer::Start(hp[0], port, **token, sink, &runtime.registry());
          if (!started.ok()) return started.status();
          reports = std::move(*started);
          std::string dlr_url = absl::GetFlag(FLAGS_dlr_public_url);
          if (dlr_url.empty()) dlr_url = reports->url();
          provider = std::make_unique<notification::KannelProvider>(
              notification::KannelOptions{absl::GetFlag(FLAGS_kannel_sendsms_url), absl::GetFlag(FLAGS_kannel_username),
                                          **password, absl::GetFlag(FLAGS_sms_sender), dlr_url, **token});
          log::Info("delivery reports", {{"url", dlr_url}});
        } else {
          return absl::InvalidArgumentError("sms_provider: file or kannel");
        }
        notification::DispatchOptions options;
        options.rate_per_second = absl::GetFlag(FLAGS_sms_rate);
        options.quiet_start = quiet->first;
        options.quiet_end = quiet->second;
        options.time_zone = zone;
        options.max_attempts = absl::GetFlag(FLAGS_sms_max_attempts);
        options.instance_id = absl::GetFlag(FLAGS_instance_id);
        dispatcher = std::make_unique<notification::Dispatcher>(runtime.db(), *provider, *directory, *templates,
                                                                runtime.event_source(), options, &runtime.registry(),
                                                                [&runtime] { runtime.relay().Wake(); });
        sink.target = dispatcher.get();
        activation = std::make_unique<notification::ActivationMessages>(
            runtime.clock(), runtime.random(), [&](const std::string& program, const std::string& template_key) {
              dispatcher->Queued(program, "sms", template_key);
            });
        absl::Status consumer = runtime.AddConsumer(
            "notification", events::Topics(events::kRegistrationDomain, runtime.config().programs), *activation);
        if (!consumer.ok()) return consumer;
        // Claims' decisions and payments, announced to the insured: a consumer group of its own.
        claim_messages = std::make_unique<notification::ClaimMessages>(
            runtime.clock(), runtime.random(), [&](const std::string& program, const std::string& template_key) {
              dispatcher->Queued(program, "sms", template_key);
            });
        consumer = runtime.AddConsumer(
            "notification-claims", events::Topics(events::kClaimsDomain, runtime.config().programs), *claim_messages);
        if (!consumer.ok()) return consumer;
        // Coverage suspended or restored for contributions, and family allowances paid: one group each.
        coverage_messages = std::make_unique<notification::CoverageMessages>(
            runtime.clock(), runtime.random(), [&](const std::string& program, const std::string& template_key) {
              dispatcher->Queued(program, "sms", template_key);
            });
        consumer = runtime.AddConsumer("notification-contributions",
                                       events::Topics(events::kContributionsDomain, runtime.config().programs),
                                       *coverage_messages);
        if (!consumer.ok()) return consumer;
        if (absl::c_linear_search(runtime.config().programs, core::kProgramFamilyAllowances)) {
          allowance_messages = std::make_unique<notification::AllowanceMessages>(
              runtime.clock(), runtime.random(), [&](const std::string& program, const std::string& template_key) {
                dispatcher->Queued(program, "sms", template_key);
              });
          consumer = runtime.AddConsumer("notification-allowances",
                                         {events::Topic(events::kBeneficiaryDomain, core::kProgramFamilyAllowances)},
                                         *allowance_messages);
          if (!consumer.ok()) return consumer;
        }
        auto queued = [&](const std::string& program, const std::string& template_key, int64_t n) {
          dispatcher->Queued(program, "sms", template_key, n);
        };
        requests = std::make_unique<notification::MessageRequests>(runtime.db(), *templates, runtime.clock(),
                                                                   runtime.random(), queued);
        campaigns = std::make_unique<notification::Campaigns>(runtime.db(), *templates, runtime.clock(),
                                                              runtime.random(), queued);
        grpc_service =
            std::make_unique<notification::NotificationService>(*requests, *campaigns, runtime.handler_pool());
        if (absl::GetFlag(FLAGS_dispatch)) dispatcher->Start();
        campaigns->Start();
        // Workers go while the database is open (the runtime closes it after the hooks).
        runtime.OnStop([&] {
          campaigns.reset();
          reports.reset();
          dispatcher->Stop();
        });
        return runtime.Serve({grpc_service.get()}, {notification::v1::NotificationService::service_full_name()});
      });
}
