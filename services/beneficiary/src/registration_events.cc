#include "beneficiary/src/registration_events.h"

#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/family.h"
#include "beneficiary/src/insured_store.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"

namespace himaya::beneficiary {
namespace {

namespace reg = himaya::registration::v1;

// The day in `zone` of `at`, or of the envelope's time when `at` is unset.
absl::CivilDay DayOf(const google::protobuf::Timestamp& at, const events::Envelope& envelope, absl::TimeZone zone) {
  const google::protobuf::Timestamp& t = at.seconds() != 0 || at.nanos() != 0 ? at : envelope.occurred_at();
  return absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), zone);
}

std::string ProgramOf(const std::string& program, const events::Envelope& envelope) {
  return program.empty() ? envelope.program() : program;
}

}  // namespace

absl::Status RegistrationEvents::Apply(storage::Transaction& tx, const events::Envelope& envelope) {
  if (envelope.type() == events::EventType<reg::PersonRegistered>()) {
    ASSIGN_OR_RETURN(reg::PersonRegistered e, events::Unpack<reg::PersonRegistered>(envelope));
    if (e.registration_number().empty()) return absl::InvalidArgumentError("PersonRegistered: no registration_number");
    Insured insured{e.registration_number(),
                    ProgramOf(e.program(), envelope),
                    e.category(),
                    e.city(),
                    e.region(),
                    DayOf(e.registered_at(), envelope, zone_),
                    true};
    return InsuredStore::RecordRegistered(tx, insured).status();
  }
  if (envelope.type() == events::EventType<reg::PersonMerged>()) {
    ASSIGN_OR_RETURN(reg::PersonMerged e, events::Unpack<reg::PersonMerged>(envelope));
    if (e.registration_number().empty()) return absl::InvalidArgumentError("PersonMerged: no registration_number");
    return InsuredStore::RecordEnrolment(tx, {e.registration_number(), ProgramOf(e.program(), envelope), e.category(),
                                              "PersonMerged", DayOf(e.merged_at(), envelope, zone_)})
        .status();
  }
  if (envelope.type() != events::EventType<reg::HouseholdMemberDeclared>()) return absl::OkStatus();
  ASSIGN_OR_RETURN(reg::HouseholdMemberDeclared e, events::Unpack<reg::HouseholdMemberDeclared>(envelope));
  if (e.head_registration_number().empty()) {
    return absl::InvalidArgumentError("HouseholdMemberDeclared: no head_registration_number");
  }
  if (e.member_id().empty()) return absl::InvalidArgumentError("HouseholdMemberDeclared: no member_id");
  if (e.relationship() != kSpouse && e.relationship() != kChild) {
    return absl::InvalidArgumentError("HouseholdMemberDeclared: relationship must be SPOUSE or CHILD");
  }
  ASSIGN_OR_RETURN(bool known, BeneficiaryStore::HasMember(tx, e.member_id()));
  if (known) return absl::OkStatus();
  const std::string program = ProgramOf(e.program(), envelope);
  const absl::CivilDay day = DayOf({}, envelope, zone_);
  // The head's PersonRegistered normally came first on the same topic; a head merged into this
  // program may be known only by this event so far.
  RETURN_IF_ERROR(
      InsuredStore::RecordEnrolment(tx, {e.head_registration_number(), program, "", "HouseholdMemberDeclared", day})
          .status());
  ASSIGN_OR_RETURN(int rank, InsuredStore::TakeRank(tx, e.head_registration_number()));
  Dependent d;
  d.beneficiary_id = DependentId(e.head_registration_number(), rank);
  d.registration_number = e.head_registration_number();
  d.relationship = e.relationship();
  d.program = program;
  d.source = kSourceLiaisonBatch;
  d.member_id = e.member_id();
  d.state = DependentState::kDetailsPending;
  d.declared_at = clock_.Now();
  d.periods.push_back({day, std::nullopt, "", ""});
  RETURN_IF_ERROR(BeneficiaryStore::Insert(tx, d));
  absl::MutexLock lock(&mu_);
  recorded_[envelope.event_id()] = d.beneficiary_id;
  return absl::OkStatus();
}

void RegistrationEvents::Finished(bool committed) {
  absl::flat_hash_map<std::string, std::string> recorded;
  {
    absl::MutexLock lock(&mu_);
    recorded.swap(recorded_);
  }
  if (!committed || recorded.empty()) return;
  for (const auto& [event_id, beneficiary_id] : recorded) {
    log::Info("household member recorded, details pending",
              {{"beneficiary_id", beneficiary_id}, {"event_id", event_id}});
  }
  on_member_pending_();
}

}  // namespace himaya::beneficiary
