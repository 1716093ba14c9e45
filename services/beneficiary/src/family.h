// The beneficiary service's records, in the domain's words: insured persons and their
// enrolments, their dependents (spouses, children) and the periods each is covered in. Plain
// types: no proto, no SQL; the stores read and write them, the gRPC edge converts them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace himaya::beneficiary {

// Relationships as stored and published.
inline constexpr char kSpouse[] = "SPOUSE";
inline constexpr char kChild[] = "CHILD";

// Who declared a dependent.
inline constexpr char kSourcePortal[] = "PORTAL";
inline constexpr char kSourceAgent[] = "AGENT";
inline constexpr char kSourceLiaisonBatch[] = "LIAISON_BATCH";

// Days an insured is not covered for unpaid contributions: from `from` to `to`, both included;
// no `to` until a payment restores the coverage.
struct Suspension {
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;
};

// A registered person, covered from the day of their registration, but on the days of a
// suspension.
struct Insured {
  std::string registration_number;
  std::string program;
  std::string category;
  std::string city;
  std::string region;
  absl::CivilDay registered_on;
  // False while only a merge or a household event named this person (PersonRegistered, in
  // another program's topic, may come later).
  bool registered = false;
  // Bumped by every change of the family an attestation shows.
  int64_t family_version = 0;
  // By start, not overlapping. Filled by InsuredStore's Find, FindForUpdate and FindMany.
  std::vector<Suspension> suspensions;
};

// A program the insured is enrolled in.
struct Enrolment {
  std::string registration_number;
  std::string program;
  std::string category;
  std::string source_event;  // PersonRegistered, PersonMerged (or HouseholdMemberDeclared)
  absl::CivilDay since;
};

// A stretch of coverage, both ends included; no end while it lasts.
struct Period {
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  std::string end_reason;  // the removal's reason code
  std::string note;        // the removal's free text (never published)
};

enum class DependentState {
  kActive,
  // A liaison household member whose identity registration has not told yet.
  kDetailsPending,
  // Refused by a rule (the code in `refusal`): never covered.
  kRefused,
};
absl::string_view StateName(DependentState state);  // "ACTIVE", "DETAILS_PENDING", "REFUSED"
// The state named `name`; DETAILS_PENDING for an unknown name.
DependentState ParseState(absl::string_view name);

// A spouse or child of an insured.
struct Dependent {
  std::string beneficiary_id;  // NUMBER-NN
  std::string registration_number;
  std::string relationship;  // kSpouse or kChild
  std::string first_name;    // empty while DETAILS_PENDING
  std::string last_name;
  std::optional<absl::CivilDay> birth_date;  // none while DETAILS_PENDING
  std::string sex;                           // "M", "F"; empty while DETAILS_PENDING
  std::string cin;                           // empty when none
  // The normalised names and birth date (IdentityKey), the CIN being a second key (IdentityKeys);
  // empty while DETAILS_PENDING.
  std::string identity_key;
  bool disabled = false;
  std::optional<absl::CivilDay> studying_until;
  // The declared end of an apprenticeship (family allowances' right up to 18).
  std::optional<absl::CivilDay> apprenticeship_until;
  std::string program;
  std::string source;     // kSourcePortal, kSourceAgent, kSourceLiaisonBatch
  std::string member_id;  // the liaison household member's id; empty otherwise
  DependentState state = DependentState::kActive;
  std::string refusal;  // the rule's code when REFUSED
  absl::Time declared_at;
  std::vector<Period> periods;  // oldest first
};

// The beneficiary id of the insured's dependent of rank `rank` (1 to 99): "NUMBER-NN".
std::string DependentId(absl::string_view registration_number, int rank);
// The insured's registration number of a beneficiary id (the id itself for an insured).
std::string InsuredNumberOf(absl::string_view beneficiary_id);

// The key under which one person is a dependent of one insured at a time, with or without a CIN:
// "NAME:<last>|<first>|<birth date>" with the names' ASCII letters upper-cased and runs of
// spaces, hyphens, apostrophes and dots made one space (none at either end).
std::string IdentityKey(absl::string_view last_name, absl::string_view first_name, absl::CivilDay birth_date);
// Every key the dependent is known by: their identity_key, then "CIN:<cin>" when they have a CIN.
std::vector<std::string> IdentityKeys(const Dependent& dependent);
// Whether two dependents are one person: the same name key, or the same CIN.
bool SamePerson(const Dependent& a, const Dependent& b);

// YYYY-MM-DD.
std::string FormatDay(absl::CivilDay day);
// A real YYYY-MM-DD date; nothing otherwise.
std::optional<absl::CivilDay> ParseDay(absl::string_view text);

}  // namespace himaya::beneficiary
