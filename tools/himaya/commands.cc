#include "commands.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "core/signals.h"
#include "datagen/liaison_generator.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/client.h"
#include "rpc/credentials.h"
#include "rpc/status.h"
#include "stack/local_stack.h"
#include "uploads.h"

ABSL_FLAG(std::string, data_dir, "./var", "Data directory of the local stack");
ABSL_FLAG(std::string, registration_database, "",
          "up/demo: database URL of registration (default: SQLite in the data directory)");
ABSL_FLAG(std::string, notification_database, "",
          "up/demo: database URL of notification (default: SQLite in the data directory)");
ABSL_FLAG(std::string, programs, "all", "up/demo: programs the stack serves");
ABSL_FLAG(std::string, registration_address, "", "gRPC address of registration (default: found in the data directory)");
ABSL_FLAG(std::string, notification_address, "", "gRPC address of notification (default: found in the data directory)");
ABSL_FLAG(std::string, tls_cert, "",
          "Certificate the CLI shows to the services (mutual TLS; default: DATA_DIR/tls/cli.crt of the local stack)");
ABSL_FLAG(std::string, tls_key, "", "Private key of --tls_cert (default: DATA_DIR/tls/cli.key)");
ABSL_FLAG(std::string, tls_ca, "", "Authority the services' certificates are signed by (default: DATA_DIR/tls/ca.crt)");
ABSL_FLAG(std::string, cin, "", "register: national identity card number");
ABSL_FLAG(std::string, last_name, "", "register: last name (Latin script)");
ABSL_FLAG(std::string, first_name, "", "register: first name (Latin script)");
ABSL_FLAG(std::string, birth_date, "", "register: YYYY-MM-DD");
ABSL_FLAG(std::string, sex, "", "register: M or F");
ABSL_FLAG(std::string, phone, "", "register: Moroccan mobile number");
ABSL_FLAG(std::string, program, "amo-tns", "register: program");
ABSL_FLAG(std::string, category, "", "register: category of the program");
ABSL_FLAG(std::string, city, "", "register: city");
ABSL_FLAG(std::string, language, "fr", "register: preferred language of messages (fr, ar)");
ABSL_FLAG(std::string, template_key, "reminder", "campaign start: the template");
ABSL_FLAG(std::string, agent_name, "", "campaign start: the agent starting it");
ABSL_FLAG(std::string, region, "", "campaign start: region of the segment");
ABSL_FLAG(std::string, registered_before, "", "campaign start: registered before this day (YYYY-MM-DD)");
ABSL_FLAG(bool, not_activated, false, "campaign start: only accounts not yet activated");

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;
namespace notif = himaya::notification::v1;

absl::StatusOr<std::string> AddressOf(const std::string& service, const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  absl::StatusOr<stack::Endpoint> endpoint = stack::ReadEndpoint(absl::GetFlag(FLAGS_data_dir), service);
  if (!endpoint.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot find the ", service, " service in ",
                                               absl::GetFlag(FLAGS_data_dir),
                                               "/run (is 'himaya up' running with the same --data_dir?)"));
  }
  return endpoint->grpc;
}

stack::StackOptions OptionsFromFlags(const std::string& data_dir) {
  stack::StackOptions options;
  options.data_dir = data_dir;
  options.programs = absl::GetFlag(FLAGS_programs);
  if (!absl::GetFlag(FLAGS_registration_database).empty()) {
    options.databases["registration"] = absl::GetFlag(FLAGS_registration_database);
  }
  if (!absl::GetFlag(FLAGS_notification_database).empty()) {
    options.databases["notification"] = absl::GetFlag(FLAGS_notification_database);
  }
  return options;
}

void PrintStack(const stack::LocalStack& s) {
  std::printf("  broker        Kafka on %s (embedded, memory only)\n", s.bootstrap_servers().c_str());
  for (const std::string& service : stack::Services()) {
    stack::Endpoint e = s.endpoint(service);
    std::printf("  %-13s gRPC %s, metrics http://%s/metrics\n", service.c_str(), e.grpc.c_str(), e.metrics.c_str());
  }
  std::printf("  sms           %s/sms.jsonl (the SMS the local stack sends)\n", s.data_dir().c_str());
  std::printf("  logs          %s/logs/\n", s.data_dir().c_str());
}

