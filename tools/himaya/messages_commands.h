// What the messages commands share with the demo: a person's messages, and how one is shown.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "himaya/notification/v1/notification.pb.h"

namespace himaya::cli {

// The messages notification at `address` recorded for the person `number`. The call's error
// when it fails.
absl::StatusOr<std::vector<notification::v1::Message>> ListMessages(const std::string& address,
                                                                    const std::string& number);

// One line: when, status, channel/template/language, parts, attempts, last error, source event.
std::string Describe(const notification::v1::Message& m);

}  // namespace himaya::cli
