#include "beneficiary/src/eligibility.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/coverage.h"
#include "beneficiary/src/insured_store.h"
#include "core/status_macros.h"

namespace himaya::beneficiary {

absl::StatusOr<EligibilityAnswer> Eligibility::Check(const EligibilityQuestion& question) {
  ASSIGN_OR_RETURN(std::vector<EligibilityAnswer> answers, CheckMany({question}));
  return std::move(answers.front());
}

absl::StatusOr<std::vector<EligibilityAnswer>> Eligibility::CheckMany(
    const std::vector<EligibilityQuestion>& questions) {
  if (questions.size() > kMaxQuestionsPerBatch) {
    return absl::InvalidArgumentError(absl::StrCat("questions: at most ", kMaxQuestionsPerBatch, " in one call"));
  }
  const bool one = questions.size() == 1;
  const absl::CivilDay today = Today();
  std::vector<EligibilityAnswer> answers(questions.size());
  std::vector<std::string> insured_numbers;
  std::vector<std::string> dependent_ids;
  for (size_t i = 0; i < questions.size(); ++i) {
    const EligibilityQuestion& q = questions[i];
    const std::string field = one ? "" : absl::StrCat("questions[", i, "].");
    if (q.beneficiary_id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, "beneficiary_id: is required"));
    answers[i].beneficiary_id = q.beneficiary_id;
    if (q.date.empty()) {
      answers[i].date = today;
    } else if (std::optional<absl::CivilDay> day = ParseDay(q.date)) {
      answers[i].date = *day;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(field, "date: must be a real date, YYYY-MM-DD"));
    }
    insured_numbers.push_back(InsuredNumberOf(q.beneficiary_id));
    if (q.beneficiary_id.find('-') != std::string::npos) dependent_ids.push_back(q.beneficiary_id);
  }
  std::map<std::string, Insured> insured;
  std::map<std::string, Dependent> dependents;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    insured.clear();
    dependents.clear();
    ASSIGN_OR_RETURN(std::vector<Insured> found, InsuredStore::FindMany(tx, insured_numbers));
    for (Insured& i : found) insured[i.registration_number] = std::move(i);
    ASSIGN_OR_RETURN(std::vector<Dependent> members, BeneficiaryStore::FindMany(tx, dependent_ids));
    for (Dependent& d : members) dependents[d.beneficiary_id] = std::move(d);
    return absl::OkStatus();
  }));
  for (EligibilityAnswer& a : answers) {
    const bool is_dependent = a.beneficiary_id.find('-') != std::string::npos;
    auto holder = insured.find(InsuredNumberOf(a.beneficiary_id));
    auto member = dependents.find(a.beneficiary_id);
    if (holder == insured.end() || (is_dependent && member == dependents.end())) {
      a.reason = std::string(ReasonName(ReasonCode::kNotRegistered));
      continue;
    }
    a.registration_number = holder->second.registration_number;
    a.program = holder->second.program;
    a.category = holder->second.category;
    a.region = holder->second.region;
    Coverage c;
    if (is_dependent) {
      a.relationship = RelationshipOf(member->second.relationship);
      c = DependentCoverageOn(rules_, member->second, holder->second, a.date);
    } else {
      c = CoverageOf(InsuredCoverageOn(rules_, holder->second, a.date));
    }
    a.covered = c.covered;
    a.reason = c.reason;
    a.covered_until = c.covered_until;
  }
  return answers;
}

}  // namespace himaya::beneficiary