bool BrokerReachable(const std::string& bootstrap) {
  std::vector<std::string> first = absl::StrSplit(bootstrap, ',');
  std::pair<std::string, std::string> hp = absl::StrSplit(first[0], absl::MaxSplits(':', 1));
  int port = 0;
  if (!absl::SimpleAtoi(hp.second, &port)) return false;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = inet_pton(AF_INET, hp.first.c_str(), &addr.sin_addr) == 1 &&
            connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

std::string Mask(const std::string& value) {
  if (value.size() < 4) return std::string(value.size(), '*');
  return value.substr(0, 2) + std::string(value.size() - 4, '*') + value.substr(value.size() - 2);
}

absl::StatusOr<reg::Person> RegisterVia(const std::string& address, const reg::RegisterPersonRequest& request) {
  auto stub = reg::RegistrationService::NewStub(rpc::NewChannel(address));
  auto context = rpc::NewContext();
  reg::RegisterPersonResponse response;
  grpc::Status status = stub->RegisterPerson(context.get(), request, &response);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return response.person();
}

absl::StatusOr<std::vector<notif::Message>> MessagesVia(const std::string& address, const std::string& number) {
  auto stub = notif::NotificationService::NewStub(rpc::NewChannel(address));
  auto context = rpc::NewContext();
  notif::ListMessagesRequest request;
  request.set_registration_number(number);
  notif::ListMessagesResponse response;
  grpc::Status status = stub->ListMessages(context.get(), request, &response);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return std::vector<notif::Message>(response.messages().begin(), response.messages().end());
}

std::string Describe(const notif::Message& m) {
  return absl::StrCat(google::protobuf::util::TimeUtil::ToString(m.created_at()), "  ",
                      notif::MessageStatus_Name(m.status()).substr(15), "  ", m.channel(), "/", m.template_(), "/",
                      m.language(), "  ", m.parts(), " part(s), ", m.attempts(), " attempt(s)",
                      m.last_error().empty() ? "" : absl::StrCat(": ", m.last_error()), "  (event ",
                      m.source_event_id(), ")");
}

}  // namespace

absl::Status UseCliCredentials() {
  rpc::TlsFiles files = stack::LocalStack::TlsFilesIn(absl::GetFlag(FLAGS_data_dir), stack::kCliIdentity);
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) files.cert = absl::GetFlag(FLAGS_tls_cert);
  if (!absl::GetFlag(FLAGS_tls_key).empty()) files.key = absl::GetFlag(FLAGS_tls_key);
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) files.ca = absl::GetFlag(FLAGS_tls_ca);
  absl::StatusOr<rpc::TlsIdentity> identity = rpc::LoadTlsIdentity(files);
  if (!identity.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("no certificate for the CLI (", identity.status().message(),
                                                      "); is 'himaya up' running with the same --data_dir?"));
  }
  rpc::UseClientCredentials(rpc::MutualTlsChannelCredentials(*identity));
  return absl::OkStatus();
}

int Up(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("up takes no arguments");
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::printf("Starting the local stack in %s ...\n", data_dir.c_str());
  std::fflush(stdout);
  auto s = stack::LocalStack::Start(OptionsFromFlags(data_dir));
  if (!s.ok()) return Fail(s.status());
  std::printf("The stack is up:\n");
  PrintStack(**s);
  std::printf("Ctrl-C stops it.\n");
  std::fflush(stdout);
  // A crashed service is restarted with back-off; a crashed broker too, and every service after it.
  while (core::WaitForTerminationSignal(absl::Milliseconds(250)) == 0) {
    for (const std::string& line : (*s)->Supervise()) {
      std::printf("%s %s\n", absl::FormatTime("%H:%M:%S", absl::Now(), absl::LocalTimeZone()).c_str(), line.c_str());
      std::fflush(stdout);
    }
  }
  std::printf("Stopping ...\n");
  (*s)->Stop();
  std::printf("Stopped.\n");
  return 0;
}

