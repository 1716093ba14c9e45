// The audience in the notification service's own database (its SQL lives here, and only here):
// notification's copy of who can be reached, kept from registration's events, that campaigns
// pick their segments from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notification/src/campaign.h"
#include "storage/database.h"

namespace himaya::notification {

struct AudienceMember {
  std::string registration_number;
  std::string program;
  std::string category, city, region;
  std::string preferred_language;  // fr, ar
  absl::Time registered_at;
  std::optional<absl::Time> activated_at;
};

class AudienceStore {
 public:
  // Adds `member` unless their number is there already.
  static absl::Status Add(storage::Transaction& tx, const AudienceMember& member);
  // Adds each of `members` whose number is not there already, many rows per statement.
  static absl::Status AddMany(storage::Transaction& tx, const std::vector<AudienceMember>& members);
  // The person's preferred language (fr, ar); nothing when they are not in the audience.
  static absl::StatusOr<std::optional<std::string>> LanguageOf(storage::Transaction& tx,
                                                               const std::string& registration_number);
  // True when the person activated their account (AccountActivated was applied).
  static absl::StatusOr<bool> IsActivated(storage::Transaction& tx, const std::string& registration_number);
  // Records that the person activated their account at `at`.
  static absl::Status MarkActivated(storage::Transaction& tx, const std::string& registration_number, absl::Time at);
  // Up to `limit` members of `segment` whose number comes after `after`, in number order.
  static absl::StatusOr<std::vector<AudienceMember>> InSegment(storage::Transaction& tx, const Segment& segment,
                                                               const std::string& after, int limit);
};

}  // namespace himaya::notification
