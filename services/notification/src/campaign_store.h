// Campaigns in the notification service's own database (their SQL lives here, and only here):
// each with its segment, stored as JSON, and its cursor in the audience.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notification/src/campaign.h"
#include "storage/database.h"

namespace himaya::notification {

// The stored form of a segment (JSON).
std::string SegmentJson(const Segment& segment);
// Reads a stored segment back, every field checked for its type. DATA_LOSS naming what is wrong.
absl::StatusOr<Segment> ParseSegment(const std::string& text);

// A campaign as stored.
struct StoredCampaign {
  std::string campaign_id;
  std::string template_key;
  std::string state;  // RUNNING, COMPLETED, FAILED
  // DATA_LOSS when its stored form cannot be read.
  absl::StatusOr<Segment> segment;
  // The last registration number it reached ("" before the first).
  std::string cursor;
  int64_t queued = 0;
};

class CampaignStore {
 public:
  // Records a RUNNING campaign started by `agent` at `at`.
  static absl::Status Insert(storage::Transaction& tx, const std::string& campaign_id, const std::string& template_key,
                             const Segment& segment, const std::string& agent, absl::Time at);
  // The running campaigns' ids, oldest first.
  static absl::StatusOr<std::vector<std::string>> Running(storage::Transaction& tx);
  // One campaign; nothing when it is unknown.
  static absl::StatusOr<std::optional<StoredCampaign>> Find(storage::Transaction& tx, const std::string& campaign_id);
  // Records a chunk queued: the cursor moved to `cursor`, `queued` more messages, and COMPLETED
  // at `at` when `done`.
  static absl::Status Advanced(storage::Transaction& tx, const std::string& campaign_id, const std::string& cursor,
                               int64_t queued, bool done, absl::Time at);
  // Stops a campaign FAILED at `at`.
  static absl::Status Fail(storage::Transaction& tx, const std::string& campaign_id, absl::Time at);
};

}  // namespace himaya::notification
