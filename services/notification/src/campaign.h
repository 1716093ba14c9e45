// A campaign in the domain's words: the segment of the audience it reaches, and where it stands.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace himaya::notification {

struct Segment {
  std::string program;  // required
  std::string category, city, region;
  std::optional<absl::Time> registered_before;
  bool not_activated = false;
};

struct CampaignStatus {
  std::string campaign_id;
  std::string template_key;
  std::string state;  // RUNNING, COMPLETED, FAILED (its stored segment could not be read)
  int64_t queued = 0;
  // Messages of the campaign by status (PENDING, SUBMITTED, DELIVERED, FAILED...).
  std::map<std::string, int64_t> by_status;
};

}  // namespace himaya::notification
