// What registration's events mean to notification, in one place: PersonRegistered records the
// activation SMS to send (sent later by the dispatcher, so that consumer lag stays small however
// slow the provider is) and adds the person to the audience campaigns pick from;
// AccountActivated marks them activated there. Other events change nothing.
#pragma once

#include <functional>

#include "core/clock.h"
#include "core/random.h"
#include "events/inbox.h"

namespace himaya::notification {

class ActivationMessages final : public events::EventApplier {
 public:
  // `on_recorded` runs after a message is recorded (the dispatcher wakes there); it may run
  // before the recording transaction commits, which only makes the dispatcher look early.
  using RecordedFn = std::function<void(const std::string& program, const std::string& template_key)>;
  ActivationMessages(
      const core::Clock& clock, core::RandomSource& random,
      RecordedFn on_recorded = [](const std::string&, const std::string&) {})
      : clock_(clock), random_(random), on_recorded_(std::move(on_recorded)) {}
  // Records one PENDING activation message per PersonRegistered; other event types of the
  // topic are not for this consumer and change nothing.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;

 private:
  const core::Clock& clock_;
  core::RandomSource& random_;
  RecordedFn on_recorded_;
};

}  // namespace himaya::notification
