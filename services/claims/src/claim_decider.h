// The decider: on the shared background loop, takes the RECEIVED files oldest first in chunks,
// gathers the facts of a whole chunk set-wise (the distinct eligibility questions in as few
// calls to the beneficiary service as possible; the tariff, ALD certificates and accepted
// history in a few queries), decides each file with ClaimRules in the chunk's order (a file sees
// the items accepted by the files before it), and writes the chunk in ONE transaction
// (RecordChunk): each file's decision guarded by its state still being RECEIVED, ClaimSubmitted
// and, when decided, ClaimDecided in the outbox, the batches whose last file it was COMPLETED.
// A crash before that commit leaves every file of the chunk RECEIVED; after it, every file is
// decided: a file is decided once, whatever the crash or the number of replicas.
//
// While the beneficiary service cannot answer, the files stay RECEIVED and the loop tries again
// later (logged with codes only, counted in himaya_claims_decider_waits_total).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "claims/src/beneficiary_directory.h"
#include "claims/src/claim_clock.h"
#include "claims/src/claim_decision_store.h"
#include "claims/src/claim_rules.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "storage/database.h"

namespace himaya::claims {

struct ClaimDeciderOptions {
  // Files decided in one chunk (one eligibility pass, one transaction).
  int chunk_files = 500;
  // How long to wait before asking again when the beneficiary service could not answer.
  absl::Duration retry_after = absl::Seconds(5);
  // How long to idle when nothing is RECEIVED (a new file or batch wakes the loop at once).
  absl::Duration period = absl::Seconds(30);
};

// What a chunk came to.
struct ChunkResult {
  int decided = 0;    // DECIDED
  int in_review = 0;  // IN_REVIEW
  // Read but decided meanwhile by another replica (nothing written for them).
  int skipped = 0;
  int files() const { return decided + in_review + skipped; }
};

class ClaimDecider {
 public:
  // Registers himaya_claims_decided_total{program,outcome} (decided by the rules alone),
  // himaya_claims_review_queued_total
  // {program,reason} and himaya_claims_decider_waits_total on `registry`. `on_published` runs
  // after a chunk committed events (the relay wakes). The processing time of each file settled
  // at decision (nothing to pay) is observed on `processing_time`.
  ClaimDecider(
      storage::Database& db, const ClaimRules& rules, BeneficiaryDirectory& directory, const core::Clock& clock,
      events::EventSource source, prometheus::Registry& registry, ProcessingTime& processing_time,
      ClaimDeciderOptions options = {}, std::function<void()> on_published = [] {});
  ~ClaimDecider() { Stop(); }

  // Decides up to one chunk of RECEIVED files. The beneficiary service's error (UNAVAILABLE)
  // when it could not answer: nothing changed.
  absl::StatusOr<ChunkResult> DecideChunk();

  void Start() { loop_.Start(); }
  // Call after a file is received or a batch completed its upload.
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  struct Decided {
    const ClaimToDecide* claim;
    DecisionToRecord record;
  };
  // Writes the chunk's decisions and events in one transaction; returns those written (a file
  // no longer RECEIVED is left out). `last_of_queue`: the chunk took every RECEIVED file, so the
  // batches it finished are completed in the same transaction.
  absl::StatusOr<std::vector<const Decided*>> RecordChunk(const std::vector<Decided>& decided, bool last_of_queue);
  absl::Duration Pass();

  storage::Database& db_;
  const ClaimRules& rules_;
  BeneficiaryDirectory& directory_;
  const core::Clock& clock_;
  events::EventSource source_;
  ProcessingTime& processing_time_;
  const ClaimDeciderOptions options_;
  std::function<void()> on_published_;
  prometheus::Family<prometheus::Counter>& decided_;
  prometheus::Family<prometheus::Counter>& review_queued_;
  prometheus::Counter& waits_;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::claims
