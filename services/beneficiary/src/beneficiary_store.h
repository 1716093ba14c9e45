// Dependents (spouses, children), their coverage periods and the declarations' idempotency keys
// in the beneficiary service's own database (their SQL lives here, and only here).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "beneficiary/src/family.h"
#include "storage/database.h"

namespace himaya::beneficiary {

class BeneficiaryStore {
 public:
  // Records a dependent and its periods. ALREADY_EXISTS when its id, or its member_id, is
  // recorded already.
  static absl::Status Insert(storage::Transaction& tx, const Dependent& dependent);
  // The dependent with this id, with its periods; nothing when unknown.
  static absl::StatusOr<std::optional<Dependent>> Find(storage::Transaction& tx, absl::string_view beneficiary_id);
  // The dependents among `ids` (unknown ones left out), each with its periods, in no particular
  // order.
  static absl::StatusOr<std::vector<Dependent>> FindMany(storage::Transaction& tx, const std::vector<std::string>& ids);
  // The insured's dependents, each with its periods, by beneficiary id.
  static absl::StatusOr<std::vector<Dependent>> Family(storage::Transaction& tx, absl::string_view registration_number);
  // The ACTIVE dependents, with their periods, of the insured whose numbers lie between `first`
  // and `last` (both included), by beneficiary id: one page of a pass over every family.
  static absl::StatusOr<std::vector<Dependent>> ActiveBetween(storage::Transaction& tx, absl::string_view first,
                                                              absl::string_view last);
  // Up to `limit` insured numbers after `after` ("": from the first), in order, with a child ever
  // declared in `program` (REFUSED ones aside): one page of the households of a program.
  static absl::StatusOr<std::vector<std::string>> HouseholdsAfter(storage::Transaction& tx, absl::string_view program,
                                                                  absl::string_view after, int limit);
  // The children in `program`, ACTIVE or waiting for their details, with their periods, of the
  // insured whose numbers lie between `first` and `last` (both included), by beneficiary id.
  static absl::StatusOr<std::vector<Dependent>> ChildrenBetween(storage::Transaction& tx, absl::string_view program,
                                                                absl::string_view first, absl::string_view last);
  // Whether a dependent came from this liaison household member already.
  static absl::StatusOr<bool> HasMember(storage::Transaction& tx, absl::string_view member_id);
  // Up to `limit` dependents waiting for their details, each with its periods, the oldest first.
  static absl::StatusOr<std::vector<Dependent>> Pending(storage::Transaction& tx, int limit);
  // Gives a DETAILS_PENDING dependent its identity (names, birth date, sex, CIN, identity key)
  // and its new state (and refusal). Returns false, changing nothing, when it is no longer
  // DETAILS_PENDING.
  static absl::StatusOr<bool> Resolve(storage::Transaction& tx, const Dependent& dependent);
  // Whether the person `dependent` is (by its identity key or its CIN) is held by an ACTIVE
  // dependent of another insured than its own with a period covering `on` or a later day. Call it
  // after LockIdentities, in the same transaction, for an answer that holds until commit.
  static absl::StatusOr<bool> HeldElsewhere(storage::Transaction& tx, const Dependent& dependent, absl::CivilDay on);
  // Takes the row of each of `identity_keys` (IdentityKeys), in sorted order, until the end of
  // the transaction: two transactions asking about one person then run one after the other.
  static absl::Status LockIdentities(storage::Transaction& tx, std::vector<std::string> identity_keys);
  // Ends the dependent's open period on `end` (its last covered day) with the reason and note.
  // Returns false when it has no open period.
  static absl::StatusOr<bool> EndPeriod(storage::Transaction& tx, absl::string_view beneficiary_id, absl::CivilDay end,
                                        absl::string_view reason, absl::string_view note);

  // The dependent a declaration with this idempotency key declared, with the insured it was
  // declared for; nothing when the key is new.
  struct KeptDeclaration {
    std::string registration_number;
    std::string beneficiary_id;
  };
  static absl::StatusOr<std::optional<KeptDeclaration>> DeclaredWith(storage::Transaction& tx,
                                                                     absl::string_view idempotency_key);
  // Keeps the key of a declaration that succeeded.
  static absl::Status KeepDeclaration(storage::Transaction& tx, absl::string_view idempotency_key,
                                      const KeptDeclaration& declaration, absl::Time at);
};

}  // namespace himaya::beneficiary
