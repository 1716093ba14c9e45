// What registration's events mean to notification, in one place: PersonRegistered records the
// activation SMS to send (sent later by the dispatcher, so that consumer lag stays small however
// slow the provider is) and adds the person to the audience campaigns pick from;
// ActivationCodeRequested (the portal's "send me a new code") records another, once per request
// and not for an account already open; AccountActivated marks them activated in the audience.
// Other events change nothing. The code itself is asked of registration at send time.
#pragma once

#include <functional>

#include "absl/strings/string_view.h"
#include "core/clock.h"
#include "core/random.h"
#include "events/inbox.h"
#include "notification/src/audience_store.h"
#include "notification/src/message.h"

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
  // Records one PENDING activation message per PersonRegistered, and per request_id of
  // ActivationCodeRequested (none when the account is open by then); other event types of the
  // topic are not for this consumer and change nothing.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  // As Apply for each, in order; a run of PersonRegistered is written with one statement per
  // table (audience, messages) for many events.
  absl::Status ApplyMany(storage::Transaction& tx, const std::vector<const events::Envelope*>& envelopes) override;

 private:
  // The audience member and the activation SMS one PersonRegistered brings.
  absl::Status Registered(const events::Envelope& envelope, AudienceMember* member, Message* message);
  absl::Status ApplyCodeRequested(storage::Transaction& tx, const events::Envelope& envelope);
  // A PENDING activation SMS, recorded once per `source` (the dedupe key).
  Message NewMessage(const std::string& registration_number, const std::string& program, const std::string& language,
                     const std::string& source);
  const core::Clock& clock_;
  core::RandomSource& random_;
  RecordedFn on_recorded_;
};

}  // namespace himaya::notification
