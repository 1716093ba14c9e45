// A registration directory in memory for beneficiary's tests: the household members and the
// registered CINs a test gives it, or an error to answer everything with.
#pragma once

#include <map>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "beneficiary/src/registration_directory.h"

namespace himaya::beneficiary {

class FakeRegistrationDirectory final : public RegistrationDirectory {
 public:
  absl::StatusOr<std::vector<MemberDetails>> HouseholdMembers(const std::vector<std::string>& member_ids) override {
    absl::MutexLock lock(&mu_);
    ++member_calls_;
    if (!error_.ok()) return error_;
    std::vector<MemberDetails> out;
    for (const std::string& id : member_ids) {
      auto it = members_.find(id);
      MemberDetails d;
      d.member_id = id;
      if (it != members_.end()) d = it->second;
      out.push_back(d);
    }
    return out;
  }
  absl::StatusOr<bool> IsRegistered(const std::string& cin) override {
    absl::MutexLock lock(&mu_);
    ++cin_calls_;
    if (!error_.ok()) return absl::UnavailableError("registration cannot tell now");
    return registered_cins_.count(cin) > 0;
  }

  absl::StatusOr<InsuredNames> Names(const std::string& registration_number) override {
    absl::MutexLock lock(&mu_);
    ++names_calls_;
    if (!error_.ok()) return absl::UnavailableError("registration cannot tell now");
    auto it = names_.find(registration_number);
    if (it == names_.end()) return absl::NotFoundError("registration_number: no such person");
    return it->second;
  }

  absl::StatusOr<std::vector<PaymentAccount>> PaymentAccounts(const std::vector<std::string>& numbers) override {
    absl::MutexLock lock(&mu_);
    ++account_calls_;
    if (!error_.ok()) return absl::UnavailableError("registration cannot tell now");
    std::vector<PaymentAccount> out;
    for (const std::string& n : numbers) {
      auto it = accounts_.find(n);
      out.push_back(it != accounts_.end() ? it->second : PaymentAccount{n, "", ""});
    }
    return out;
  }
  void AddAccount(const std::string& registration_number, const std::string& method, const std::string& account) {
    absl::MutexLock lock(&mu_);
    accounts_[registration_number] = {registration_number, method, account};
  }
  int account_calls() const {
    absl::MutexLock lock(&mu_);
    return account_calls_;
  }

  void AddNames(const std::string& registration_number, InsuredNames names) {
    absl::MutexLock lock(&mu_);
    names_[registration_number] = std::move(names);
  }
  void AddMember(MemberDetails details) {
    absl::MutexLock lock(&mu_);
    details.found = true;
    members_[details.member_id] = std::move(details);
  }
  void AddRegisteredCin(const std::string& cin) {
    absl::MutexLock lock(&mu_);
    registered_cins_.insert(cin);
  }
  // Every call fails with `error` (OK: answers again).
  void FailWith(absl::Status error) {
    absl::MutexLock lock(&mu_);
    error_ = std::move(error);
  }
  int member_calls() const {
    absl::MutexLock lock(&mu_);
    return member_calls_;
  }
  int names_calls() const {
    absl::MutexLock lock(&mu_);
    return names_calls_;
  }
  int cin_calls() const {
    absl::MutexLock lock(&mu_);
    return cin_calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, MemberDetails> members_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> registered_cins_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, InsuredNames> names_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PaymentAccount> accounts_ ABSL_GUARDED_BY(mu_);
  int account_calls_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  int member_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int cin_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int names_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace himaya::beneficiary
