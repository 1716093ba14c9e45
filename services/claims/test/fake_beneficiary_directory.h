// A beneficiary directory in memory for claims' tests: the beneficiaries a test gives it, each
// covered over a period through an insured in a program, or an error to answer everything
// with. Like the beneficiary service, it refuses a call holding an empty id (INVALID_ARGUMENT).
// It counts calls and questions, so a test can tell that a chunk was asked set-wise.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "claims/src/beneficiary_directory.h"

namespace himaya::claims {

class FakeBeneficiaryDirectory final : public BeneficiaryDirectory {
 public:
  absl::StatusOr<std::vector<CoverageAnswer>> CoverageOn(const std::vector<CoverageQuestion>& questions) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    questions_ += static_cast<int>(questions.size());
    if (!error_.ok()) return error_;
    for (size_t i = 0; i < questions.size(); ++i) {
      // As the beneficiary service's CheckEligibilityBatch: one empty id refuses the whole call.
      if (questions[i].beneficiary_id.empty() || malformed_.count(questions[i].beneficiary_id) > 0) {
        return absl::InvalidArgumentError(absl::StrCat("questions[", i, "].beneficiary_id: is required"));
      }
    }
    std::vector<CoverageAnswer> out;
    for (const CoverageQuestion& q : questions) {
      CoverageAnswer a;
      auto it = known_.find(q.beneficiary_id);
      if (it == known_.end()) {
        a.reason = "NOT_REGISTERED";
      } else {
        const Beneficiary& b = it->second;
        a.covered_through = b.insured;
        a.program = b.program;
        a.category = b.category;
        a.region = b.region;
        if (q.care_date < b.from) {
          a.reason = "NOT_YET_COVERED";
        } else if (b.until && q.care_date > *b.until) {
          a.reason = b.reason_after;
        } else {
          a.covered = true;
        }
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  // `beneficiary_id` covered through `insured` in `program` from `from`, until `until` when set
  // (then not covered, for `reason_after`).
  void Cover(const std::string& beneficiary_id, const std::string& insured, const std::string& program,
             absl::CivilDay from, std::optional<absl::CivilDay> until = std::nullopt,
             const std::string& reason_after = "AGE_LIMIT") {
    absl::MutexLock lock(&mu_);
    known_[beneficiary_id] = {insured, program, from, until, reason_after};
  }
  // `beneficiary_id`'s insured is of `category` and lives in `region` (after Cover).
  void Place(const std::string& beneficiary_id, const std::string& category, const std::string& region) {
    absl::MutexLock lock(&mu_);
    known_[beneficiary_id].category = category;
    known_[beneficiary_id].region = region;
  }
  // A call asking about `beneficiary_id` is refused as malformed, as one with an empty id is.
  void RefuseAsMalformed(const std::string& beneficiary_id) {
    absl::MutexLock lock(&mu_);
    malformed_.insert(beneficiary_id);
  }
  // Every call fails with `error` (OK: answers again).
  void FailWith(absl::Status error) {
    absl::MutexLock lock(&mu_);
    error_ = std::move(error);
  }
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  int questions() const {
    absl::MutexLock lock(&mu_);
    return questions_;
  }

 private:
  struct Beneficiary {
    std::string insured;
    std::string program;
    absl::CivilDay from;
    std::optional<absl::CivilDay> until;
    std::string reason_after;
    std::string category;
    std::string region;
  };
  mutable absl::Mutex mu_;
  std::map<std::string, Beneficiary> known_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> malformed_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  int questions_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace himaya::claims