int Status(const std::vector<std::string>& args) {
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  bool all_up = true;
  const std::map<std::string, int> restarts = stack::ReadRestarts(data_dir).value_or(std::map<std::string, int>{});
  auto broker_restarts = restarts.find("broker");
  const std::string broker_note = broker_restarts == restarts.end() || broker_restarts->second == 0
                                      ? ""
                                      : absl::StrCat(", restarts ", broker_restarts->second);
  absl::StatusOr<std::string> bootstrap = stack::ReadBootstrap(data_dir);
  if (bootstrap.ok() && BrokerReachable(*bootstrap)) {
    std::printf("%-13s SERVING   Kafka on %s%s\n", "broker", bootstrap->c_str(), broker_note.c_str());
  } else {
    all_up = false;
    std::printf("%-13s DOWN      %s%s\n", "broker", bootstrap.ok() ? "not answering" : "not running (no run file)",
                broker_note.c_str());
  }
  for (const std::string& service : stack::Services()) {
    auto restarted = restarts.find(service);
    const std::string restart_note = restarted == restarts.end() ? "" : absl::StrCat(", restarts ", restarted->second);
    absl::StatusOr<stack::Endpoint> e = stack::ReadEndpoint(data_dir, service);
    if (!e.ok()) {
      all_up = false;
      std::printf("%-13s DOWN      not running (no run file)%s\n", service.c_str(), restart_note.c_str());
      continue;
    }
    absl::StatusOr<bool> serving = rpc::CheckHealth(e->grpc);
    if (serving.ok() && *serving) {
      std::printf("%-13s SERVING   gRPC %s, metrics http://%s/metrics%s\n", service.c_str(), e->grpc.c_str(),
                  e->metrics.c_str(), restart_note.c_str());
    } else {
      all_up = false;
      std::printf("%-13s DOWN      %s%s\n", service.c_str(),
                  serving.ok() ? "NOT_SERVING" : std::string(serving.status().message()).c_str(), restart_note.c_str());
    }
  }
  return all_up ? 0 : 1;
}

