// What the claims service's events mean to notification, in one place: ClaimDecided records the
// SMS announcing the decision to the insured (claim_decided: the claim's id, its outcome in words,
// the amount reimbursed), ClaimPaid the one saying it was paid (claim_paid: the id and the amount
// paid). Like activation messages they are sent later by the dispatcher, in the language the
// audience knows for the insured (else the one registration gives at send time), to the phone
// registration gives then; the values are kept with the message, the text never is. Other events
// of the topic change nothing.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "core/random.h"
#include "events/inbox.h"

namespace himaya::notification {

class ClaimMessages final : public events::EventApplier {
 public:
  // `on_recorded` runs for each message recorded, once its transaction committed (the dispatcher
  // wakes there); not when the transaction rolls back.
  using RecordedFn = std::function<void(const std::string& program, const std::string& template_key)>;
  ClaimMessages(
      const core::Clock& clock, core::RandomSource& random,
      RecordedFn on_recorded = [](const std::string&, const std::string&) {})
      : clock_(clock), random_(random), on_recorded_(std::move(on_recorded)) {}
  // Records one PENDING message per ClaimDecided or ClaimPaid, once per event however often it
  // is applied. INVALID_ARGUMENT (the event is dead-lettered) for an event without its claim id or
  // registration number, an unknown outcome, or a negative amount.
  absl::Status Apply(storage::Transaction& tx, const events::Envelope& envelope) override;
  // Counts and logs the messages the transaction recorded, when it committed.
  void Finished(bool committed) override;

 private:
  absl::Status Record(storage::Transaction& tx, const events::Envelope& envelope, const std::string& claim_id,
                      const std::string& registration_number, const std::string& program,
                      const std::string& template_key, std::map<std::string, std::string> values);

  const core::Clock& clock_;
  core::RandomSource& random_;
  RecordedFn on_recorded_;
  absl::Mutex mu_;
  // Messages recorded by the open transaction: event id -> program and template (keyed by event,
  // as a retried transaction applies its events again).
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace himaya::notification
