// Declarations, removals and the names of reason and refusal codes.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "beneficiary/src/family_rules.h"
#include "beneficiary/test/family_rules_test_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------------------------
// Declarations

NewMember NewChild(absl::CivilDay birth) {
  NewMember m;
  m.relationship = Relationship::kChild;
  m.birth_date = birth;
  return m;
}

NewMember NewSpouse(absl::CivilDay birth) {
  NewMember m;
  m.relationship = Relationship::kSpouse;
  m.birth_date = birth;
  return m;
}

// The refusal `status` carries, checked for its form: "<NAME>: ..." with the code as payload.
RefusalCode RefusalIn(const absl::Status& status) {
  if (status.ok()) return RefusalCode::kNone;
  EXPECT_THAT(std::string(status.message()), StartsWith(absl::StrCat(RefusalName(RefusalOf(status)), ": ")));
  return RefusalOf(status);
}

TEST(Declaration, AcceptsAChildAndASpouse) {
  EXPECT_TRUE(CheckDeclaration(Rules(), NewChild(Day(2020, 4, 4)), {}, Day(2026, 1, 1)).ok());
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1990, 4, 4)), {}, Day(2026, 1, 1)).ok());
  // A newborn, declared from the day of birth.
  EXPECT_TRUE(CheckDeclaration(Rules(), NewChild(Day(2026, 1, 1)), {}, Day(2026, 1, 1)).ok());
}

TEST(Declaration, OnlySpousesAndChildrenAreDeclared) {
  NewMember insured = NewSpouse(Day(1990, 4, 4));
  insured.relationship = Relationship::kInsured;
  absl::Status status = CheckDeclaration(Rules(), insured, {}, Day(2026, 1, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(status), RefusalCode::kInvalidRelationship);
  insured.relationship = static_cast<Relationship>(7);
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), insured, {}, Day(2026, 1, 1))), RefusalCode::kInvalidRelationship);
}

TEST(Declaration, BirthDateMustBeBeforeCoverageAndAfter1900) {
  absl::Status future = CheckDeclaration(Rules(), NewChild(Day(2026, 1, 2)), {}, Day(2026, 1, 1));
  EXPECT_EQ(future.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(future), RefusalCode::kBirthDateInFuture);
  EXPECT_THAT(std::string(future.message()), Not(HasSubstr("2026-01-02")));  // no birth date in errors
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1899, 12, 31)), {}, Day(2026, 1, 1))),
            RefusalCode::kBirthDateTooOld);
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1900, 1, 1)), {}, Day(2026, 1, 1)).ok());
}

TEST(Declaration, SpouseMustHaveTheMinimumAge) {
  NewMember spouse = NewSpouse(Day(2008, 3, 1));  // 18 on 2026-03-01
  absl::Status underage = CheckDeclaration(Rules(), spouse, {}, Day(2026, 2, 28));
  EXPECT_EQ(underage.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(underage), RefusalCode::kSpouseUnderage);
  EXPECT_THAT(std::string(underage.message()), HasSubstr("18"));
  EXPECT_TRUE(CheckDeclaration(Rules(), spouse, {}, Day(2026, 3, 1)).ok());
}

TEST(Declaration, SpousesUpToTheMaximumAndNotOneMore) {
  const absl::CivilDay on = Day(2026, 4, 1);
  FamilySnapshot family;
  family.members.push_back(Child());  // children do not count
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on).ok()) << i << " spouses";
    family.members.push_back(Spouse({Open(Day(2025, 1, 1))}));
  }
  absl::Status fifth = CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on);
  EXPECT_EQ(fifth.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(fifth), RefusalCode::kSpouseLimit);
  EXPECT_THAT(std::string(fifth.message()), HasSubstr("at most 4 spouses"));

  // One of the four removed before the date: a place is free. Removed on the date: it is not.
  family.members.back() = Spouse({Ended(Day(2025, 1, 1), Day(2026, 3, 31))});
  EXPECT_TRUE(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on).ok());
  family.members.back() = Spouse({Ended(Day(2025, 1, 1), on)});
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on)), RefusalCode::kSpouseLimit);
  // A spouse whose coverage starts later counts too.
  family.members.back() = Spouse({Open(Day(2026, 9, 1))});
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), NewSpouse(Day(1985, 1, 1)), family, on)), RefusalCode::kSpouseLimit);

  FamilyRules one = RulesWith(With("max_spouses", "1"));
  FamilySnapshot married{{Spouse({Open(Day(2025, 1, 1))})}};
  EXPECT_EQ(RefusalIn(CheckDeclaration(one, NewSpouse(Day(1985, 1, 1)), married, on)), RefusalCode::kSpouseLimit);
  EXPECT_TRUE(CheckDeclaration(one, NewSpouse(Day(1985, 1, 1)), {}, on).ok());
}

