// The notification figures operations report ("SMS sent and delivered"), counted from
// notification's database by its figures pass: messages by program, channel and status
// (PENDING, SENDING, SUBMITTED, DELIVERED, FAILED), right after a restart and the same on every
// replica.
#pragma once

#include "absl/status/status.h"
#include "metrics/figures.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::notification {

class MessageFigures {
 public:
  // Registers himaya_notification_messages_by_status{program,channel,status} on `registry`.
  MessageFigures(storage::Database& db, prometheus::Registry& registry);

  // Counts again and sets the gauge; a group no longer present goes to 0.
  absl::Status Refresh();

 private:
  storage::Database& db_;
  metrics::FigureGauge messages_;
};

}  // namespace himaya::notification
