// What the claims service's events mean to notification, in one place: ClaimDecided records the
// SMS announcing the decision to the insured (claim_decided: the claim's id, its outcome in words,
// the amount reimbursed), ClaimPaid the one saying it was paid (claim_paid: the id and the amount
// paid). Like activation messages they are sent later by the dispatcher, in the language the
// audience knows for the insured (else the one registration gives at send time), to the phone
// registration gives then; the values are kept with the message, the text never is. Other events
// of the topic change nothing.
#pragma once

#include "events/inbox.h"
#include "notification/src/event_messages.h"

namespace himaya::notification {

class ClaimMessages final : public events::EventApplier {
 public:
  using RecordedFn = EventMessages::RecordedFn;
  // `on_recorded` runs for each message recorded, once its transaction committed (the dispatcher
  // wakes there); not when the transaction rolls back.
  ClaimMessages(
      const core::Clock& clock, core::RandomSource& random,
      RecordedFn on_recorded = [](const std::string&, const std::string&) {})
      : messages_(clock, random, std::move(on_recorded)) {}
  // Records one PENDING message per ClaimDecided or ClaimPaid, once per event however often it
  // is applied. INVALID_ARGUMENT (the event is dead-lettered) for an event without its claim id or
  // registration number, an unknown outcome, or a negative amount.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  // Counts and logs the messages the transaction recorded, when it committed.
  void Finished(bool committed) override { messages_.Finished(committed, "claim"); }

 private:
  EventMessages messages_;
};

}  // namespace himaya::notification
