// Claims of a typical family for the seal's tests: an insured, two spouses and six children
// (the largest family most certificates show), issued 2026-11-28 and valid for a year.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "identity/registration_number.h"
#include "seal/attestation_claims.h"

namespace himaya::seal::testing {

inline AttestationClaims TypicalFamily() {
  AttestationClaims claims;
  claims.attestation_id = "3f6c2a8e-41d7-4b9e-9a55-0c1d2e3f4a5b";
  claims.registration_number = identity::FormatRegistrationNumber(12345678);
  claims.first_name = "Mohammed";
  claims.last_name = "El Amrani";
  claims.program = "amo-tadamon";
  claims.issued_on = absl::CivilDay(2026, 11, 28);
  claims.valid_until = absl::CivilDay(2027, 11, 27);
  // Dependents' ids are the insured's number and a rank.
  const auto member = [&claims](MemberRelationship relationship, const char* first_name, const char* last_name,
                                absl::CivilDay birth_date) {
    const std::string id = absl::StrCat(claims.registration_number, "-0", claims.members.size() + 1);
    claims.members.push_back({id, relationship, first_name, last_name, birth_date});
  };
  member(MemberRelationship::kSpouse, "Fatima Zahra", "Bennani", absl::CivilDay(1984, 3, 12));
  member(MemberRelationship::kSpouse, "Khadija", "Ouazzani", absl::CivilDay(1990, 7, 1));
  member(MemberRelationship::kChild, "Youssef", "El Amrani", absl::CivilDay(2006, 1, 30));
  member(MemberRelationship::kChild, "Salma", "El Amrani", absl::CivilDay(2009, 5, 17));
  member(MemberRelationship::kChild, "Adam", "El Amrani", absl::CivilDay(2012, 9, 4));
  member(MemberRelationship::kChild, "Imane", "El Amrani", absl::CivilDay(2015, 12, 25));
  member(MemberRelationship::kChild, "Omar", "El Amrani", absl::CivilDay(2018, 2, 14));
  member(MemberRelationship::kChild, "Aya", "El Amrani", absl::CivilDay(2023, 6, 8));
  return claims;
}

// The same family with its names in Arabic script.
inline AttestationClaims ArabicFamily() {
  AttestationClaims claims = TypicalFamily();
  claims.first_name = "محمد";
  claims.last_name = "العمراني";
  const char* first_names[] = {"فاطمة الزهراء", "خديجة", "يوسف", "سلمى", "آدم", "إيمان", "عمر", "آية"};
  const char* last_names[] = {"بناني",    "الوزاني",  "العمراني", "العمراني",
                              "العمراني", "العمراني", "العمراني", "العمراني"};
  for (size_t i = 0; i < claims.members.size(); ++i) {
    claims.members[i].first_name = first_names[i];
    claims.members[i].last_name = last_names[i];
  }
  return claims;
}

// 2026-11-28T10:00:00Z, the day the sample family's certificate is issued.
inline absl::Time IssueTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 28, 10, 0, 0), absl::UTCTimeZone());
}

}  // namespace himaya::seal::testing
