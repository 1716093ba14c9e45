#include "registration/src/registrar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "events/topics.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "registration/src/person_rules.h"
#include "registration/src/person_store.h"
#include "registration/src/regions.h"

namespace himaya::registration {

Registrar::Registrar(storage::Database& db, NumberAllocator& numbers, events::EventSource source,
                     std::vector<std::string> programs, const ReferenceData& reference, std::function<void()> on_commit)
    : db_(db),
      numbers_(numbers),
      source_(std::move(source)),
      programs_(std::move(programs)),
      reference_(reference),
      on_commit_(std::move(on_commit)) {}

absl::StatusOr<Person> Registrar::Register(const PersonApplication& application) {
  const absl::Time now = source_.clock->Now();
  Validated validated = Validate(application, absl::ToCivilDay(now, absl::UTCTimeZone()), reference_);
  if (!validated.violations.empty()) {
    return absl::InvalidArgumentError(DescribeViolations(validated.violations));
  }
  Person person = std::move(validated.person);
  if (std::find(programs_.begin(), programs_.end(), person.program) == programs_.end()) {
    return absl::FailedPreconditionError(absl::StrCat("program: this registration process serves ",
                                                      absl::StrJoin(programs_, ", "), ", not ", person.program));
  }
  person.registered_at = now;

  ASSIGN_OR_RETURN(std::vector<std::string> number, numbers_.Take(1));
  person.registration_number = number.front();
  absl::Status status = db_.Write([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<Person> existing, PersonStore::FindByCin(tx, person.cin));
    if (existing) {
      return absl::AlreadyExistsError("cin: a person with this CIN is already registered");
    }
    absl::Status inserted = PersonStore::Insert(tx, person);
    if (absl::IsAlreadyExists(inserted)) {
      // Another registration of the same CIN committed between our check and our insert.
      return absl::AlreadyExistsError("cin: a person with this CIN is already registered");
    }
    RETURN_IF_ERROR(inserted);

    events::Envelope envelope = PersonRegisteredEvent(source_, person);
    return events::AppendToOutbox(tx, events::Topic(events::kRegistrationDomain, person.program), envelope,
                                  *source_.clock);
  });
  if (!status.ok()) {
    numbers_.GiveBack(std::move(number));
    return status;
  }
  log::Info("person registered", {{"registration_number", person.registration_number},
                                  {"program", person.program},
                                  {"cin", log::Pii(person.cin)}});
  on_commit_();
  return person;
}

events::Envelope PersonRegisteredEvent(const events::EventSource& source, const Person& person) {
  himaya::registration::v1::PersonRegistered event;
  event.set_registration_number(person.registration_number);
  event.set_program(person.program);
  event.set_category(person.category);
  event.set_city(person.city);
  event.set_region(RegionOfCity(person.city));
  event.set_preferred_language(person.preferred_language);
  event.set_has_phone(!person.phone.empty());
  *event.mutable_registered_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(person.registered_at));
  return events::NewEnvelope(source, event, person.program, person.registration_number);
}

absl::StatusOr<Person> Registrar::GetByNumber(absl::string_view number) {
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(number));
  std::optional<Person> found;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, PersonStore::FindByNumber(tx, number));
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError("registration_number: no person has this number");
  return *std::move(found);
}

absl::StatusOr<Person> Registrar::GetByCin(absl::string_view cin) {
  ASSIGN_OR_RETURN(std::string normalized, NormalizeCin(cin));
  std::optional<Person> found;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, PersonStore::FindByCin(tx, normalized));
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError("cin: no person has this CIN");
  return *std::move(found);
}

}  // namespace himaya::registration
