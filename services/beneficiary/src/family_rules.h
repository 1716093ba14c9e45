// AMO's family rules, kept as configuration (config/family_rules.json, or a deployment's own
// file), and the pure decisions taken with them: is a beneficiary covered on a date and, when
// not, why; may a member be declared into a family; may a member's coverage be ended. No clock,
// no storage, no proto: the date is always a parameter, so each rule is tested at its bounds.
//
// Conventions (the tests hold them):
// - Age on a date: the number of birthdays passed up to and including that date. A child born
//   2005-03-01 is 20 on 2026-02-28 and 21 on 2026-03-01. Ages are computed, never stored.
// - A person born on 29 February has their birthday on 1 March in years that are not leap
//   years: born 2008-02-29, they turn 21 on 2029-03-01 (and on 2032-02-29 they turn 24).
// - "Covered up to 21" means covered while younger than 21: the last covered day is the day
//   before the 21st birthday. The same for the student limit (26): a studying child is covered
//   up to their declared end of studies (that day included) and never past the day before their
//   26th birthday. A disabled child has no age limit when the rules say so.
// - Coverage periods are inclusive at both ends: a member removed with end date E is covered on
//   E and not on E + 1. Spouses and the insured have no age limit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace himaya::beneficiary {

// The rules one deployment applies. Immutable; built once at start.
class FamilyRules {
 public:
  // Strict: a JSON object holding exactly the keys max_spouses (1-10), child_age_limit (1-30),
  // student_age_limit (from child_age_limit to 40), spouse_min_age (15-30), all integers, and
  // disabled_child_without_age_limit (a boolean). INVALID_ARGUMENT naming the key for a missing,
  // unknown or repeated key, a wrong type or a value out of its range; for text that is not a
  // JSON object.
  static absl::StatusOr<FamilyRules> Parse(absl::string_view json);
  // The rules shipped with the service (config/family_rules.json, embedded at build time).
  static const FamilyRules& Shipped();
  // The rules of the file at `path`, the shipped ones when `path` is empty. NOT_FOUND when the
  // file cannot be read; Parse's errors otherwise.
  static absl::StatusOr<FamilyRules> Load(const std::string& path);

  int max_spouses() const { return max_spouses_; }
  int child_age_limit() const { return child_age_limit_; }
  int student_age_limit() const { return student_age_limit_; }
  bool disabled_child_without_age_limit() const { return disabled_child_without_age_limit_; }
  int spouse_min_age() const { return spouse_min_age_; }

 private:
  FamilyRules() = default;

  int max_spouses_ = 0;
  int child_age_limit_ = 0;
  int student_age_limit_ = 0;
  bool disabled_child_without_age_limit_ = false;
  int spouse_min_age_ = 0;
};

// The day a person born on `birth` turns `years` (29 February: 1 March in other years).
absl::CivilDay Birthday(absl::CivilDay birth, int years);
// The age on `date` of a person born on `birth`; negative before `birth`.
int AgeOn(absl::CivilDay birth, absl::CivilDay date);

enum class Relationship { kInsured, kSpouse, kChild };
absl::string_view RelationshipName(Relationship relationship);  // "INSURED", "SPOUSE", "CHILD"

// Why a beneficiary is not covered on a date, or why a coverage ends. kNone when covered.
enum class ReasonCode {
  kNone,
  kNotRegistered,      // nobody by that number or id (the service's answer)
  kNotYetCovered,      // before the first coverage period
  kAgeLimit,           // a child past the child limit and not studying, or past the student limit
  kStudiesEnded,       // a child between the two limits whose declared studies ended before the date
  kRemoved,            // after a period ended by a removal, and no later period
  kInsuredNotCovered,  // a dependent whose insured is not covered on the date (ThroughInsured)
  kDetailsPending,     // a household member whose identity registration has not sent yet (the service's)
  // The insured's coverage is suspended for unpaid contributions (a period of the insured ends
  // with it); their dependents answer it too (ThroughInsured).
  kContributionsUnpaid,
};
// The code's name as the API and the CLI show it: "NOT_REGISTERED", "AGE_LIMIT", ... ("NONE").
absl::string_view ReasonName(ReasonCode reason);

// One stretch of coverage: from `start` to `end`, both included; no `end` while it lasts.
struct CoveragePeriod {
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  // What CoverageOn answers after it ended (meaningful with `end`): kRemoved for a removal,
  // whatever its RemovalReason (the service keeps that and the note beside the period).
  ReasonCode end_reason = ReasonCode::kRemoved;
};

// What the rules know of a beneficiary. No name, no CIN: none of them decides coverage.
struct BeneficiaryFacts {
  Relationship relationship = Relationship::kChild;
  absl::CivilDay birth_date;
  bool disabled = false;
  std::optional<absl::CivilDay> studying_until;  // the declared end of studies, covered that day
  std::vector<CoveragePeriod> periods;           // in any order, not overlapping
};

struct CoverageAnswer {
  bool covered = false;
  ReasonCode reason = ReasonCode::kNotYetCovered;  // kNone when covered
  // When covered: the last covered day as known on the date asked (the day before an age limit,
  // the declared end of studies, or the end of the period already recorded, contiguous periods
  // joined); none when nothing ends the coverage yet. `ends_by` says which.
  std::optional<absl::CivilDay> covered_until;
  ReasonCode ends_by = ReasonCode::kNone;
};

