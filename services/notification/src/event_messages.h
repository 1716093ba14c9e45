// What every consumer that turns a domain event into an SMS to an insured shares: the message
// recorded PENDING in the inbox's transaction, once per event however often it is applied, in
// the language the audience knows for the insured (else the one registration gives at send
// time), with the values its template needs (the text is rendered at send time and never
// stored); and, once the transaction committed, each message counted and logged.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "core/clock.h"
#include "core/random.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::notification {

class EventMessages {
 public:
  // `on_recorded` runs for each message recorded, once its transaction committed (the dispatcher
  // wakes there); not when the transaction rolls back.
  using RecordedFn = std::function<void(const std::string& program, const std::string& template_key)>;
  EventMessages(const core::Clock& clock, core::RandomSource& random, RecordedFn on_recorded)
      : clock_(clock), random_(random), on_recorded_(std::move(on_recorded)) {}

  // Records the SMS of `envelope` to `registration_number` (the envelope's program when `program`
  // is empty). INVALID_ARGUMENT, naming the event's type, without a registration number.
  absl::Status Record(storage::Transaction& tx, const events::Envelope& envelope,
                      const std::string& registration_number, const std::string& program,
                      const std::string& template_key, std::map<std::string, std::string> values);
  // Announces and logs ("<what> message recorded") the messages of the transaction, when it
  // committed; forgets them either way.
  void Finished(bool committed, absl::string_view what);

 private:
  const core::Clock& clock_;
  core::RandomSource& random_;
  RecordedFn on_recorded_;
  absl::Mutex mu_;
  // Messages recorded by the open transaction: event id -> program and template (keyed by event,
  // as a retried transaction applies its events again).
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace himaya::notification
