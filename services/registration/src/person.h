// A person as the registration service knows them, and the application (raw input) that
// becomes one once normalised and validated.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace himaya::registration {

// What a liaison body or an agent submits, as received.
struct PersonApplication {
  std::string cin;
  std::string last_name;
  std::string first_name;
  std::string birth_date;
  std::string sex;
  std::string phone;
  std::string program;
  std::string category;
  std::string city;
  std::string preferred_language;
};

// A registered person, normalised: CIN upper case, phone in E.164, sex "M" or "F".
struct Person {
  std::string registration_number;
  std::string cin;
  std::string last_name;
  std::string first_name;
  std::string birth_date;  // YYYY-MM-DD
  std::string sex;         // "M" or "F"
  std::string phone;       // +2126XXXXXXXX or empty
  std::string program;
  std::string category;
  std::string city;
  std::string preferred_language;  // "fr" or "ar"
  absl::Time registered_at;
  std::string last_name_ar;
  std::string first_name_ar;
  std::string email;
  std::string address;
};

// One broken rule: the column (field) at fault and a reason code with a readable message.
struct FieldViolation {
  std::string field;
  std::string reason;   // e.g. "CIN_FORMAT"
  std::string message;  // e.g. "must be 1-2 letters then 1-6 digits"
};

}  // namespace himaya::registration
