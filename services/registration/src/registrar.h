// Registration of single persons (by an agent or a channel): validate, refuse a second
// registration of the same CIN, assign a registration number, store the person and publish
// PersonRegistered, the last two in one transaction.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/envelope.h"
#include "registration/src/number_allocator.h"
#include "registration/src/person.h"
#include "registration/src/reference_data.h"
#include "storage/database.h"

namespace himaya::registration {

// The PersonRegistered event of a newly registered person: no identifying data, only what the
// other services need to act (program, category, city and region, language, whether a phone is
// known).
events::Envelope PersonRegisteredEvent(const events::EventSource& source, const Person& person);

class Registrar {
 public:
  // `programs`: those this process serves; `reference`: their categories (outlives this).
  // `on_commit` runs after each committed registration (the service wakes its outbox relay there).
  Registrar(
      storage::Database& db, NumberAllocator& numbers, events::EventSource source, std::vector<std::string> programs,
      const ReferenceData& reference, std::function<void()> on_commit = [] {});

  // INVALID_ARGUMENT naming every field at fault; FAILED_PRECONDITION for a program this
  // process does not serve; ALREADY_EXISTS when the CIN is registered.
  absl::StatusOr<Person> Register(const PersonApplication& application);

  // NOT_FOUND when nobody has that number (INVALID_ARGUMENT when it is malformed).
  absl::StatusOr<Person> GetByNumber(absl::string_view number);
  // NOT_FOUND when nobody has that CIN (INVALID_ARGUMENT when it is malformed).
  absl::StatusOr<Person> GetByCin(absl::string_view cin);

 private:
  storage::Database& db_;
  NumberAllocator& numbers_;
  events::EventSource source_;
  std::vector<std::string> programs_;
  const ReferenceData& reference_;
  std::function<void()> on_commit_;
};

}  // namespace himaya::registration
