// What insured persons and agents ask of a family: declare a spouse or a child, remove one (a
// reason, an end date that may be past), and list the family with each member's coverage today.
// Every rule is the family rules' (family_rules.h); this class validates requests, asks
// registration what only it knows (is this CIN a registered person?) before any transaction,
// and records each change with its event (BeneficiaryDeclared, BeneficiaryRemoved) in one
// transaction.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "beneficiary/src/coverage.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/src/registration_directory.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// A declaration as asked.
struct Declaration {
  std::string registration_number;
  Relationship relationship = Relationship::kChild;
  std::string first_name;
  std::string last_name;
  std::string birth_date;      // YYYY-MM-DD
  std::string sex;             // M or F, any case
  std::string cin;             // optional
  std::string studying_until;  // optional, children only
  bool disabled = false;
  std::string start_date;   // optional, default today
  std::string declared_by;  // "PORTAL" (also when empty) or "AGENT:<id>"
  std::string idempotency_key;
  std::string apprenticeship_until;  // optional, children only
};

// A removal as asked.
struct Removal {
  std::string registration_number;
  std::string beneficiary_id;
  std::string reason;    // DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE, OTHER
  std::string end_date;  // the last covered day, YYYY-MM-DD
  std::string removed_by;
  std::string note;  // optional, kept with the period, never published
};

// A dependent with their coverage today.
struct FamilyMember {
  Dependent dependent;
  Coverage today;
};

// An insured person's family: the insured, then their dependents by id (removed ones too).
struct FamilyView {
  Insured insured;
  Coverage insured_today;
  std::vector<FamilyMember> members;
};

// The longest name, in characters.
inline constexpr size_t kMaxNameChars = 100;
// The longest idempotency key or declarer, in bytes.
inline constexpr size_t kMaxKeyChars = 64;

// Trims and upper-cases a CIN, as registration does: 1-2 Latin letters then 1-6 digits.
// INVALID_ARGUMENT naming "cin" otherwise.
absl::StatusOr<std::string> NormalizeCin(absl::string_view cin);

class Families {
 public:
  Families(storage::Database& db, const FamilyRules& rules, RegistrationDirectory& registration,
           const core::Clock& clock, events::EventSource source, absl::TimeZone zone = absl::UTCTimeZone())
      : db_(db), rules_(rules), registration_(registration), clock_(clock), source_(std::move(source)), zone_(zone) {}

  // Declares a spouse or a child. INVALID_ARGUMENT naming the field at fault; NOT_FOUND for an
  // unknown insured; a family rule's refusal (family_rules.h Refuse: SPOUSE_LIMIT,
  // CHILD_AGE_LIMIT, ..., BIRTH_DATE_IN_FUTURE when born after today, DIRECTLY_INSURED when the CIN is a registered
  // person's, ALREADY_DEPENDENT when another family covers the person, saying nothing of that family, ALREADY_DECLARED
  // when this one does); UNAVAILABLE when registration cannot tell in time whether the CIN is registered (nothing is
  // declared without that check). The same idempotency key again returns the dependent it declared.
  absl::StatusOr<FamilyMember> Declare(const Declaration& declaration);
  // Ends a dependent's coverage on the removal's end date. NOT_FOUND when the beneficiary is not
  // in this insured's family; the rules' refusals (REASON_REQUIRED, REASON_UNKNOWN,
  // NOT_COVERED, END_BEFORE_START, NOTE_INVALID); INVALID_ARGUMENT for a malformed id or date.
  absl::StatusOr<FamilyMember> Remove(const Removal& removal);
  // The insured's family. NOT_FOUND for an unknown insured.
  absl::StatusOr<FamilyView> List(const std::string& registration_number);

  absl::CivilDay Today() const { return absl::ToCivilDay(clock_.Now(), zone_); }
  // The time zone of "today".
  absl::TimeZone zone() const { return zone_; }

 private:
  absl::StatusOr<FamilyMember> Find(const std::string& registration_number, const std::string& beneficiary_id);
  FamilyMember WithCoverage(Dependent dependent, const Insured& insured) const;
  storage::Database& db_;
  const FamilyRules& rules_;
  RegistrationDirectory& registration_;
  const core::Clock& clock_;
  events::EventSource source_;
  const absl::TimeZone zone_;
};

}  // namespace himaya::beneficiary
