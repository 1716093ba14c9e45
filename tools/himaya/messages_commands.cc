// himaya messages / campaign: a person's messages (resend, opt-out, opt-in) and campaigns.
#include "messages_commands.h"

#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/notification/v1/notification.grpc.pb.h"
#include "rpc/call.h"

ABSL_DECLARE_FLAG(std::string, notification_address);
ABSL_DECLARE_FLAG(std::string, program);
ABSL_DECLARE_FLAG(std::string, category);
ABSL_DECLARE_FLAG(std::string, city);
ABSL_FLAG(std::string, template_key, "reminder", "campaign start: the template");
ABSL_FLAG(std::string, agent_name, "", "campaign start: the agent starting it");
ABSL_FLAG(std::string, region, "", "campaign start: region of the segment");
ABSL_FLAG(std::string, registered_before, "", "campaign start: registered before this day (YYYY-MM-DD)");
ABSL_FLAG(bool, not_activated, false, "campaign start: only accounts not yet activated");

namespace himaya::cli {

namespace notif = himaya::notification::v1;
using NotificationStub = notif::NotificationService::Stub;

absl::StatusOr<std::vector<notif::Message>> ListMessages(const std::string& address, const std::string& number) {
  notif::ListMessagesRequest request;
  request.set_registration_number(number);
  absl::StatusOr<notif::ListMessagesResponse> response = rpc::Call(address, &NotificationStub::ListMessages, request);
  if (!response.ok()) return response.status();
  return std::vector<notif::Message>(response->messages().begin(), response->messages().end());
}

std::string Describe(const notif::Message& m) {
  return absl::StrCat(google::protobuf::util::TimeUtil::ToString(m.created_at()), "  ",
                      notif::MessageStatus_Name(m.status()).substr(15), "  ", m.channel(), "/", m.template_(), "/",
                      m.language(), "  ", m.parts(), " part(s), ", m.attempts(), " attempt(s)",
                      m.last_error().empty() ? "" : absl::StrCat(": ", m.last_error()), "  (event ",
                      m.source_event_id(), ")");
}

int Messages(const std::vector<std::string>& args) {
  if (args.size() == 2 && (args[0] == "resend" || args[0] == "opt-out" || args[0] == "opt-in")) {
    absl::StatusOr<std::string> address = ServiceAddress("notification", absl::GetFlag(FLAGS_notification_address));
    if (!address.ok()) return Fail(address.status());
    if (args[0] == "resend") {
      notif::ResendRequest request;
      request.set_registration_number(args[1]);
      absl::StatusOr<notif::Message> m = rpc::Call(*address, &NotificationStub::Resend, request);
      if (!m.ok()) return Fail(m.status());
      std::printf("queued %s (%s/%s)\n", m->message_id().c_str(), m->template_().c_str(), m->language().c_str());
      return 0;
    }
    notif::SetOptOutRequest request;
    request.set_registration_number(args[1]);
    request.set_channel("sms");
    request.set_opted_out(args[0] == "opt-out");
    absl::StatusOr<notif::SetOptOutResponse> set = rpc::Call(*address, &NotificationStub::SetOptOut, request);
    if (!set.ok()) return Fail(set.status());
    std::printf("%s %s\n", args[1].c_str(), args[0] == "opt-out" ? "will receive no SMS" : "receives SMS again");
    return 0;
  }
  if (args.size() != 1) return Fail("usage: himaya messages NUMBER | messages resend|opt-out|opt-in NUMBER");
  absl::StatusOr<std::string> address = ServiceAddress("notification", absl::GetFlag(FLAGS_notification_address));
  if (!address.ok()) return Fail(address.status());
  auto messages = ListMessages(*address, args[0]);
  if (!messages.ok()) return Fail(messages.status());
  if (messages->empty()) std::printf("no messages for %s\n", args[0].c_str());
  for (const notif::Message& m : *messages) std::printf("%s\n", Describe(m).c_str());
  return 0;
}

int Campaign(const std::vector<std::string>& args) {
  absl::StatusOr<std::string> address = ServiceAddress("notification", absl::GetFlag(FLAGS_notification_address));
  if (!address.ok()) return Fail(address.status());
  auto print = [](const notif::Campaign& c) {
    std::printf("campaign   %s (%s)\nstate      %s\nqueued     %lld\nmessages  ", c.campaign_id().c_str(),
                c.template_().c_str(), c.state().c_str(), static_cast<long long>(c.queued()));
    for (const auto& [status, n] : c.messages()) std::printf(" %s %lld", status.c_str(), static_cast<long long>(n));
    std::printf("\n");
  };
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
    absl::StatusOr<notif::Campaign> campaign = rpc::Call(*address, &NotificationStub::StartCampaign, request);
    if (!campaign.ok()) return Fail(campaign.status());
    print(*campaign);
    return 0;
  }
  if (args.size() == 2 && args[0] == "status") {
    notif::GetCampaignRequest request;
    request.set_campaign_id(args[1]);
    absl::StatusOr<notif::Campaign> campaign = rpc::Call(*address, &NotificationStub::GetCampaign, request);
    if (!campaign.ok()) return Fail(campaign.status());
    print(*campaign);
    return 0;
  }
  return Fail(
      "usage: himaya campaign start --template_key=reminder --program=P [--category=C] [--city=X] "
      "[--region=R] [--registered_before=YYYY-MM-DD] [--not_activated] --agent_name=NAME | "
      "campaign status ID");
}

}  // namespace himaya::cli
