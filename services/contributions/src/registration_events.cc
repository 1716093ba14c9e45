#include "contributions/src/registration_events.h"

#include "contributions/src/insured_store.h"
#include "core/status_macros.h"
#include "himaya/registration/v1/events.pb.h"

namespace himaya::contributions {
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
    const std::string program = ProgramOf(e.program(), envelope);
    if (rules_.For(program) == nullptr) return absl::OkStatus();
    if (e.registration_number().empty()) return absl::InvalidArgumentError("PersonRegistered: no registration_number");
    return InsuredStore::RecordRegistered(tx, {e.registration_number(), program, e.category(), e.region(),
                                               DayOf(e.registered_at(), envelope, zone_), "PersonRegistered"})
        .status();
  }
  if (envelope.type() == events::EventType<reg::PersonMerged>()) {
    ASSIGN_OR_RETURN(reg::PersonMerged e, events::Unpack<reg::PersonMerged>(envelope));
    const std::string program = ProgramOf(e.program(), envelope);
    if (rules_.For(program) == nullptr) return absl::OkStatus();
    if (e.registration_number().empty()) return absl::InvalidArgumentError("PersonMerged: no registration_number");
    return InsuredStore::RecordMerged(tx, {e.registration_number(), program, e.category(), "",
                                           DayOf(e.merged_at(), envelope, zone_), "PersonMerged"})
        .status();
  }
  return absl::OkStatus();
}

}  // namespace himaya::contributions
