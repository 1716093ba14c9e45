// A message the fund sends to a person, and where it stands.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace himaya::notification {

inline constexpr char kChannelSms[] = "sms";
inline constexpr char kTemplateActivation[] = "activation";

enum class MessageStatus { kPending, kSending, kSubmitted, kDelivered, kFailed };

// "PENDING", "SUBMITTED", "DELIVERED", "FAILED".
const char* StatusName(MessageStatus status);
// The reverse; kPending for an unknown name.
MessageStatus ParseStatus(const std::string& name);

struct Message {
  std::string message_id;
  std::string registration_number;
  std::string program;
  std::string channel;
  std::string template_key;
  std::string language;
  MessageStatus status = MessageStatus::kPending;
  std::string source_event_id;
  absl::Time created_at;
  int attempts = 0;
  int parts = 0;
  std::string last_error;
  std::string campaign_id;  // empty unless a campaign queued it
};

}  // namespace himaya::notification
