#include "beneficiary/src/household_details.h"

#include <set>

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

namespace {

// The person registration describes, as a dependent's identity; nothing without a valid birth
// date and sex.
std::optional<Dependent> PersonOf(const MemberDetails& details) {
  Dependent d;
  d.first_name = details.first_name;
  d.last_name = details.last_name;
  d.birth_date = ParseDay(details.birth_date);
  d.sex = details.sex;
  d.cin = details.cin;
  if (!details.found || !d.birth_date || (d.sex != "M" && d.sex != "F")) return std::nullopt;
  d.identity_key = IdentityKey(d.last_name, d.first_name, *d.birth_date);
  return d;
}

}  // namespace

absl::Status HouseholdDetails::Decide(storage::Transaction& tx, Dependent& d, const MemberDetails& details,
                                      bool directly_insured) {
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
  std::optional<Dependent> person = PersonOf(details);
  if (!person) {
    d.refusal = kDetailsInvalid;
    return absl::OkStatus();
  }
  d.identity_key = person->identity_key;
  if (directly_insured) {
    d.refusal = std::string(RefusalName(RefusalCode::kDirectlyInsured));
    return absl::OkStatus();
  }
  const absl::CivilDay start = d.periods.empty() ? absl::CivilDay() : d.periods.front().start;
  ASSIGN_OR_RETURN(bool held, BeneficiaryStore::HeldElsewhere(tx, d, start));
  if (held) {
    d.refusal = std::string(RefusalName(RefusalCode::kAlreadyDependent));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<Dependent> family, BeneficiaryStore::Family(tx, d.registration_number));
  absl::Status allowed = absl::OkStatus();
  for (const Dependent& member : family) {
    if (allowed.ok() && member.state == DependentState::kActive && SamePerson(member, d)) {
      allowed = CheckRedeclaration(FactsOf(member), start);
    }
  }
  if (allowed.ok()) {
    allowed = CheckDeclaration(rules_, NewMember{RelationshipOf(d.relationship), *d.birth_date, false, std::nullopt},
                               SnapshotBefore(family, d.beneficiary_id), start);
  }
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
  // Registration alone knows whether a CIN is a registered person's: asked before the
  // transaction, as for a declaration, once per CIN; the members wait while it cannot answer.
  std::set<std::string> numbers;
  std::set<std::string> keys;
  std::set<std::string> registered;
  for (size_t i = 0; i < pending.size(); ++i) {
    numbers.insert(pending[i].registration_number);
    std::optional<Dependent> person = PersonOf(details[i]);
    if (!person) continue;
    for (std::string& key : IdentityKeys(*person)) keys.insert(std::move(key));
    if (person->cin.empty() || registered.count(person->cin) > 0) continue;
    ASSIGN_OR_RETURN(bool is_registered, directory_.IsRegistered(person->cin));
    if (is_registered) registered.insert(person->cin);
  }
  int decided = 0;
  int declared = 0;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    decided = 0;
    declared = 0;
    // The families' rows, then the people's, in the order a declaration takes them.
    for (const std::string& number : numbers) RETURN_IF_ERROR(InsuredStore::FindForUpdate(tx, number).status());
    RETURN_IF_ERROR(BeneficiaryStore::LockIdentities(tx, {keys.begin(), keys.end()}));
    for (size_t i = 0; i < pending.size(); ++i) {
      Dependent d = pending[i];
      RETURN_IF_ERROR(Decide(tx, d, details[i], registered.count(details[i].cin) > 0));
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