TEST(Declaration, EndOfStudiesIsForChildren) {
  NewMember spouse = NewSpouse(Day(2000, 1, 1));
  spouse.studying_until = Day(2027, 6, 30);
  absl::Status status = CheckDeclaration(Rules(), spouse, {}, Day(2026, 1, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(status), RefusalCode::kStudiesForChildOnly);
}

struct ChildDeclarationCase {
  const char* name;
  std::optional<absl::CivilDay> studying_until;
  bool disabled;
  absl::CivilDay on;
  RefusalCode refusal;
};

void PrintTo(const ChildDeclarationCase& c, std::ostream* os) { *os << c.name; }

class ChildDeclaration : public ::testing::TestWithParam<ChildDeclarationCase> {};

// The child of these cases is born 2005-03-01: 21 on 2026-03-01, 26 on 2031-03-01.
TEST_P(ChildDeclaration, AppliesTheLimitOnTheDate) {
  const ChildDeclarationCase& c = GetParam();
  NewMember child = NewChild(Day(2005, 3, 1));
  child.studying_until = c.studying_until;
  child.disabled = c.disabled;
  absl::Status status = CheckDeclaration(Rules(), child, {}, c.on);
  EXPECT_EQ(RefusalName(RefusalIn(status)), RefusalName(c.refusal)) << status;
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("2005")));
}

constexpr RefusalCode kAccepted = RefusalCode::kNone;

INSTANTIATE_TEST_SUITE_P(
    Boundaries, ChildDeclaration,
    ::testing::Values(
        ChildDeclarationCase{"DayBefore21", std::nullopt, false, Day(2026, 2, 28), kAccepted},
        ChildDeclarationCase{"Day21", std::nullopt, false, Day(2026, 3, 1), RefusalCode::kChildAgeLimit},
        ChildDeclarationCase{"Day21Studying", Day(2027, 6, 30), false, Day(2026, 3, 1), kAccepted},
        ChildDeclarationCase{"StudiesEndOnTheDate", Day(2027, 6, 30), false, Day(2027, 6, 30), kAccepted},
        ChildDeclarationCase{"StudiesEndedTheDayBefore", Day(2027, 6, 30), false, Day(2027, 7, 1),
                             RefusalCode::kStudiesEnded},
        ChildDeclarationCase{"StudiesEndedAt10", Day(2014, 6, 30), false, Day(2015, 1, 1), RefusalCode::kStudiesEnded},
        ChildDeclarationCase{"DayBefore26Studying", Day(2032, 6, 30), false, Day(2031, 2, 28), kAccepted},
        ChildDeclarationCase{"Day26Studying", Day(2032, 6, 30), false, Day(2031, 3, 1), RefusalCode::kChildAgeLimit},
        ChildDeclarationCase{"DisabledOver26", std::nullopt, true, Day(2040, 1, 1), kAccepted}),
    [](const ::testing::TestParamInfo<ChildDeclarationCase>& info) { return info.param.name; });

TEST(Declaration, TwentyNinthFebruaryChildIs21OnTheFirstOfMarch) {
  NewMember child = NewChild(Day(2008, 2, 29));
  EXPECT_TRUE(CheckDeclaration(Rules(), child, {}, Day(2029, 2, 28)).ok());
  EXPECT_EQ(RefusalIn(CheckDeclaration(Rules(), child, {}, Day(2029, 3, 1))), RefusalCode::kChildAgeLimit);
}

