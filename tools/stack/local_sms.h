// The SMS a local stack sent: notification's file provider writes each to DATA_DIR/sms.jsonl
// (one JSON object a line: message_id, to, text) instead of an operator. The demo, the
// benchmarks and the end-to-end tests read them back as the person would: the activation code
// is taken from the text they received.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace himaya::stack {

struct SentSms {
  std::string message_id;
  std::string to;
  std::string text;
};

// Every SMS sent so far, oldest first (none when the file is not there yet). Lines that are not
// an SMS (a line being written) are skipped.
std::vector<SentSms> ReadSentSms(const std::string& data_dir);

// The activation code (XXXX-XXXX) of the last SMS sent about `registration_number`. NOT_FOUND
// when no SMS sent so far gives one.
absl::StatusOr<std::string> LastActivationCode(const std::string& data_dir, const std::string& registration_number);

}  // namespace himaya::stack
