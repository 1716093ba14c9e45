// A message the fund sends to a person, and where it stands.
#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"

namespace himaya::notification {

inline constexpr char kChannelSms[] = "sms";
inline constexpr char kTemplateActivation[] = "activation";
inline constexpr char kTemplateClaimDecided[] = "claim_decided";
inline constexpr char kTemplateClaimPaid[] = "claim_paid";
inline constexpr char kTemplateCoverageSuspended[] = "coverage_suspended";
inline constexpr char kTemplateCoverageRestored[] = "coverage_restored";
inline constexpr char kTemplateAllowancePaid[] = "allowance_paid";

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
  // What the template needs that only its event gives (claim_id, outcome, amount), kept with the
  // message to render it at send time. Never a secret: the text itself is never stored.
  std::map<std::string, std::string> template_values;
};

}  // namespace himaya::notification
