// An SMS provider: hands a text to a phone network. Implementations: Kannel (the open-source
// gateway, over its HTTP sendsms interface) and a file sink for the embedded stack.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "notification/src/sms_text.h"

namespace himaya::notification {

struct OutgoingSms {
  std::string message_id;  // ours; delivery reports carry it back
  std::string to;          // E.164
  std::string text;        // UTF-8
  SmsEncoding encoding;
};

// Where a provider's delivery reports end up.
class DeliveryReportSink {
 public:
  virtual ~DeliveryReportSink() = default;
  // `delivered` false: the network gave up, with `reason`.
  virtual absl::Status OnDeliveryReport(const std::string& message_id, bool delivered, const std::string& reason) = 0;
};

// Implementations are called from several sending threads at once.
class SmsProvider {
 public:
  virtual ~SmsProvider() = default;
  virtual std::string name() const = 0;
  // Submits one SMS. Returns the provider's id for it. UNAVAILABLE (or DEADLINE_EXCEEDED,
  // RESOURCE_EXHAUSTED): try again later; INVALID_ARGUMENT or FAILED_PRECONDITION: the provider
  // refused this message for good.
  virtual absl::StatusOr<std::string> Submit(const OutgoingSms& sms) = 0;
};

}  // namespace himaya::notification
