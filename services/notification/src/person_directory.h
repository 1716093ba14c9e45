// What the notification service asks the registration service when it sends: the persons'
// phone numbers, and fresh activation codes, for a whole claim of messages at once. Neither is
// stored here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace himaya::notification {

struct Recipient {
  std::string phone;  // E.164, empty when unknown
  std::string preferred_language;
};

// What one message needs from registration.
struct RecipientQuery {
  std::string registration_number;
  bool activation_code = false;  // a fresh code is wanted too
};

struct PreparedRecipient {
  // NOT_FOUND for an unknown number; FAILED_PRECONDITION when a code was asked for and the
  // account is already active; UNAVAILABLE (and the like) when registration could not answer.
  absl::Status status;
  Recipient recipient;
  std::string activation_code;
};

class PersonDirectory {
 public:
  virtual ~PersonDirectory() = default;
  // Answers many queries at once, one answer per query and in order. A fresh code replaces the
  // person's previous one.
  virtual std::vector<PreparedRecipient> Prepare(const std::vector<RecipientQuery>& queries) = 0;
};

// The registration service over gRPC, each call with a deadline.
std::unique_ptr<PersonDirectory> NewRegistrationDirectory(const std::string& address);

}  // namespace himaya::notification
