// Who is covered on a date, and through whom (CheckEligibility): an insured person by their
// registration number, a dependent by their beneficiary id (NUMBER-NN). One question or up to
// 1000 at once, answered from one read transaction with a few queries whatever their number.
// Ages are computed on the date asked, never stored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "beneficiary/src/family_rules.h"
#include "core/clock.h"
#include "storage/database.h"

namespace himaya::beneficiary {

inline constexpr size_t kMaxQuestionsPerBatch = 1000;

struct EligibilityQuestion {
  std::string beneficiary_id;
  std::string date;  // YYYY-MM-DD; empty: today
};

struct EligibilityAnswer {
  std::string beneficiary_id;
  absl::CivilDay date;
  bool covered = false;
  // The insured through whom, and their program (empty when NOT_REGISTERED).
  std::string registration_number;
  std::string program;
  // The insured's category and region.
  std::string category;
  std::string region;
  Relationship relationship = Relationship::kInsured;
  // When not covered: NOT_REGISTERED, NOT_YET_COVERED, AGE_LIMIT, STUDIES_ENDED, REMOVED,
  // INSURED_NOT_COVERED, DETAILS_PENDING, or a refused member's code.
  std::string reason;
  std::optional<absl::CivilDay> covered_until;
};

class Eligibility {
 public:
  // `clock` tells today (in `zone`).
  Eligibility(storage::Database& db, const FamilyRules& rules, const core::Clock& clock,
              absl::TimeZone zone = absl::UTCTimeZone())
      : db_(db), rules_(rules), clock_(clock), zone_(zone) {}

  // The answer to one question; an unknown id is NOT_REGISTERED, not an error. INVALID_ARGUMENT
  // for an empty id or a date that is not a real YYYY-MM-DD.
  absl::StatusOr<EligibilityAnswer> Check(const EligibilityQuestion& question);
  // One answer per question, in order. INVALID_ARGUMENT beyond kMaxQuestionsPerBatch, or naming
  // the first question at fault (questions[i].date).
  absl::StatusOr<std::vector<EligibilityAnswer>> CheckMany(const std::vector<EligibilityQuestion>& questions);
  // Today, by the clock.
  absl::CivilDay Today() const { return absl::ToCivilDay(clock_.Now(), zone_); }

 private:
  storage::Database& db_;
  const FamilyRules& rules_;
  const core::Clock& clock_;
  const absl::TimeZone zone_;
};

}  // namespace himaya::beneficiary
