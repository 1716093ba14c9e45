// The SQL of deciding files (the decider's and the review queue's reads and writes of the
// claims tables): files waiting for the rules with their items, the facts they are decided on
// (accepted history, tariff versions, ALD certificates), and the decisions, each written only
// while the file is still in the state it was read in, so that a file is decided once even when
// two replicas decide, or one decides again after a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "claims/src/claim_rules.h"
#include "claims/src/tariff.h"
#include "storage/database.h"

namespace himaya::claims {

// A file as the decider reads it.
struct ClaimToDecide {
  std::string claim_id;
  std::string registration_number;
  std::string channel;  // PORTAL, AGENT:<id>, PARTNER:<client>, BATCH:<sender>/<batch_id>
  std::string sender;   // the bulk file it came in ('' for SubmitClaim)
  std::string batch_id;
  absl::CivilDay filed_date;
  absl::Time received_at;
  std::string due_date;  // YYYY-MM-DD
  int64_t claimed_centimes = 0;
  std::vector<FiledItem> items;  // in the file's order
};

// An item accepted before (or, while deciding a chunk, by an earlier file of the chunk).
struct AcceptedItem {
  std::string claim_id;
  std::string beneficiary_id;
  std::string act_code;
  absl::CivilDay care_date;
  int64_t amount_paid_centimes = 0;
};

struct AldCertificateValidity {
  std::string certificate;
  std::string beneficiary_id;
  absl::CivilDay valid_from;
  absl::CivilDay valid_until;
};

// A file's decision as the rules gave it, to be written.
struct DecisionToRecord {
  std::string claim_id;
  std::string program;
  // The insured's category and region (the groups of the figures; "" when unknown).
  std::string category;
  std::string region;
  FileDecision decision;
  // IN_REVIEW when the decision has a review reason, DECIDED otherwise.
  bool in_review = false;
  absl::Time decided_at;
  // When nothing is to be paid (DECIDED with nothing reimbursed): the clock stops at decision.
  bool settled = false;
};

// How many files of a program, category and region are in a state.
struct FilesInState {
  std::string program;
  std::string category;
  std::string region;
  std::string state;
  int64_t files = 0;
};

// The files of a program settled so far, and the days they took from receipt to settlement.
struct SettledFiles {
  std::string program;
  std::string category;
  std::string region;
  int64_t files = 0;
  double days = 0;
};

// How many files not settled a program holds (of an age in whole days since receipt, or past due).
struct OpenFiles {
  std::string program;
  int64_t age_days = 0;
  int64_t files = 0;
};

class ClaimDecisionStore {
 public:
  // Up to `limit` RECEIVED files, oldest received first, with their items.
  static absl::StatusOr<std::vector<ClaimToDecide>> Received(storage::Transaction& tx, int limit);
  // Every ACCEPTED item of these beneficiaries (the history DUPLICATE and REPEATED_TOO_SOON are
  // told from), a few queries whatever their number.
  static absl::StatusOr<std::vector<AcceptedItem>> AcceptedOf(storage::Transaction& tx,
                                                              const std::vector<std::string>& beneficiary_ids);
  // The tariff versions held, with their entries for these act codes only.
  static absl::StatusOr<std::vector<TariffVersion>> TariffFor(storage::Transaction& tx,
                                                              const std::vector<std::string>& act_codes);
  // These ALD certificates (those registered; unknown numbers are left out).
  static absl::StatusOr<std::vector<AldCertificateValidity>> AldCertificates(
      storage::Transaction& tx, const std::vector<std::string>& certificates);

  // Writes the decision of a file still RECEIVED: its program, state, outcome, amounts and each
  // item's decision. Returns false (nothing written) when the file is RECEIVED no more.
  static absl::StatusOr<bool> RecordDecision(storage::Transaction& tx, const DecisionToRecord& decision);
  // Writes an agent's review of a file still IN_REVIEW: DECIDED with `outcome` and
  // `reimbursed_centimes`, decided (and settled, when `settled`) at `decided_at`, who and why.
  // Returns false (nothing written) when the file is IN_REVIEW no more.
  static absl::StatusOr<bool> RecordReview(storage::Transaction& tx, const std::string& claim_id,
                                           const std::string& outcome, int64_t reimbursed_centimes,
                                           absl::Time decided_at, bool settled, const std::string& agent,
                                           const std::string& note);
  // Marks escalated the files IN_REVIEW, not escalated yet, received before `received_before`.
  // Returns each one's program (once: a file is escalated once).
  static absl::StatusOr<std::vector<std::string>> Escalate(storage::Transaction& tx, absl::Time received_before);

  // The files not settled at `now`, by program and age in whole days since receipt.
  static absl::StatusOr<std::vector<OpenFiles>> OpenByAge(storage::Transaction& tx, absl::Time now);
  // The files not settled whose due date is before `today`, by program (age_days 0).
  static absl::StatusOr<std::vector<OpenFiles>> PastDue(storage::Transaction& tx, absl::CivilDay today);
  // Every file, by program, category, region and state.
  static absl::StatusOr<std::vector<FilesInState>> CountByState(storage::Transaction& tx);
  // The settled files by program, category and region, with the days they took in all.
  static absl::StatusOr<std::vector<SettledFiles>> Settled(storage::Transaction& tx);

  // Marks COMPLETED, at `now`, every DECIDING batch none of whose files is RECEIVED any more.
  // Returns how many. Reads each such batch's files: call it when the RECEIVED files ran out, not
  // after every chunk.
  static absl::StatusOr<int64_t> CompleteDecidedBatches(storage::Transaction& tx, absl::Time now);
};

}  // namespace himaya::claims
