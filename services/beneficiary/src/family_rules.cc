#include "beneficiary/src/family_rules.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "beneficiary/src/family.h"
#include "beneficiary_family_rules_json.h"
#include "core/strict_json.h"
#include "core/utf8.h"
#include "nlohmann/json.hpp"

namespace himaya::beneficiary {
namespace {

constexpr absl::string_view kMaxSpouses = "max_spouses";
constexpr absl::string_view kChildAgeLimit = "child_age_limit";
constexpr absl::string_view kStudentAgeLimit = "student_age_limit";
constexpr absl::string_view kDisabledChildWithoutAgeLimit = "disabled_child_without_age_limit";
constexpr absl::string_view kSpouseMinAge = "spouse_min_age";

absl::Status RulesError(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("family_rules: ", message));
}

// The integer at `key` of `json` (an object that holds the key), within [min, max].
absl::StatusOr<int> IntegerIn(const nlohmann::json& json, absl::string_view key, int min, int max) {
  const nlohmann::json& value = json.at(std::string(key));
  const std::string range = absl::StrCat(" must be an integer from ", min, " to ", max);
  if (!value.is_number_integer()) return RulesError(absl::StrCat(key, range));
  int64_t n = 0;
  if (value.is_number_unsigned()) {
    n = static_cast<int64_t>(std::min<uint64_t>(value.get<uint64_t>(), std::numeric_limits<int64_t>::max()));
  } else {
    n = value.get<int64_t>();
  }
  if (n < min || n > max) return RulesError(absl::StrCat(key, range, " (is ", n, ")"));
  return static_cast<int>(n);
}

// A child's coverage by age alone on `date` (covered, or AGE_LIMIT / STUDIES_ENDED), with the
// last day it covers when it ends.
CoverageAnswer ChildAgeAnswer(const FamilyRules& rules, const BeneficiaryFacts& child, absl::CivilDay date) {
  CoverageAnswer answer;
  if (child.disabled && rules.disabled_child_without_age_limit()) {
    answer.covered = true;
    answer.reason = ReasonCode::kNone;
    return answer;
  }
  const absl::CivilDay last_as_child = Birthday(child.birth_date, rules.child_age_limit()) - 1;
  const absl::CivilDay last_as_student = Birthday(child.birth_date, rules.student_age_limit()) - 1;
  absl::CivilDay last = last_as_child;
  ReasonCode ends_by = ReasonCode::kAgeLimit;
  if (child.studying_until && *child.studying_until > last_as_child) {
    if (*child.studying_until < last_as_student) {
      last = *child.studying_until;
      ends_by = ReasonCode::kStudiesEnded;
    } else {
      last = last_as_student;
    }
  }
  if (date <= last) {
    answer.covered = true;
    answer.reason = ReasonCode::kNone;
    answer.covered_until = last;
    answer.ends_by = ends_by;
    return answer;
  }
  answer.covered = false;
  const bool between_limits = date > last_as_child && date <= last_as_student;
  answer.reason = between_limits && child.studying_until && *child.studying_until < date ? ReasonCode::kStudiesEnded
                                                                                         : ReasonCode::kAgeLimit;
  return answer;
}

// The earlier of two ends of coverage (none: no end), with the reason of the earlier one; `a`
// wins a tie.
void KeepEarlierEnd(CoverageAnswer& answer, std::optional<absl::CivilDay> end, ReasonCode ends_by) {
  if (!end) return;
  if (!answer.covered_until || *end < *answer.covered_until) {
    answer.covered_until = end;
    answer.ends_by = ends_by;
  }
}

bool IsSpouseOrChild(Relationship relationship) {
  return relationship == Relationship::kSpouse || relationship == Relationship::kChild;
}

// True when one of `periods` covers `day` or a later day.
bool CoveredOnOrAfter(const std::vector<CoveragePeriod>& periods, absl::CivilDay day) {
  return std::any_of(periods.begin(), periods.end(), [&](const CoveragePeriod& p) { return !p.end || *p.end >= day; });
}

// True when `text` is valid UTF-8 without control characters (C0, DEL, C1).
bool IsPrintableUtf8(absl::string_view text) {
  while (!text.empty()) {
    core::DecodedCodePoint decoded = core::DecodeUtf8(text);
    const char32_t c = decoded.code_point;
    if (!decoded.valid || c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
    text.remove_prefix(decoded.length);
  }
  return true;
}

}  // namespace

// Every value's type is checked before it is read: nlohmann's accessors throw otherwise.
absl::StatusOr<FamilyRules> FamilyRules::Parse(absl::string_view text) {
  const core::StrictJson parsed = core::ParseStrictJson(text);
  const nlohmann::json& json = parsed.json;
  const std::optional<std::string>& repeated = parsed.repeated;
  if (json.is_discarded() || !json.is_object()) return RulesError("not a JSON object");
  if (repeated) return RulesError(absl::StrCat(core::QuotableKey(*repeated), " appears more than once"));
  const std::set<absl::string_view> known = {kMaxSpouses, kChildAgeLimit, kStudentAgeLimit,
                                             kDisabledChildWithoutAgeLimit, kSpouseMinAge};
  for (const auto& item : json.items()) {
    if (!known.count(item.key())) return RulesError(absl::StrCat("unknown key ", core::QuotableKey(item.key())));
  }
  for (absl::string_view key : known) {
    if (!json.contains(std::string(key))) return RulesError(absl::StrCat(key, " is missing"));
  }
  FamilyRules rules;
  auto max_spouses = IntegerIn(json, kMaxSpouses, 1, 10);
  if (!max_spouses.ok()) return max_spouses.status();
  auto child_age_limit = IntegerIn(json, kChildAgeLimit, 1, 30);
  if (!child_age_limit.ok()) return child_age_limit.status();
  auto student_age_limit = IntegerIn(json, kStudentAgeLimit, 1, 40);
  if (!student_age_limit.ok()) return student_age_limit.status();
  if (*student_age_limit < *child_age_limit) {
    return RulesError(absl::StrCat(kStudentAgeLimit, " (", *student_age_limit, ") must not be below ", kChildAgeLimit,
                                   " (", *child_age_limit, ")"));
  }
  auto spouse_min_age = IntegerIn(json, kSpouseMinAge, 15, 30);
  if (!spouse_min_age.ok()) return spouse_min_age.status();
  const nlohmann::json& disabled = json.at(std::string(kDisabledChildWithoutAgeLimit));
  if (!disabled.is_boolean()) return RulesError(absl::StrCat(kDisabledChildWithoutAgeLimit, " must be true or false"));
  rules.max_spouses_ = *max_spouses;
  rules.child_age_limit_ = *child_age_limit;
  rules.student_age_limit_ = *student_age_limit;
  rules.spouse_min_age_ = *spouse_min_age;
  rules.disabled_child_without_age_limit_ = disabled.get<bool>();
  return rules;
}

const FamilyRules& FamilyRules::Shipped() {
  static const FamilyRules* const rules = [] {
    auto parsed = Parse(beneficiary_family_rules_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new FamilyRules(*std::move(parsed));
  }();
  return *rules;
}

absl::StatusOr<FamilyRules> FamilyRules::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("family_rules: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

// absl::CivilDay normalises 29 February of a year that is not leap to 1 March.
absl::CivilDay Birthday(absl::CivilDay birth, int years) {
  return absl::CivilDay(birth.year() + years, birth.month(), birth.day());
}

int AgeOn(absl::CivilDay birth, absl::CivilDay date) {
  int years = static_cast<int>(date.year() - birth.year());
  if (Birthday(birth, years) > date) --years;
  return years;
}

absl::string_view RelationshipName(Relationship relationship) {
  switch (relationship) {
    case Relationship::kInsured:
      return "INSURED";
    case Relationship::kSpouse:
      return "SPOUSE";
    case Relationship::kChild:
      return "CHILD";
  }
  return "UNKNOWN";
}

absl::string_view ReasonName(ReasonCode reason) {
  switch (reason) {
    case ReasonCode::kNone:
      return "NONE";
    case ReasonCode::kNotRegistered:
      return "NOT_REGISTERED";
    case ReasonCode::kNotYetCovered:
      return "NOT_YET_COVERED";
    case ReasonCode::kAgeLimit:
      return "AGE_LIMIT";
    case ReasonCode::kStudiesEnded:
      return "STUDIES_ENDED";
    case ReasonCode::kRemoved:
      return "REMOVED";
    case ReasonCode::kInsuredNotCovered:
      return "INSURED_NOT_COVERED";
    case ReasonCode::kDetailsPending:
      return "DETAILS_PENDING";
    case ReasonCode::kContributionsUnpaid:
      return "CONTRIBUTIONS_UNPAID";
  }
  return "UNKNOWN";
}

CoverageAnswer CoverageOn(const FamilyRules& rules, const BeneficiaryFacts& beneficiary, absl::CivilDay date) {
  const CoveragePeriod* current = nullptr;
  const CoveragePeriod* ended_before = nullptr;  // the last period that ended before `date`
  for (const CoveragePeriod& period : beneficiary.periods) {
    if (period.start <= date && (!period.end || date <= *period.end)) {
      current = &period;
    } else if (period.end && *period.end < date && (!ended_before || *ended_before->end < *period.end)) {
      ended_before = &period;
    }
  }
  CoverageAnswer answer;
  if (!current) {
    answer.reason = ended_before ? ended_before->end_reason : ReasonCode::kNotYetCovered;
    return answer;
  }
  if (beneficiary.relationship == Relationship::kChild) {
    answer = ChildAgeAnswer(rules, beneficiary, date);
    if (!answer.covered) return answer;
  } else {
    answer.covered = true;
    answer.reason = ReasonCode::kNone;
  }
  // The recorded end of the current period, through any period that starts the day after.
  std::optional<absl::CivilDay> end = current->end;
  ReasonCode end_reason = current->end_reason;
  for (bool extended = true; end && extended;) {
    extended = false;
    for (const CoveragePeriod& next : beneficiary.periods) {
      if (next.start == *end + 1 && (!next.end || *next.end > *end)) {
        end = next.end;
        end_reason = next.end_reason;
        extended = true;
        break;
      }
    }
  }
  KeepEarlierEnd(answer, end, end_reason);
  return answer;
}

CoverageAnswer ThroughInsured(const CoverageAnswer& member, const CoverageAnswer& insured) {
  if (!member.covered) return member;
  if (!insured.covered) {
    CoverageAnswer answer;
    answer.reason = insured.reason == ReasonCode::kContributionsUnpaid ? ReasonCode::kContributionsUnpaid
                                                                       : ReasonCode::kInsuredNotCovered;
    return answer;
  }
  CoverageAnswer answer = member;
  KeepEarlierEnd(answer, insured.covered_until, ReasonCode::kInsuredNotCovered);
  return answer;
}

namespace {

constexpr absl::string_view kRefusalPayload = "type.himaya/beneficiary.RefusalCode";

// Every refusal, in the enum's order: its name and the status code it is refused with.
struct RefusalRule {
  RefusalCode code;
  absl::string_view name;
  absl::StatusCode status;
};
constexpr RefusalRule kRefusals[] = {
    {RefusalCode::kNone, "NONE", absl::StatusCode::kOk},
    {RefusalCode::kInvalidRelationship, "INVALID_RELATIONSHIP", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kBirthDateInFuture, "BIRTH_DATE_IN_FUTURE", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kBirthDateTooOld, "BIRTH_DATE_TOO_OLD", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kSpouseUnderage, "SPOUSE_UNDERAGE", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kSpouseLimit, "SPOUSE_LIMIT", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kChildAgeLimit, "CHILD_AGE_LIMIT", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kStudiesEnded, "STUDIES_ENDED", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kStudiesForChildOnly, "STUDIES_FOR_CHILD_ONLY", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kEndBeforeStart, "END_BEFORE_START", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kNotCovered, "NOT_COVERED", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kReasonRequired, "REASON_REQUIRED", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kReasonUnknown, "REASON_UNKNOWN", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kNoteInvalid, "NOTE_INVALID", absl::StatusCode::kInvalidArgument},
    {RefusalCode::kAlreadyDeclared, "ALREADY_DECLARED", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kDirectlyInsured, "DIRECTLY_INSURED", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kAlreadyDependent, "ALREADY_DEPENDENT", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kMemberUnknown, "MEMBER_UNKNOWN", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kDetailsInvalid, "DETAILS_INVALID", absl::StatusCode::kFailedPrecondition},
    {RefusalCode::kInsuredNotCovered, "INSURED_NOT_COVERED", absl::StatusCode::kFailedPrecondition},
};

constexpr bool InEnumOrder() {
  for (size_t i = 0; i < std::size(kRefusals); ++i) {
    if (static_cast<size_t>(kRefusals[i].code) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kRefusals lists every RefusalCode in the enum's order");
static_assert(std::size(kRefusals) == static_cast<size_t>(RefusalCode::kInsuredNotCovered) + 1,
              "kRefusals lists every RefusalCode");

const RefusalRule* RuleOf(RefusalCode refusal) {
  const auto i = static_cast<size_t>(refusal);
  return i < std::size(kRefusals) ? &kRefusals[i] : nullptr;
}

}  // namespace

absl::string_view RefusalName(RefusalCode refusal) {
  const RefusalRule* rule = RuleOf(refusal);
  return rule ? rule->name : "UNKNOWN";
}

absl::Status Refuse(RefusalCode refusal, absl::string_view message) {
  const RefusalRule* rule = RuleOf(refusal);
  if (!rule || refusal == RefusalCode::kNone) return absl::InternalError("refused without a refusal code");
  absl::Status status(rule->status, absl::StrCat(rule->name, ": ", message));
  status.SetPayload(kRefusalPayload, absl::Cord(rule->name));
  return status;
}

RefusalCode RefusalOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kRefusalPayload);
  if (!payload) return RefusalCode::kNone;
  for (const RefusalRule& rule : kRefusals) {
    if (*payload == rule.name) return rule.code;
  }
  return RefusalCode::kNone;
}

absl::Status CheckDeclaration(const FamilyRules& rules, const NewMember& member, const FamilySnapshot& family,
                              absl::CivilDay on) {
  if (!IsSpouseOrChild(member.relationship)) {
    return Refuse(RefusalCode::kInvalidRelationship, "only a spouse or a child is declared into a family");
  }
  if (member.birth_date < absl::CivilDay(1900, 1, 1)) {
    return Refuse(RefusalCode::kBirthDateTooOld, "the birth date is before 1900-01-01");
  }
  if (member.birth_date > on) {
    return Refuse(RefusalCode::kBirthDateInFuture,
                  absl::StrCat("the birth date is after the start of coverage (", FormatDay(on), ")"));
  }
  if (member.relationship == Relationship::kSpouse) {
    if (member.studying_until) {
      return Refuse(RefusalCode::kStudiesForChildOnly, "an end of studies is declared for children only");
    }
    if (AgeOn(member.birth_date, on) < rules.spouse_min_age()) {
      return Refuse(RefusalCode::kSpouseUnderage,
                    absl::StrCat("a spouse is declared from the age of ", rules.spouse_min_age()));
    }
    const auto spouses = std::count_if(family.members.begin(), family.members.end(), [&](const BeneficiaryFacts& m) {
      return m.relationship == Relationship::kSpouse && CoveredOnOrAfter(m.periods, on);
    });
    if (spouses >= rules.max_spouses()) {
      return Refuse(RefusalCode::kSpouseLimit, absl::StrCat("at most ", rules.max_spouses(), " spouses are covered on ",
                                                            FormatDay(on), " or later"));
    }
    return absl::OkStatus();
  }
  if (member.studying_until && *member.studying_until < on) {
    return Refuse(RefusalCode::kStudiesEnded,
                  absl::StrCat("the declared end of studies is before the start of coverage (", FormatDay(on), ")"));
  }
  BeneficiaryFacts child;
  child.birth_date = member.birth_date;
  child.disabled = member.disabled;
  child.studying_until = member.studying_until;
  if (!ChildAgeAnswer(rules, child, on).covered) {
    return Refuse(
        RefusalCode::kChildAgeLimit,
        absl::StrCat("a child is covered up to ", rules.child_age_limit(), ", up to ", rules.student_age_limit(),
                     " while studying; this one is past the limit on ", FormatDay(on)));
  }
  return absl::OkStatus();
}

absl::Status CheckRedeclaration(const BeneficiaryFacts& member, absl::CivilDay on) {
  if (CoveredOnOrAfter(member.periods, on)) {
    return Refuse(RefusalCode::kAlreadyDeclared,
                  absl::StrCat("the member is covered on ", FormatDay(on), " or later already"));
  }
  return absl::OkStatus();
}

namespace {

constexpr std::pair<RemovalReason, absl::string_view> kRemovalReasons[] = {
    {RemovalReason::kDivorce, "DIVORCE"},
    {RemovalReason::kDeath, "DEATH"},
    {RemovalReason::kDeclaredInError, "DECLARED_IN_ERROR"},
    {RemovalReason::kOwnCoverage, "OWN_COVERAGE"},
    {RemovalReason::kOther, "OTHER"},
};

}  // namespace

absl::string_view RemovalReasonName(RemovalReason reason) {
  for (const auto& [code, name] : kRemovalReasons) {
    if (code == reason) return name;
  }
  return "UNKNOWN";
}

absl::StatusOr<RemovalReason> ParseRemovalReason(absl::string_view name) {
  if (name.empty()) return Refuse(RefusalCode::kReasonRequired, "a reason code is required");
  for (const auto& [code, code_name] : kRemovalReasons) {
    if (code_name == name) return code;
  }
  return Refuse(RefusalCode::kReasonUnknown,
                "the reason code must be DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE or OTHER");
}

absl::StatusOr<RemovalReason> CheckRemoval(const BeneficiaryFacts& member, absl::CivilDay end, absl::string_view reason,
                                           absl::string_view note) {
  absl::StatusOr<RemovalReason> parsed = ParseRemovalReason(reason);
  if (!parsed.ok()) return parsed.status();
  const std::optional<size_t> chars = core::CountCodePoints(note);
  if (!chars || *chars > kMaxRemovalNoteChars || !IsPrintableUtf8(note)) {
    return Refuse(RefusalCode::kNoteInvalid,
                  absl::StrCat("the note must be UTF-8 text of at most ", kMaxRemovalNoteChars,
                               " characters without control characters"));
  }
  if (!IsSpouseOrChild(member.relationship)) {
    return Refuse(RefusalCode::kInvalidRelationship, "only a spouse or a child is removed from a family");
  }
  const auto open = std::find_if(member.periods.begin(), member.periods.end(),
                                 [](const CoveragePeriod& p) { return !p.end.has_value(); });
  if (open == member.periods.end()) return Refuse(RefusalCode::kNotCovered, "the member has no open coverage period");
  if (end < open->start) {
    return Refuse(RefusalCode::kEndBeforeStart,
                  absl::StrCat("the end date is before the start of coverage (", FormatDay(open->start), ")"));
  }
  return *parsed;
}

}  // namespace himaya::beneficiary