int Register(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("register takes flags only (--cin=... --last_name=... ...)");
  absl::StatusOr<std::string> address = AddressOf("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return Fail(address.status());
  reg::RegisterPersonRequest request;
  request.set_cin(absl::GetFlag(FLAGS_cin));
  request.set_last_name(absl::GetFlag(FLAGS_last_name));
  request.set_first_name(absl::GetFlag(FLAGS_first_name));
  request.set_birth_date(absl::GetFlag(FLAGS_birth_date));
  request.set_sex(absl::GetFlag(FLAGS_sex));
  request.set_phone(absl::GetFlag(FLAGS_phone));
  request.set_program(absl::GetFlag(FLAGS_program));
  request.set_category(absl::GetFlag(FLAGS_category));
  request.set_city(absl::GetFlag(FLAGS_city));
  request.set_preferred_language(absl::GetFlag(FLAGS_language));
  absl::StatusOr<reg::Person> person = RegisterVia(*address, request);
  if (!person.ok()) return Fail(person.status());
  std::printf("registered %s\n", person->registration_number().c_str());
  return 0;
}

int Person(const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "get") return Fail("usage: himaya person get NUMBER|CIN");
  absl::StatusOr<std::string> address = AddressOf("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return Fail(address.status());
  reg::GetPersonRequest request;
  const std::string& key = args[1];
  bool is_number = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
  if (is_number) {
    request.set_registration_number(key);
  } else {
    request.set_cin(key);
  }
  auto stub = reg::RegistrationService::NewStub(rpc::NewChannel(*address));
  auto context = rpc::NewContext();
  reg::Person p;
  grpc::Status status = stub->GetPerson(context.get(), request, &p);
  if (!status.ok()) return Fail(rpc::FromGrpcStatus(status));
  std::printf(
      "registration_number  %s\ncin                  %s\nname                 %s %s\n"
      "birth_date           %s\nsex                  %s\nphone                %s\n"
      "program              %s\ncategory             %s\ncity                 %s\n"
      "language             %s\nregistered_at        %s\n",
      p.registration_number().c_str(), p.cin().c_str(), p.first_name().c_str(), p.last_name().c_str(),
      p.birth_date().c_str(), p.sex() == reg::SEX_FEMALE ? "F" : "M", p.phone().c_str(), p.program().c_str(),
      p.category().c_str(), p.city().c_str(), p.preferred_language().c_str(),
      google::protobuf::util::TimeUtil::ToString(p.registered_at()).c_str());
  return 0;
}

int Messages(const std::vector<std::string>& args) {
  if (args.size() == 2 && (args[0] == "resend" || args[0] == "opt-out" || args[0] == "opt-in")) {
    absl::StatusOr<std::string> address = AddressOf("notification", absl::GetFlag(FLAGS_notification_address));
    if (!address.ok()) return Fail(address.status());
    auto stub = notif::NotificationService::NewStub(rpc::NewChannel(*address));
    auto context = rpc::NewContext();
    if (args[0] == "resend") {
      notif::ResendRequest request;
      request.set_registration_number(args[1]);
      notif::Message m;
      grpc::Status s = stub->Resend(context.get(), request, &m);
      if (!s.ok()) return Fail(rpc::FromGrpcStatus(s));
      std::printf("queued %s (%s/%s)\n", m.message_id().c_str(), m.template_().c_str(), m.language().c_str());
      return 0;
    }
    notif::SetOptOutRequest request;
    request.set_registration_number(args[1]);
    request.set_channel("sms");
    request.set_opted_out(args[0] == "opt-out");
    notif::SetOptOutResponse response;
    grpc::Status s = stub->SetOptOut(context.get(), request, &response);
    if (!s.ok()) return Fail(rpc::FromGrpcStatus(s));
    std::printf("%s %s\n", args[1].c_str(), args[0] == "opt-out" ? "will receive no SMS" : "receives SMS again");
    return 0;
  }
  if (args.size() != 1) return Fail("usage: himaya messages NUMBER | messages resend|opt-out|opt-in NUMBER");
  absl::StatusOr<std::string> address = AddressOf("notification", absl::GetFlag(FLAGS_notification_address));
  if (!address.ok()) return Fail(address.status());
  auto messages = MessagesVia(*address, args[0]);
  if (!messages.ok()) return Fail(messages.status());
  if (messages->empty()) std::printf("no messages for %s\n", args[0].c_str());
  for (const notif::Message& m : *messages) std::printf("%s\n", Describe(m).c_str());
  return 0;
}

int Campaign(const std::vector<std::string>& args) {
  absl::StatusOr<std::string> address = AddressOf("notification", absl::GetFlag(FLAGS_notification_address));
  if (!address.ok()) return Fail(address.status());
  auto stub = notif::NotificationService::NewStub(rpc::NewChannel(*address));
  auto print = [](const notif::Campaign& c) {
    std::printf("campaign   %s (%s)\nstate      %s\nqueued     %lld\nmessages  ", c.campaign_id().c_str(),
                c.template_().c_str(), c.state().c_str(), static_cast<long long>(c.queued()));
    for (const auto& [status, n] : c.messages()) std::printf(" %s %lld", status.c_str(), static_cast<long long>(n));
    std::printf("\n");
  };
  notif::Campaign campaign;
  auto context = rpc::NewContext();
  if (args.size() == 1 && args[0] == "start") {
    notif::StartCampaignRequest request;
    request.set_template_(absl::GetFlag(FLAGS_template_key));
    request.set_agent(absl::GetFlag(FLAGS_agent_name));
    notif::Segment* s = request.mutable_segment();
    s->set_program(absl::GetFlag(FLAGS_program));
    s->set_category(absl::GetFlag(FLAGS_category));
    s->set_city(absl::GetFlag(FLAGS_city));
    s->set_region(absl::GetFlag(FLAGS_region));
    s->set_not_activated(absl::GetFlag(FLAGS_not_activated));
    if (!absl::GetFlag(FLAGS_registered_before).empty()) {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_registered_before), &day)) {
        return Fail("registered_before: YYYY-MM-DD");
      }
      *s->mutable_registered_before() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone())));
    }
    grpc::Status st = stub->StartCampaign(context.get(), request, &campaign);
    if (!st.ok()) return Fail(rpc::FromGrpcStatus(st));
    print(campaign);
    return 0;
  }
  if (args.size() == 2 && args[0] == "status") {
    notif::GetCampaignRequest request;
    request.set_campaign_id(args[1]);
    grpc::Status st = stub->GetCampaign(context.get(), request, &campaign);
    if (!st.ok()) return Fail(rpc::FromGrpcStatus(st));
    print(campaign);
    return 0;
  }
  return Fail(
      "usage: himaya campaign start --template_key=reminder --program=P [--category=C] [--city=X] "
      "[--region=R] [--registered_before=YYYY-MM-DD] [--not_activated] --agent_name=NAME | "
      "campaign status ID");
}

