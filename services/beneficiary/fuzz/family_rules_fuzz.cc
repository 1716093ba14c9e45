// Fuzzes the family rules: the parsing of a rules file, the check of a removal's note, and the
// coverage answer for a beneficiary drawn from the input. The input is split at the first two
// NUL bytes into a rules file, a removal note and the bytes that draw the beneficiary (birth,
// disability, end of studies, periods that do not overlap, a date). What a parse accepts lies
// in the documented ranges; an answer is consistent (covered exactly when there is no reason;
// covered up to `covered_until` and not the day after); a child whose declaration is accepted
// on a date is covered on it by a period opened that day.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "beneficiary/src/family_rules.h"

namespace {

using namespace himaya::beneficiary;

// Reads the input's bytes one at a time; 0 once they run out.
class Draw {
 public:
  explicit Draw(absl::string_view bytes) : bytes_(bytes) {}
  int Byte() {
    if (bytes_.empty()) return 0;
    const int b = static_cast<unsigned char>(bytes_[0]);
    bytes_.remove_prefix(1);
    return b;
  }
  int Days() { return Byte() * 256 + Byte(); }  // up to ~180 years

 private:
  absl::string_view bytes_;
};

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckRules(absl::string_view json) {
  absl::StatusOr<FamilyRules> rules = FamilyRules::Parse(json);
  if (!rules.ok()) {
    Check(rules.status().code() == absl::StatusCode::kInvalidArgument);
    Check(absl::StartsWith(rules.status().message(), "family_rules: "));
    return;
  }
  Check(rules->max_spouses() >= 1 && rules->max_spouses() <= 10);
  Check(rules->child_age_limit() >= 1 && rules->child_age_limit() <= 30);
  Check(rules->student_age_limit() >= rules->child_age_limit() && rules->student_age_limit() <= 40);
  Check(rules->spouse_min_age() >= 15 && rules->spouse_min_age() <= 30);
}

void CheckAnswer(const FamilyRules& rules, const BeneficiaryFacts& facts, absl::CivilDay date) {
  const CoverageAnswer answer = CoverageOn(rules, facts, date);
  Check(answer.covered == (answer.reason == ReasonCode::kNone));
  if (!answer.covered) {
    Check(!answer.covered_until.has_value());
    return;
  }
  if (answer.covered_until) {
    Check(*answer.covered_until >= date && answer.ends_by != ReasonCode::kNone);
    Check(CoverageOn(rules, facts, *answer.covered_until).covered);
    Check(!CoverageOn(rules, facts, *answer.covered_until + 1).covered);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> parts = absl::StrSplit(input, absl::MaxSplits('\0', 2));
  parts.resize(3);
  CheckRules(parts[0]);

  const FamilyRules& rules = FamilyRules::Shipped();
  Draw draw(parts[2]);
  const absl::CivilDay epoch(1950, 1, 1);
  BeneficiaryFacts facts;
  facts.relationship = static_cast<Relationship>(draw.Byte() % 3);
  facts.birth_date = epoch + draw.Days();
  facts.disabled = draw.Byte() % 2;
  if (draw.Byte() % 2) facts.studying_until = facts.birth_date + draw.Days();
  absl::CivilDay next = facts.birth_date + draw.Byte();
  for (int n = draw.Byte() % 4; n > 0; --n) {
    CoveragePeriod period{next, std::nullopt, ReasonCode::kRemoved};
    if (n > 1 || draw.Byte() % 2) {
      period.end = next + draw.Days() % 4000;
      next = *period.end + 1 + draw.Byte() % 3;  // 1: contiguous with the next period
    }
    facts.periods.push_back(period);
  }
  const absl::CivilDay date = facts.birth_date + draw.Days() % 20000;
  CheckAnswer(rules, facts, date);

  absl::StatusOr<RemovalReason> removal = CheckRemoval(facts, date, "OTHER", parts[1]);
  Check(removal.ok() || RefusalOf(removal.status()) != RefusalCode::kNone);

  NewMember member{facts.relationship, facts.birth_date, facts.disabled, facts.studying_until};
  absl::Status declared = CheckDeclaration(rules, member, FamilySnapshot{}, date);
  Check(declared.ok() || RefusalOf(declared) != RefusalCode::kNone);
  if (declared.ok()) {
    BeneficiaryFacts declared_facts = facts;
    declared_facts.periods = {CoveragePeriod{date, std::nullopt, ReasonCode::kRemoved}};
    Check(CoverageOn(rules, declared_facts, date).covered);
  }
  return 0;
}
