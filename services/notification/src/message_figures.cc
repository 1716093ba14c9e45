#include "notification/src/message_figures.h"

#include <vector>

#include "core/status_macros.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

MessageFigures::MessageFigures(storage::Database& db, prometheus::Registry& registry)
    : db_(db),
      messages_(registry, "himaya_notification_messages_by_status",
                "Messages by program, channel and status (PENDING, SENDING, SUBMITTED, DELIVERED, FAILED)",
                {"program", "channel", "status"}) {}

absl::Status MessageFigures::Refresh() {
  std::vector<MessagesInStatus> counts;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(counts, MessageStore::CountByStatus(tx));
    return absl::OkStatus();
  }));
  metrics::FigureGauge::Values values;
  for (const MessagesInStatus& c : counts) {
    values[{c.program, c.channel, c.status}] = static_cast<double>(c.messages);
  }
  messages_.Publish(values);
  return absl::OkStatus();
}

}  // namespace himaya::notification
