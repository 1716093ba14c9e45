// What the notification service asks the registration service when it sends: the person's
// phone number, and a fresh activation code. Neither is stored here.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace himaya::notification {

struct Recipient {
  std::string phone;  // E.164, empty when unknown
  std::string preferred_language;
};

class PersonDirectory {
 public:
  virtual ~PersonDirectory() = default;
  // NOT_FOUND for an unknown number; UNAVAILABLE when registration cannot be reached.
  virtual absl::StatusOr<Recipient> Lookup(const std::string& registration_number) = 0;
  // A new code (the previous one stops working). FAILED_PRECONDITION when the account is
  // already active.
  virtual absl::StatusOr<std::string> IssueActivationCode(const std::string& registration_number) = 0;
};

// The registration service over gRPC, each call with a deadline.
std::unique_ptr<PersonDirectory> NewRegistrationDirectory(const std::string& address);

}  // namespace himaya::notification
