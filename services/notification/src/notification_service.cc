#include "notification/src/notification_service.h"

#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "rpc/server.h"

namespace himaya::notification {
namespace {

v1::MessageStatus ToProto(MessageStatus s) {
  switch (s) {
    case MessageStatus::kPending:
      return v1::MESSAGE_STATUS_PENDING;
    case MessageStatus::kSending:
      return v1::MESSAGE_STATUS_SENDING;
    case MessageStatus::kSubmitted:
      return v1::MESSAGE_STATUS_SUBMITTED;
    case MessageStatus::kDelivered:
      return v1::MESSAGE_STATUS_DELIVERED;
    case MessageStatus::kFailed:
      return v1::MESSAGE_STATUS_FAILED;
  }
  return v1::MESSAGE_STATUS_UNSPECIFIED;
}

void ToProto(const Message& m, v1::Message* out) {
  out->set_message_id(m.message_id);
  out->set_registration_number(m.registration_number);
  out->set_program(m.program);
  out->set_channel(m.channel);
  out->set_template_(m.template_key);
  out->set_language(m.language);
  out->set_status(ToProto(m.status));
  out->set_source_event_id(m.source_event_id);
  out->set_attempts(m.attempts);
  out->set_parts(m.parts);
  out->set_last_error(m.last_error);
  *out->mutable_created_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(m.created_at));
}

}  // namespace

grpc::ServerUnaryReactor* NotificationService::SetOptOut(grpc::CallbackServerContext* context,
                                                         const v1::SetOptOutRequest* request,
                                                         v1::SetOptOutResponse* response) {
  return rpc::Handle(context, pool_, [this, request]() {
    return requests_.SetOptOut(request->registration_number(), request->channel().empty() ? "sms" : request->channel(),
                               request->opted_out());
  });
}

grpc::ServerUnaryReactor* NotificationService::Resend(grpc::CallbackServerContext* context,
                                                      const v1::ResendRequest* request, v1::Message* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(Message m, requests_.Resend(request->registration_number(), request->template_()));
    ToProto(m, response);
    return absl::OkStatus();
  });
}

namespace {
void ToProto(const CampaignStatus& s, v1::Campaign* out) {
  out->set_campaign_id(s.campaign_id);
  out->set_template_(s.template_key);
  out->set_state(s.state);
  out->set_queued(s.queued);
  for (const auto& [status, n] : s.by_status) (*out->mutable_messages())[status] = n;
}
}  // namespace

grpc::ServerUnaryReactor* NotificationService::StartCampaign(grpc::CallbackServerContext* context,
                                                             const v1::StartCampaignRequest* request,
                                                             v1::Campaign* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    const v1::Segment& s = request->segment();
    Segment segment{s.program(), s.category(), s.city(), s.region(), std::nullopt, s.not_activated()};
    if (s.has_registered_before()) {
      segment.registered_before =
          absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(s.registered_before()));
    }
    ASSIGN_OR_RETURN(std::string id, campaigns_.Start(request->template_(), segment, request->agent()));
    ASSIGN_OR_RETURN(CampaignStatus status, campaigns_.Status(id));
    ToProto(status, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationService::GetCampaign(grpc::CallbackServerContext* context,
                                                           const v1::GetCampaignRequest* request,
                                                           v1::Campaign* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(CampaignStatus status, campaigns_.Status(request->campaign_id()));
    ToProto(status, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* NotificationService::ListMessages(grpc::CallbackServerContext* context,
                                                            const v1::ListMessagesRequest* request,
                                                            v1::ListMessagesResponse* response) {
  return rpc::Handle(context, pool_, [this, request, response]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Message> messages, requests_.List(request->registration_number()));
    for (const Message& m : messages) ToProto(m, response->add_messages());
    return absl::OkStatus();
  });
}

}  // namespace himaya::notification
