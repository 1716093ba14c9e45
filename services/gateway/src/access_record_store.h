// The access_records table (migrations/common/0001_gateway.sql): the only place that writes its
// SQL. Rows are inserted, never updated or deleted, and read newest first a page at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/database.h"

namespace himaya::gateway {

struct AccessRecord {
  std::string record_id;
  absl::Time at;
  std::string agent_id;
  // The route read: "GET /v1/persons/{registration_number}".
  std::string action;
  // The registration number read.
  std::string subject;
  std::string reason;
  std::string request_id;
};

// Each field optional.
struct AccessFilter {
  std::string agent_id;
  std::string subject;
  std::optional<absl::Time> since;
};

// Where a page starts: records strictly older than this one (newest first).
struct AccessCursor {
  absl::Time at;
  std::string record_id;
};

class AccessRecordStore {
 public:
  static absl::Status Insert(storage::Transaction& tx, const AccessRecord& record);
  // At most `limit` records matching `filter`, newest first (ties by record id, descending),
  // after `after` when given.
  static absl::StatusOr<std::vector<AccessRecord>> List(storage::Transaction& tx, const AccessFilter& filter,
                                                        const std::optional<AccessCursor>& after, int limit);
};

}  // namespace himaya::gateway