int Demo(const std::vector<std::string>& args) {
  if (!args.empty()) return Fail("demo takes no arguments");
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir) + "/demo";
  // A fresh directory each time, unless a stack runs there (another demo): its files are kept.
  if (absl::Status removed = stack::RemoveDataDir(data_dir); !removed.ok()) return Fail(removed);
  std::printf("1. Starting the local stack in %s (embedded broker, SQLite) ...\n", data_dir.c_str());
  std::fflush(stdout);
  absl::Time start = absl::Now();
  auto s = stack::LocalStack::Start(OptionsFromFlags(data_dir));
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
  absl::Time sent = absl::Now();
  std::vector<notif::Message> messages;
  absl::Status waited = stack::WaitUntil(
      [&] {
        auto m = MessagesVia((*s)->endpoint("notification").grpc, person->registration_number());
        if (m.ok()) messages = *m;
        return !messages.empty();
      },
      absl::Seconds(60), "the activation message");
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
  messages.clear();
  waited = stack::WaitUntil(
      [&] {
        auto m = MessagesVia((*s)->endpoint("notification").grpc, second->registration_number());
        if (m.ok()) messages = *m;
        return !messages.empty();
      },
      absl::Seconds(60), "the second activation message");
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
  auto stub = reg::RegistrationService::NewStub(rpc::NewChannel((*s)->endpoint("registration").grpc));
  reg::Manifest manifest;
  auto coverage = Upload<reg::CoverageImportResult>(batch->coverage_csv_path, batch->coverage_manifest_path,
                                                    &reg::RegistrationService::Stub::ImportCoverage,
                                                    (*s)->endpoint("registration").grpc, &manifest);
  if (!coverage.ok()) return Fail(coverage.status());
  std::printf("   coverage reference of the CNSS loaded: %lld people covered elsewhere\n",
              static_cast<long long>(coverage->coverages_added()));
  absl::Time batch_start = absl::Now();
  auto received =
      Upload<reg::BatchStatus>(batch->csv_path, batch->manifest_path, &reg::RegistrationService::Stub::SubmitBatch,
                               (*s)->endpoint("registration").grpc, &manifest);
  if (!received.ok()) return Fail(received.status());
  auto applied = WaitUntilApplied(*received, absl::Milliseconds(100),
                                  [&] { return GetBatch(*stub, manifest.liaison_body(), manifest.batch_id()); });
  if (!applied.ok()) return Fail(applied.status());
  const reg::BatchStatus& status = *applied;
  std::printf("   %s in %.1f s:", reg::BatchState_Name(status.state()).substr(12).c_str(),
              absl::ToDoubleSeconds(absl::Now() - batch_start));
  for (const auto& [outcome, n] : status.outcomes())
    std::printf(" %s %lld", outcome.c_str(), static_cast<long long>(n));
  std::printf("\n   the reconciliation report: himaya batch report %s --data_dir=%s (while the stack runs)\n",
              manifest.batch_id().c_str(), data_dir.c_str());

  std::printf("7. Stopping the stack ...\n");
  (*s)->Stop();
  std::printf(
      "Done: registrations by hand and by batch went through the outbox and Kafka; "
      "every batch row has its outcome.\n");
  return 0;
}

}  // namespace himaya::cli
