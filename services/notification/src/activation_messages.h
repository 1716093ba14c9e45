// Turns PersonRegistered into the activation SMS to send (recorded now, sent later by the
// dispatcher), so that consumer lag stays small however slow the SMS provider is.
#pragma once

#include "core/clock.h"
#include "core/random.h"
#include "events/inbox.h"

namespace himaya::notification {

class ActivationMessages final : public events::EventApplier {
 public:
  ActivationMessages(const core::Clock& clock, core::RandomSource& random)
      : clock_(clock), random_(random) {}
  // Records one PENDING activation message per PersonRegistered; other event types of the
  // topic are not for this consumer and change nothing.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;

 private:
  const core::Clock& clock_;
  core::RandomSource& random_;
};

}  // namespace himaya::notification
