// Requests for a new activation code in the database (`code_requests`, each with its time, and
// `code_request_subjects`, one row per number or phone being counted). The SQL of these tables
// lives here, and only here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace himaya::registration {

struct CodeRequest {
  std::string request_id;
  std::string registration_number;
  std::string phone_subject;  // empty: nothing was sent
  int64_t requested_at_us = 0;
};

// What a window holds for one number or phone: how many requests, and the oldest one's time.
struct RequestsInWindow {
  int64_t count = 0;
  int64_t oldest_us = 0;
};

class CodeRequestStore {
 public:
  // Writes the subject's row, which holds it until commit: concurrent requests for one number or
  // phone queue here, and each counts what the one before it recorded.
  static absl::Status Hold(storage::Transaction& tx, absl::string_view subject, int64_t now_us);
  // The requests made after `window_start_us` (one made exactly then has left the window).
  static absl::StatusOr<RequestsInWindow> ForNumber(storage::Transaction& tx, absl::string_view registration_number,
                                                    int64_t window_start_us);
  static absl::StatusOr<RequestsInWindow> ForPhone(storage::Transaction& tx, absl::string_view phone_subject,
                                                   int64_t window_start_us);
  static absl::Status Insert(storage::Transaction& tx, const CodeRequest& request);
  // Deletes some requests and subjects older than `window_start_us` (of no more use).
  static absl::Status ForgetEnded(storage::Transaction& tx, int64_t window_start_us);
};

}  // namespace himaya::registration
