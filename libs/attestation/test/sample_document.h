// A certificate of a family as the tests draw it: an insured with Latin and Arabic names, a
// spouse and two children, and a QR text in the Base45 alphabet as the seal writes it.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "attestation/attestation_document.h"

namespace himaya::attestation {

// A text of `length` characters of the Base45 alphabet, starting like a signed payload.
inline std::string Base45Text(size_t length) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  std::string text = "HMY1:";
  for (size_t i = 0; text.size() < length; ++i) text.push_back(kAlphabet[(i * 7 + i / 45) % 45]);
  text.resize(length);
  return text;
}

// The i-th child of a large family: Latin and Arabic first names of its own (for i < 12), an
// id of its own.
inline FamilyMember Child(int i) {
  static const char* const kArabicFirstNames[] = {"أحمد", "فاطمة", "محمد", "خديجة", "عمر",   "زينب",
                                                  "علي",  "مريم",  "حسن",  "سارة",  "إدريس", "نادية"};
  return {Relationship::kChild,
          {absl::StrCat("Enfant", i), "Alaoui", kArabicFirstNames[i % 12], "العلوي"},
          absl::CivilDay(2010 + i % 12, 1 + i % 12, 1 + i % 28),
          absl::StrCat("B", 200000 + i)};
}

inline AttestationDocument SampleDocument() {
  AttestationDocument d;
  d.attestation_id = "ATT-2026-000042";
  d.registration_number = "100000017";
  d.insured = {"Amina", "Alaoui", "أمينة", "العلوي"};
  d.program = "amo-tadamon";
  d.program_label = "AMO Tadamon";
  d.program_label_ar = "أمو تضامن";
  d.fund_name = "Caisse nationale de sécurité sociale";
  d.fund_name_ar = "الصندوق الوطني للضمان الاجتماعي";
  d.issued_on = absl::CivilDay(2026, 11, 29);
  d.valid_until = absl::CivilDay(2027, 2, 28);
  d.members = {
      {Relationship::kSpouse, {"Youssef", "Bennani", "يوسف", "بناني"}, absl::CivilDay(1983, 6, 2), "B100001"},
      {Relationship::kChild, {"Salma", "Bennani", "سلمى", "بناني"}, absl::CivilDay(2012, 9, 14), "B100002"},
      {Relationship::kChild, {"Omar", "Bennani", "", ""}, absl::CivilDay(2016, 1, 30), "B100003"},
  };
  d.qr_text = Base45Text(400);
  return d;
}

}  // namespace himaya::attestation
