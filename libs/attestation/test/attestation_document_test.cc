#include "attestation/attestation_document.h"

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "sample_document.h"

namespace himaya::attestation {
namespace {

// The error for the sample document changed by `change`.
absl::Status CheckChanged(const std::function<void(AttestationDocument&)>& change) {
  AttestationDocument document = SampleDocument();
  change(document);
  return CheckAttestationDocument(document);
}

TEST(CheckAttestationDocument, TheSampleIsValid) { EXPECT_TRUE(CheckAttestationDocument(SampleDocument()).ok()); }

TEST(CheckAttestationDocument, ArabicNamesAndTheFundsArabicNameMayBeMissing) {
  EXPECT_TRUE(CheckChanged([](AttestationDocument& d) {
                d.insured.first_name_ar.clear();
                d.insured.last_name_ar.clear();
                d.fund_name_ar.clear();
                d.program_label_ar.clear();
                d.members.clear();
              }).ok());
}

TEST(CheckAttestationDocument, EachRequiredFieldIsNamedWhenEmpty) {
  const std::pair<const char*, std::function<void(AttestationDocument&)>> cases[] = {
      {"attestation_id: empty", [](AttestationDocument& d) { d.attestation_id.clear(); }},
      {"registration_number: empty", [](AttestationDocument& d) { d.registration_number.clear(); }},
      {"program: empty", [](AttestationDocument& d) { d.program.clear(); }},
      {"insured.first_name: empty", [](AttestationDocument& d) { d.insured.first_name.clear(); }},
      {"insured.last_name: empty", [](AttestationDocument& d) { d.insured.last_name.clear(); }},
      {"program_label: empty", [](AttestationDocument& d) { d.program_label.clear(); }},
      {"fund_name: empty", [](AttestationDocument& d) { d.fund_name.clear(); }},
      {"members[0].names.first_name: empty", [](AttestationDocument& d) { d.members[0].names.first_name.clear(); }},
      {"members[2].beneficiary_id: empty", [](AttestationDocument& d) { d.members[2].beneficiary_id.clear(); }},
      {"qr_text: empty", [](AttestationDocument& d) { d.qr_text.clear(); }},
  };
  for (const auto& [message, change] : cases) {
    EXPECT_EQ(CheckChanged(change), absl::InvalidArgumentError(message));
  }
}

TEST(CheckAttestationDocument, NamesAreBoundedInCharactersNotBytes) {
  std::string arabic_64;  // 64 Arabic letters, 128 bytes
  for (int i = 0; i < 64; ++i) arabic_64 += "س";
  EXPECT_TRUE(CheckChanged([&](AttestationDocument& d) { d.insured.last_name_ar = arabic_64; }).ok());
  EXPECT_EQ(CheckChanged([&](AttestationDocument& d) { d.insured.last_name_ar = arabic_64 + "س"; }),
            absl::InvalidArgumentError("insured.last_name_ar: longer than 64 characters"));
  EXPECT_EQ(CheckChanged([&](AttestationDocument& d) { d.program_label_ar = arabic_64 + "س"; }),
            absl::InvalidArgumentError("program_label_ar: longer than 64 characters"));
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.members[1].names.first_name = std::string(65, 'a'); }),
            absl::InvalidArgumentError("members[1].names.first_name: longer than 64 characters"));
}

TEST(CheckAttestationDocument, TextsMustBeUtf8WithoutControlCharacters) {
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.insured.first_name = "Am\xC3"; }),
            absl::InvalidArgumentError("insured.first_name: not valid UTF-8"));
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.fund_name = "Caisse\nnationale"; }),
            absl::InvalidArgumentError("fund_name: holds a control character"));
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.program_label = "AMO\xC2\x85"; }),  // U+0085, a C1 control
            absl::InvalidArgumentError("program_label: holds a control character"));
}

TEST(CheckAttestationDocument, IdentifiersAndTheQrTextArePrintableAsciiWithinBounds) {
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.registration_number = "١٠٠٠٠٠٠١٧"; }),
            absl::InvalidArgumentError("registration_number: not printable ASCII"));
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.attestation_id = std::string(65, 'A'); }),
            absl::InvalidArgumentError("attestation_id: longer than 64 bytes"));
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.qr_text = "HMY1:\tABC"; }),
            absl::InvalidArgumentError("qr_text: not printable ASCII"));
  EXPECT_TRUE(CheckChanged([](AttestationDocument& d) { d.qr_text = Base45Text(kMaxQrTextBytes); }).ok());
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.qr_text = Base45Text(kMaxQrTextBytes + 1); }),
            absl::InvalidArgumentError("qr_text: longer than 1500 bytes"));
}

TEST(CheckAttestationDocument, TheFamilyIsBounded) {
  EXPECT_TRUE(CheckChanged([](AttestationDocument& d) {
                d.members.clear();
                for (size_t i = 0; i < kMaxMembers; ++i) d.members.push_back(Child(static_cast<int>(i)));
              }).ok());
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) {
              d.members.clear();
              for (size_t i = 0; i <= kMaxMembers; ++i) d.members.push_back(Child(static_cast<int>(i)));
            }),
            absl::InvalidArgumentError("members: more than 40"));
}

TEST(CheckAttestationDocument, ValidityEndsNoEarlierThanItStarts) {
  EXPECT_TRUE(CheckChanged([](AttestationDocument& d) { d.valid_until = d.issued_on; }).ok());
  EXPECT_EQ(CheckChanged([](AttestationDocument& d) { d.valid_until = d.issued_on - 1; }),
            absl::InvalidArgumentError("valid_until: before issued_on"));
}

TEST(CheckAttestationDocument, ErrorsNeverQuoteTheValue) {
  absl::Status status = CheckChanged([](AttestationDocument& d) { d.insured.last_name = std::string(80, 'Z'); });
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(absl::StrContains(status.message(), "ZZZ"));
}

}  // namespace
}  // namespace himaya::attestation
