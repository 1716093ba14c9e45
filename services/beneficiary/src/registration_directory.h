// What the beneficiary service asks the registration service, over gRPC with a deadline: the
// identity of liaison household members (their events name only a member id), whether a CIN
// belongs to a registered person (who is then insured directly, never a dependent), and an
// insured's names for their certificate (names are not kept here), and where each household of
// family allowances is paid (accounts are kept only in a run's payment lines).
// Nothing of it is asked in a transaction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace himaya::beneficiary {

// A household member as registration knows them.
struct MemberDetails {
  std::string member_id;
  // False when registration knows no member by this id (nothing else is then set).
  bool found = false;
  std::string head_registration_number;
  std::string relationship;  // SPOUSE, CHILD
  std::string cin;           // empty when none
  std::string last_name;
  std::string first_name;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // "M", "F"; empty when unknown
  std::string program;
};

// Where an insured person is paid (family allowances), as registration keeps it.
struct PaymentAccount {
  std::string registration_number;
  // "BANK_TRANSFER" or "MOBILE_WALLET"; empty when the insured chose none (nothing else set).
  std::string method;
  // The RIB's 24 digits or the wallet's phone number.
  std::string account;
};

// An insured person's names, as the certificate prints them.
struct InsuredNames {
  std::string first_name;
  std::string last_name;
};

class RegistrationDirectory {
 public:
  virtual ~RegistrationDirectory() = default;
  // The details of each of `member_ids`, one per id and in order, asked in calls of up to 1000.
  // An error when registration cannot answer now (UNAVAILABLE, DEADLINE_EXCEEDED, UNIMPLEMENTED
  // from a registration that does not serve it yet, ...): ask again later.
  virtual absl::StatusOr<std::vector<MemberDetails>> HouseholdMembers(const std::vector<std::string>& member_ids) = 0;
  // Whether a person with this (normalised) CIN is registered. UNAVAILABLE when registration
  // cannot answer in time.
  virtual absl::StatusOr<bool> IsRegistered(const std::string& cin) = 0;
  // The names of the person with this registration number. NOT_FOUND when registration knows no
  // such person; UNAVAILABLE when it cannot answer in time.
  virtual absl::StatusOr<InsuredNames> Names(const std::string& registration_number) = 0;
  // The payment account of each of `numbers`, one per number and in order, asked in calls of up
  // to 1000. An error when registration cannot answer now: ask again later.
  virtual absl::StatusOr<std::vector<PaymentAccount>> PaymentAccounts(const std::vector<std::string>& numbers) = 0;
};

// Registration at `address`, each call ending after `deadline`.
std::unique_ptr<RegistrationDirectory> NewRegistrationDirectory(const std::string& address, absl::Duration deadline);

}  // namespace himaya::beneficiary