TEST(Redeclaration, OnlyAfterTheLastPeriodEnded) {
  BeneficiaryFacts removed = Spouse({Ended(Day(2025, 1, 1), Day(2026, 6, 30))});
  absl::Status too_early = CheckRedeclaration(removed, Day(2026, 6, 30));
  EXPECT_EQ(too_early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(too_early), RefusalCode::kAlreadyDeclared);
  EXPECT_TRUE(CheckRedeclaration(removed, Day(2026, 7, 1)).ok());
  EXPECT_EQ(RefusalIn(CheckRedeclaration(Spouse({Open(Day(2025, 1, 1))}), Day(2030, 1, 1))),
            RefusalCode::kAlreadyDeclared);
  EXPECT_TRUE(CheckRedeclaration(Spouse({}), Day(2026, 1, 1)).ok());
}

// ---------------------------------------------------------------------------------------------
// Removals

TEST(Removal, EndsTheOpenPeriodOnOrAfterItsStart) {
  BeneficiaryFacts spouse = Spouse({Ended(Day(2020, 1, 1), Day(2020, 12, 31)), Open(Day(2025, 1, 1))});
  absl::StatusOr<RemovalReason> one_day = CheckRemoval(spouse, Day(2025, 1, 1), "DIVORCE", "");
  ASSERT_TRUE(one_day.ok()) << one_day.status();
  EXPECT_EQ(*one_day, RemovalReason::kDivorce);
  EXPECT_TRUE(CheckRemoval(spouse, Day(2030, 12, 31), "DEATH", "acte de décès n° 12").ok());
  absl::Status before = CheckRemoval(spouse, Day(2024, 12, 31), "DIVORCE", "").status();
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(before), RefusalCode::kEndBeforeStart);
  EXPECT_THAT(std::string(before.message()), HasSubstr("2025-01-01"));
}

TEST(Removal, NeedsAnOpenPeriodAndADependent) {
  absl::Status ended =
      CheckRemoval(Spouse({Ended(Day(2020, 1, 1), Day(2020, 12, 31))}), Day(2021, 1, 1), "OTHER", "").status();
  EXPECT_EQ(ended.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalIn(ended), RefusalCode::kNotCovered);
  EXPECT_EQ(RefusalIn(CheckRemoval(Spouse({}), Day(2021, 1, 1), "OTHER", "").status()), RefusalCode::kNotCovered);
  EXPECT_EQ(RefusalIn(CheckRemoval(Insured(), Day(2030, 1, 1), "OTHER", "").status()),
            RefusalCode::kInvalidRelationship);
}

TEST(Removal, ReasonIsOneOfTheCodes) {
  for (RemovalReason reason : {RemovalReason::kDivorce, RemovalReason::kDeath, RemovalReason::kDeclaredInError,
                               RemovalReason::kOwnCoverage, RemovalReason::kOther}) {
    absl::StatusOr<RemovalReason> parsed = ParseRemovalReason(RemovalReasonName(reason));
    ASSERT_TRUE(parsed.ok()) << RemovalReasonName(reason);
    EXPECT_EQ(*parsed, reason);
  }
  EXPECT_EQ(RemovalReasonName(RemovalReason::kDeclaredInError), "DECLARED_IN_ERROR");
  EXPECT_EQ(RemovalReasonName(RemovalReason::kOwnCoverage), "OWN_COVERAGE");
  absl::Status missing = ParseRemovalReason("").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RefusalIn(missing), RefusalCode::kReasonRequired);
  for (const char* unknown : {"divorce", " DIVORCE", "DIVORCED", "REMOVED", "\xFF"}) {
    absl::Status status = ParseRemovalReason(unknown).status();
    EXPECT_EQ(RefusalIn(status), RefusalCode::kReasonUnknown) << unknown;
    EXPECT_THAT(std::string(status.message()), HasSubstr("DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE or OTHER"));
  }
  // The reason is checked before the member's state: a malformed request is told so first.
  EXPECT_EQ(RefusalIn(CheckRemoval(Spouse({}), Day(2021, 1, 1), "", "").status()), RefusalCode::kReasonRequired);
}

struct NoteCase {
  const char* name;
  std::string note;
  RefusalCode refusal;
};

void PrintTo(const NoteCase& c, std::ostream* os) { *os << c.name; }

class RemovalNote : public ::testing::TestWithParam<NoteCase> {};

