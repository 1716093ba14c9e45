// Insured persons and their enrolments in the beneficiary service's own database (their SQL
// lives here, and only here): recorded from registration's events, read by the family,
// eligibility and attestation queries, counted for the operations figures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "beneficiary/src/family.h"
#include "storage/database.h"

namespace himaya::beneficiary {

class InsuredStore {
 public:
  // Records a registered person, and their enrolment in their program. A person first named by
  // a merge or a household event takes the registration's details (program, category, city,
  // region, first covered day). Returns whether anything changed (false for a person already
  // registered).
  static absl::StatusOr<bool> RecordRegistered(storage::Transaction& tx, const Insured& insured);
  // Enrols a person in a program (nothing when already enrolled in it). A person not known yet
  // is recorded, not yet registered, covered from `enrolment.since`, with the enrolment's program
  // and category and no city or region (PersonRegistered fills them in later). Returns whether
  // the enrolment was new.
  static absl::StatusOr<bool> RecordEnrolment(storage::Transaction& tx, const Enrolment& enrolment);
  // Find, FindForUpdate and FindMany read each insured's suspensions with them.
  // The insured with this number; nothing when unknown.
  static absl::StatusOr<std::optional<Insured>> Find(storage::Transaction& tx, absl::string_view registration_number);
  // The insured with this number, its row held until the end of the transaction (two changes of
  // one family then run one after the other); nothing when unknown. Take it before reading the
  // family a change is checked against.
  static absl::StatusOr<std::optional<Insured>> FindForUpdate(storage::Transaction& tx,
                                                              absl::string_view registration_number);
  // The insured among `numbers` (unknown ones left out), in no particular order.
  static absl::StatusOr<std::vector<Insured>> FindMany(storage::Transaction& tx,
                                                       const std::vector<std::string>& numbers);
  // The insured's enrolments, by program.
  static absl::StatusOr<std::vector<Enrolment>> Enrolments(storage::Transaction& tx,
                                                           absl::string_view registration_number);
  // Takes the insured's next dependent rank (1, 2, ...; never given twice). NOT_FOUND for an
  // unknown insured; RESOURCE_EXHAUSTED past 99.
  static absl::StatusOr<int> TakeRank(storage::Transaction& tx, absl::string_view registration_number);
  // Marks the family changed (attestations issued before no longer show it).
  static absl::Status BumpFamilyVersion(storage::Transaction& tx, absl::string_view registration_number);
  // Up to `limit` insured whose number sorts after `after` (all when empty), in number order:
  // one page of a pass over every insured (the figures), without their suspensions.
  static absl::StatusOr<std::vector<Insured>> Page(storage::Transaction& tx, absl::string_view after, int limit);
  // The enrolments of the insured whose numbers lie between `first` and `last` (both included).
  static absl::StatusOr<std::vector<Enrolment>> EnrolmentsBetween(storage::Transaction& tx, absl::string_view first,
                                                                  absl::string_view last);
};

// "$first, $first+1, ..." for `n` parameters.
std::string Placeholders(size_t first, size_t n);

}  // namespace himaya::beneficiary
