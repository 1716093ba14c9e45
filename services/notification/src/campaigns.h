// Campaigns: a templated reminder to a segment of the audience (program, category, city or
// region, registered before a date, account not yet activated). A campaign queues its messages
// in chunks, each chunk one transaction with the cursor, so it resumes after a stop and reaches
// each person once (one message per campaign and person, enforced by the database).
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "core/random.h"
#include "notification/src/campaign.h"
#include "notification/src/templates.h"
#include "storage/database.h"

namespace himaya::notification {

class Campaigns {
 public:
  Campaigns(
      storage::Database& db, const Templates& templates, const core::Clock& clock, core::RandomSource& random,
      std::function<void(const std::string&, const std::string&, int64_t)> on_queued =
          [](const std::string&, const std::string&, int64_t) {})
      : db_(db), templates_(templates), clock_(clock), random_(random), on_queued_(std::move(on_queued)) {}

  // INVALID_ARGUMENT without a program or an agent; NOT_FOUND for an unknown template;
  // FAILED_PRECONDITION for a template sent on its event only (a claim's decision).
  absl::StatusOr<std::string> Start(const std::string& template_key, const Segment& segment, const std::string& agent);
  // Queues the next chunk of every running campaign; returns how many messages it queued.
  absl::StatusOr<int64_t> Advance(int chunk = 1000);
  // NOT_FOUND for an unknown campaign.
  absl::StatusOr<CampaignStatus> Status(const std::string& campaign_id);

  // Advances running campaigns on a background thread until Stop().
  void Start();
  void Stop();
  ~Campaigns() { Stop(); }

 private:
  // One pass of the background loop; returns how long to idle.
  absl::Duration Pass();

  storage::Database& db_;
  const Templates& templates_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  // (program, template, messages) after messages were queued.
  std::function<void(const std::string&, const std::string&, int64_t)> on_queued_;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::notification
