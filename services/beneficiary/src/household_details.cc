#include "beneficiary/src/household_details.h"

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/coverage.h"
#include "beneficiary/src/family_events.h"
#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {

HouseholdDetails::HouseholdDetails(storage::Database& db, const FamilyRules& rules, RegistrationDirectory& directory,
                                   const core::Clock& clock, events::EventSource source,
                                   HouseholdDetailsOptions options, std::function<void()> on_published)
    : db_(db),
      rules_(rules),
      directory_(directory),
      clock_(clock),
      source_(std::move(source)),
      options_(options),
      on_published_(std::move(on_published)) {}

absl::Status HouseholdDetails::Decide(storage::Transaction& tx, Dependent& d, const MemberDetails& details) {
  d.state = DependentState::kRefused;
  if (!details.found) {
    d.refusal = kMemberUnknown;
    return absl::OkStatus();
  }
  d.first_name = details.first_name;
  d.last_name = details.last_name;
  d.birth_date = ParseDay(details.birth_date);
  d.sex = details.sex;
  d.cin = details.cin;
  if (!d.birth_date || (d.sex != "M" && d.sex != "F")) {
    d.refusal = kDetailsInvalid;
    return absl::OkStatus();
  }
  d.identity_key = IdentityKey(d.cin, d.last_name, d.first_name, *d.birth_date);
  const absl::CivilDay start = d.periods.empty() ? absl::CivilDay() : d.periods.front().start;
  ASSIGN_OR_RETURN(bool held, BeneficiaryStore::HeldElsewhere(tx, d.identity_key, d.registration_number, start));
  if (held) {
    d.refusal = std::string(RefusalName(RefusalCode::kAlreadyDependent));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<Dependent> family, BeneficiaryStore::Family(tx, d.registration_number));
  FamilySnapshot snapshot;
  for (const Dependent& member : family) {
    if (member.state == DependentState::kActive) snapshot.members.push_back(FactsOf(member));
  }
  absl::Status allowed = CheckDeclaration(
      rules_, NewMember{RelationshipOf(d.relationship), *d.birth_date, false, std::nullopt}, snapshot, start);
  if (!allowed.ok()) {
    if (RefusalOf(allowed) == RefusalCode::kNone) return allowed;
    d.refusal = std::string(RefusalName(RefusalOf(allowed)));
    return absl::OkStatus();
  }
  d.state = DependentState::kActive;
  d.refusal.clear();
  return absl::OkStatus();
}

absl::StatusOr<int> HouseholdDetails::DecideBatch() {
  std::vector<Dependent> pending;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pending, BeneficiaryStore::Pending(tx, options_.batch_size));
    return absl::OkStatus();
  }));
  if (pending.empty()) return 0;
  std::vector<std::string> ids;
  ids.reserve(pending.size());
  for (const Dependent& d : pending) ids.push_back(d.member_id);
  ASSIGN_OR_RETURN(std::vector<MemberDetails> details, directory_.HouseholdMembers(ids));
  int decided = 0;
  int declared = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    decided = 0;
    declared = 0;
    for (size_t i = 0; i < pending.size(); ++i) {
      Dependent d = pending[i];
      RETURN_IF_ERROR(Decide(tx, d, details[i]));
      ASSIGN_OR_RETURN(bool resolved, BeneficiaryStore::Resolve(tx, d));
      if (!resolved) continue;  // decided meanwhile by another replica
      ++decided;
      if (d.state != DependentState::kActive) {
        log::Info("household member refused", {{"beneficiary_id", d.beneficiary_id}, {"reason", d.refusal}});
        continue;
      }
      RETURN_IF_ERROR(InsuredStore::BumpFamilyVersion(tx, d.registration_number));
      RETURN_IF_ERROR(AppendDeclared(tx, source_, d, clock_));
      ++declared;
    }
    return absl::OkStatus();
  }));
  if (declared > 0) on_published_();
  return decided;
}

absl::Duration HouseholdDetails::Pass() {
  absl::StatusOr<int> decided = DecideBatch();
  if (!decided.ok()) {
    log::Warn("household members wait: registration could not tell who they are",
              {{"error", std::string(decided.status().message())},
               {"code", absl::StatusCodeToString(decided.status().code())}});
    return options_.retry_after;
  }
  return *decided > 0 ? absl::ZeroDuration() : options_.idle;
}

}  // namespace himaya::beneficiary
