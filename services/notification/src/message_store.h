// Messages in the notification service's own database (its SQL lives here).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "notification/src/message.h"
#include "storage/database.h"

namespace himaya::notification {

class MessageStore {
 public:
  // Records `message` unless its event already produced one on its channel; returns whether it
  // was recorded.
  static absl::StatusOr<bool> InsertOnce(storage::Transaction& tx, const Message& message);
  // A person's messages, oldest first.
  static absl::StatusOr<std::vector<Message>> ForPerson(storage::Transaction& tx,
                                                        absl::string_view registration_number);
};

}  // namespace himaya::notification
