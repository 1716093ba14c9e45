// The liaison household members recorded DETAILS_PENDING (registration_events.h) become
// dependents: on a background loop, HouseholdDetails asks registration who up to 1000 of them
// are (one call, with a deadline), decides each with the family's rules, and records the outcome
// in one transaction: ACTIVE with BeneficiaryDeclared (source LIAISON_BATCH) in the outbox, or
// REFUSED with the rule's code. While registration cannot answer (down, slow, or not serving
// GetHouseholdMembers yet) the members wait and the loop tries again later.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/src/registration_directory.h"
#include "core/background_loop.h"
#include "core/clock.h"
#include "events/envelope.h"
#include "storage/database.h"

namespace himaya::beneficiary {

// Why a household member is refused, beside the family rules' codes (CheckDeclaration's, and
// ALREADY_DEPENDENT).
inline constexpr char kMemberUnknown[] = "MEMBER_UNKNOWN";        // registration knows no such member
inline constexpr char kDetailsInvalid[] = "DETAILS_INVALID";      // no valid birth date or sex
inline constexpr char kAlreadyDependent[] = "ALREADY_DEPENDENT";  // a dependent of another insured

struct HouseholdDetailsOptions {
  int batch_size = 1000;
  // How long to wait before asking again when registration could not answer.
  absl::Duration retry_after = absl::Seconds(5);
  // How long to idle when nothing is pending (a new member wakes the loop at once).
  absl::Duration idle = absl::Seconds(30);
};

class HouseholdDetails {
 public:
  // `on_published` runs after a transaction that appended events committed (the relay wakes).
  HouseholdDetails(
      storage::Database& db, const FamilyRules& rules, RegistrationDirectory& directory, const core::Clock& clock,
      events::EventSource source, HouseholdDetailsOptions options = {}, std::function<void()> on_published = [] {});
  ~HouseholdDetails() { Stop(); }

  // Decides up to one batch of pending members. Returns how many were decided (0 when none is
  // pending); registration's error when it could not answer (nothing changed).
  absl::StatusOr<int> DecideBatch();

  void Start() { loop_.Start(); }
  // Call after recording a pending member.
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  absl::Duration Pass();
  // Fills in `dependent` from `details` and decides its state in `tx` (DIRECTLY_INSURED when
  // registration said its CIN is a registered person's).
  absl::Status Decide(storage::Transaction& tx, Dependent& dependent, const MemberDetails& details,
                      bool directly_insured);
  storage::Database& db_;
  const FamilyRules& rules_;
  RegistrationDirectory& directory_;
  const core::Clock& clock_;
  events::EventSource source_;
  const HouseholdDetailsOptions options_;
  std::function<void()> on_published_;
  core::BackgroundLoop loop_{[this] { return Pass(); }};
};

}  // namespace himaya::beneficiary