// Whether `beneficiary` is covered on `date`, by its periods first (outside every period: the
// reason of the last period that ended before `date`, NOT_YET_COVERED when none did, or when
// there is no period), then by the age limits on `date`.
CoverageAnswer CoverageOn(const FamilyRules& rules, const BeneficiaryFacts& beneficiary, absl::CivilDay date);

// A dependent's answer given their insured's on the same date: the member's own when they are
// not covered, INSURED_NOT_COVERED when the insured is not (CONTRIBUTIONS_UNPAID when that is
// why), covered otherwise (until the earlier of the two ends).
CoverageAnswer ThroughInsured(const CoverageAnswer& member, const CoverageAnswer& insured);

// Every reason a declaration or a removal is refused, each naming its rule. The rules decide the
// ones above the line; the service those that need its data, with Refuse() below.
enum class RefusalCode {
  kNone,
  kInvalidRelationship,  // only a spouse or a child is declared into a family
  kBirthDateInFuture,    // born after the date coverage would start
  kBirthDateTooOld,      // born before 1900-01-01
  kSpouseUnderage,       // a spouse younger than spouse_min_age on the date
  kSpouseLimit,          // max_spouses already covered on the date or later
  kChildAgeLimit,        // a child already past the limit that applies to them on the date
  kStudiesEnded,         // a declared end of studies already past on the date
  kStudiesForChildOnly,  // an end of studies declared for a spouse
  kEndBeforeStart,       // a removal's end date before the start of the period it ends
  kNotCovered,           // a removal of a member with no open period
  kReasonRequired,       // a removal without a reason code
  kReasonUnknown,        // a removal's reason code that is none of RemovalReason's
  kNoteInvalid,          // a removal's note too long, not UTF-8, or holding control characters
  kAlreadyDeclared,      // a re-declaration while a period is open or ends on the date or later
  // --- decided by the service
  kDirectlyInsured,    // the CIN belongs to a registered person
  kAlreadyDependent,   // the person is a dependent of another insured
  kMemberUnknown,      // a liaison household member registration knows nothing of
  kDetailsInvalid,     // a liaison household member without a valid birth date or sex
  kInsuredNotCovered,  // a certificate asked for an insured not covered on the day
};
// "SPOUSE_LIMIT", "CHILD_AGE_LIMIT", ... ("NONE").
absl::string_view RefusalName(RefusalCode refusal);

// A refusal as a Status: INVALID_ARGUMENT for a malformed request (relationship, dates, reason,
// note), FAILED_PRECONDITION for a rule that the member or the family's state breaks (the
// proto's contract: the gRPC edge also puts the name in `himaya-reason`). The message reads
// "<NAME>: <message>" and must carry no personal data; the code travels as a payload, read back
// with RefusalOf. INTERNAL for kNone or a value out of the enum (a refusal without a rule is a
// bug).
absl::Status Refuse(RefusalCode refusal, absl::string_view message);
// The refusal a status carries; kNone for OK and for a status that Refuse did not make.
RefusalCode RefusalOf(const absl::Status& status);

// A member to declare: the facts the rules read.
struct NewMember {
  Relationship relationship = Relationship::kChild;
  absl::CivilDay birth_date;
  bool disabled = false;
  std::optional<absl::CivilDay> studying_until;
};

// The insured's dependents as stored (every period, ended ones included).
struct FamilySnapshot {
  std::vector<BeneficiaryFacts> members;
};

// OK when `member` may be declared with coverage from `on`; else a Refuse() status. Spouses
// count against max_spouses when covered on `on` or on a later day (a spouse whose declared
// coverage starts later counts too).
absl::Status CheckDeclaration(const FamilyRules& rules, const NewMember& member, const FamilySnapshot& family,
                              absl::CivilDay on);

// OK when `member`, removed before, may be declared again with coverage from `on` (a new
// period): no period of theirs is open or ends on `on` or later (kAlreadyDeclared). The service
// calls CheckDeclaration too, with the member's current facts.
absl::Status CheckRedeclaration(const BeneficiaryFacts& member, absl::CivilDay on);

// Why a dependent is removed (the proto's reason codes).
enum class RemovalReason { kDivorce, kDeath, kDeclaredInError, kOwnCoverage, kOther };
// "DIVORCE", "DEATH", "DECLARED_IN_ERROR", "OWN_COVERAGE", "OTHER".
absl::string_view RemovalReasonName(RemovalReason reason);
// The reason named exactly `name`: kReasonRequired when empty, kReasonUnknown otherwise.
absl::StatusOr<RemovalReason> ParseRemovalReason(absl::string_view name);

// Longest removal note, in characters.
inline constexpr size_t kMaxRemovalNoteChars = 200;

// The reason when `member`'s open period may end on `end` (its last covered day): `reason` is a
// RemovalReason's name (ParseRemovalReason), `note` (optional free text) is valid UTF-8 of at
// most kMaxRemovalNoteChars characters without control characters (kNoteInvalid), the member
// is a spouse or a child (kInvalidRelationship) with an open period (kNotCovered), and `end` is
// not before that period's start (kEndBeforeStart). `end` may be in the past or the future.
// Neither the reason nor the note is quoted in an error.
absl::StatusOr<RemovalReason> CheckRemoval(const BeneficiaryFacts& member, absl::CivilDay end, absl::string_view reason,
                                           absl::string_view note);

}  // namespace himaya::beneficiary
