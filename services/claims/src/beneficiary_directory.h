// What the claims decider asks the beneficiary service: whether each beneficiary of a chunk of
// files was covered on the care date, through which insured and in which program. Asked over
// gRPC (CheckEligibilityBatch) with a deadline, in calls of at most 1000 questions: never one
// call per item. Nothing of it is asked inside a transaction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace himaya::claims {

// Was `beneficiary_id` (the insured's registration number, or NUMBER-NN for a dependent)
// covered on `care_date`?
struct CoverageQuestion {
  std::string beneficiary_id;
  absl::CivilDay care_date;
  friend bool operator<(const CoverageQuestion& a, const CoverageQuestion& b) {
    return a.beneficiary_id != b.beneficiary_id ? a.beneficiary_id < b.beneficiary_id : a.care_date < b.care_date;
  }
  friend bool operator==(const CoverageQuestion& a, const CoverageQuestion& b) {
    return a.beneficiary_id == b.beneficiary_id && a.care_date == b.care_date;
  }
};

// The beneficiary service's answer.
struct CoverageAnswer {
  bool covered = false;
  // The insured through whom, and their program (empty when the beneficiary is unknown).
  std::string covered_through;
  std::string program;
  // The insured's category and region (the groups of the figures).
  std::string category;
  std::string region;
  // Why not covered: NOT_REGISTERED, NOT_YET_COVERED, AGE_LIMIT, ... (codes only).
  std::string reason;
};

// At most this many questions in one call (CheckEligibilityBatch's limit).
inline constexpr size_t kQuestionsPerCall = 1000;

class BeneficiaryDirectory {
 public:
  virtual ~BeneficiaryDirectory() = default;
  // One answer per question, in order, asked in calls of up to kQuestionsPerCall. UNAVAILABLE
  // when the beneficiary service cannot answer now (down, slow past the deadline, or answering
  // other questions): the caller asks again later. INVALID_ARGUMENT when it refuses the
  // questions as malformed (an empty id, a bad date): asking the same again would not help.
  virtual absl::StatusOr<std::vector<CoverageAnswer>> CoverageOn(const std::vector<CoverageQuestion>& questions) = 0;
};

// The beneficiary service at `address`, each call ending after `deadline`.
std::unique_ptr<BeneficiaryDirectory> NewBeneficiaryDirectory(const std::string& address, absl::Duration deadline);

}  // namespace himaya::claims