TEST_P(RemovalNote, IsOptionalBoundedAndPrintable) {
  absl::Status status =
      CheckRemoval(Spouse({Open(Day(2025, 1, 1))}), Day(2026, 1, 1), "OTHER", GetParam().note).status();
  EXPECT_EQ(RefusalName(RefusalIn(status)), RefusalName(GetParam().refusal)) << status;
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(GetParam().note)));
  }
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Every, RemovalNote,
    ::testing::Values(NoteCase{"None", "", kAccepted}, NoteCase{"Plain", "divorce prononcé", kAccepted},
                      NoteCase{"Arabic", "طلاق", kAccepted}, NoteCase{"MaxChars", Repeat("a", 200), kAccepted},
                      NoteCase{"MaxCharsArabic", Repeat("ط", 200), kAccepted},
                      NoteCase{"OneCharTooMany", Repeat("a", 201), RefusalCode::kNoteInvalid},
                      NoteCase{"ControlCharacter", "deces\x01 du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"Tab", "deces\tdu conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"Delete", "deces\x7F du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"C1Control", "deces\xC2\x85 du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"NotUtf8", "deces \xFF du conjoint", RefusalCode::kNoteInvalid},
                      NoteCase{"NulByte", std::string("deces\0du", 8), RefusalCode::kNoteInvalid}),
    [](const ::testing::TestParamInfo<NoteCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// Names

TEST(Names, ReasonsAreTheIssuesWords) {
  EXPECT_EQ(ReasonName(ReasonCode::kNotRegistered), "NOT_REGISTERED");
  EXPECT_EQ(ReasonName(ReasonCode::kNotYetCovered), "NOT_YET_COVERED");
  EXPECT_EQ(ReasonName(ReasonCode::kAgeLimit), "AGE_LIMIT");
  EXPECT_EQ(ReasonName(ReasonCode::kStudiesEnded), "STUDIES_ENDED");
  EXPECT_EQ(ReasonName(ReasonCode::kRemoved), "REMOVED");
  EXPECT_EQ(ReasonName(ReasonCode::kInsuredNotCovered), "INSURED_NOT_COVERED");
  EXPECT_EQ(ReasonName(ReasonCode::kDetailsPending), "DETAILS_PENDING");
  EXPECT_EQ(ReasonName(ReasonCode::kNone), "NONE");
  EXPECT_EQ(RelationshipName(Relationship::kInsured), "INSURED");
  EXPECT_EQ(RelationshipName(Relationship::kSpouse), "SPOUSE");
  EXPECT_EQ(RelationshipName(Relationship::kChild), "CHILD");
}

TEST(Names, EveryRefusalHasItsOwnNameAndTravelsInItsStatus) {
  std::set<std::string> names;
  for (int i = 1; i <= static_cast<int>(RefusalCode::kInsuredNotCovered); ++i) {
    const auto refusal = static_cast<RefusalCode>(i);
    const std::string name(RefusalName(refusal));
    EXPECT_NE(name, "UNKNOWN");
    EXPECT_TRUE(names.insert(name).second) << name;
    absl::Status status = Refuse(refusal, "a message");
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(RefusalOf(status), refusal);
    EXPECT_EQ(status.message(), name + ": a message");
  }
  EXPECT_EQ(RefusalName(RefusalCode::kSpouseLimit), "SPOUSE_LIMIT");
  EXPECT_EQ(RefusalName(RefusalCode::kChildAgeLimit), "CHILD_AGE_LIMIT");
  EXPECT_EQ(RefusalName(RefusalCode::kMemberUnknown), "MEMBER_UNKNOWN");
  EXPECT_EQ(RefusalName(RefusalCode::kDetailsInvalid), "DETAILS_INVALID");
  EXPECT_EQ(RefusalName(RefusalCode::kInsuredNotCovered), "INSURED_NOT_COVERED");
  EXPECT_EQ(Refuse(RefusalCode::kDirectlyInsured, "m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Refuse(RefusalCode::kAlreadyDependent, "m").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RefusalOf(absl::OkStatus()), RefusalCode::kNone);
  EXPECT_EQ(RefusalOf(absl::InvalidArgumentError("SPOUSE_LIMIT: not made by Refuse")), RefusalCode::kNone);
  EXPECT_EQ(Refuse(RefusalCode::kNone, "m").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RefusalName(static_cast<RefusalCode>(99)), "UNKNOWN");
}

}  // namespace
}  // namespace himaya::beneficiary
