#include "beneficiary/src/registration_directory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "rpc/call.h"

namespace himaya::beneficiary {
namespace {

namespace reg = himaya::registration::v1;

constexpr size_t kMembersPerCall = 1000;  // registration's limit, of members and of accounts

class GrpcRegistrationDirectory final : public RegistrationDirectory {
 public:
  GrpcRegistrationDirectory(const std::string& address, absl::Duration deadline)
      : stub_(rpc::NewChannel(address)), deadline_(deadline) {}

  absl::StatusOr<std::vector<MemberDetails>> HouseholdMembers(const std::vector<std::string>& member_ids) override {
    std::vector<MemberDetails> out;
    out.reserve(member_ids.size());
    for (size_t first = 0; first < member_ids.size(); first += kMembersPerCall) {
      const size_t end = std::min(member_ids.size(), first + kMembersPerCall);
      reg::GetHouseholdMembersRequest request;
      for (size_t i = first; i < end; ++i) request.add_member_ids(member_ids[i]);
      absl::StatusOr<reg::GetHouseholdMembersResponse> response =
          rpc::Call(stub_, &reg::RegistrationService::Stub::GetHouseholdMembers, request, deadline_);
      if (!response.ok()) return response.status();
      if (response->members_size() != static_cast<int>(end - first)) {
        return absl::UnavailableError("registration answered for another number of household members");
      }
      for (size_t i = first; i < end; ++i) {
        const reg::HouseholdMember& m = response->members(static_cast<int>(i - first));
        if (m.member_id() != member_ids[i]) {
          return absl::UnavailableError("registration answered for other household members");
        }
        MemberDetails d;
        d.member_id = m.member_id();
        d.found = m.found();
        if (d.found) {
          d.head_registration_number = m.head_registration_number();
          d.relationship = m.relationship();
          d.cin = m.cin();
          d.last_name = m.last_name();
          d.first_name = m.first_name();
          d.birth_date = m.birth_date();
          d.sex = m.sex() == reg::SEX_MALE ? "M" : m.sex() == reg::SEX_FEMALE ? "F" : "";
          d.program = m.program();
        }
        out.push_back(std::move(d));
      }
    }
    return out;
  }

  absl::StatusOr<bool> IsRegistered(const std::string& cin) override {
    reg::GetPersonRequest request;
    request.set_cin(cin);
    absl::StatusOr<reg::Person> person =
        rpc::Call(stub_, &reg::RegistrationService::Stub::GetPerson, request, deadline_);
    if (person.ok()) return true;
    if (person.status().code() == absl::StatusCode::kNotFound) return false;
    // Never declare without the check: whatever went wrong, the caller may try again.
    return absl::UnavailableError(absl::StrCat("registration cannot tell now whether the CIN is registered (",
                                               absl::StatusCodeToString(person.status().code()), "); try again"));
  }

  absl::StatusOr<std::vector<PaymentAccount>> PaymentAccounts(const std::vector<std::string>& numbers) override {
    std::vector<PaymentAccount> out;
    out.reserve(numbers.size());
    for (size_t first = 0; first < numbers.size(); first += kMembersPerCall) {
      const size_t end = std::min(numbers.size(), first + kMembersPerCall);
      reg::GetPaymentAccountsRequest request;
      for (size_t i = first; i < end; ++i) request.add_registration_numbers(numbers[i]);
      absl::StatusOr<reg::GetPaymentAccountsResponse> response =
          rpc::Call(stub_, &reg::RegistrationService::Stub::GetPaymentAccounts, request, deadline_);
      if (!response.ok()) return response.status();
      if (response->accounts_size() != static_cast<int>(end - first)) {
        return absl::UnavailableError("registration answered for another number of payment accounts");
      }
      for (size_t i = first; i < end; ++i) {
        const reg::PaymentAccount& a = response->accounts(static_cast<int>(i - first));
        if (a.registration_number() != numbers[i]) {
          return absl::UnavailableError("registration answered for other payment accounts");
        }
        PaymentAccount account;
        account.registration_number = a.registration_number();
        if (a.method() == reg::PAYMENT_METHOD_BANK_TRANSFER) account.method = "BANK_TRANSFER";
        if (a.method() == reg::PAYMENT_METHOD_MOBILE_WALLET) account.method = "MOBILE_WALLET";
        if (!account.method.empty()) account.account = a.account();
        out.push_back(std::move(account));
      }
    }
    return out;
  }

  absl::StatusOr<InsuredNames> Names(const std::string& registration_number) override {
    reg::GetPersonRequest request;
    request.set_registration_number(registration_number);
    absl::StatusOr<reg::Person> person =
        rpc::Call(stub_, &reg::RegistrationService::Stub::GetPerson, request, deadline_);
    if (person.ok()) return InsuredNames{person->first_name(), person->last_name()};
    if (person.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError("registration_number: registration knows no such person");
    }
    return absl::UnavailableError(absl::StrCat("registration cannot give the insured's names now (",
                                               absl::StatusCodeToString(person.status().code()), "); try again"));
  }

 private:
  reg::RegistrationService::Stub stub_;
  const absl::Duration deadline_;
};

}  // namespace

std::unique_ptr<RegistrationDirectory> NewRegistrationDirectory(const std::string& address, absl::Duration deadline) {
  return std::make_unique<GrpcRegistrationDirectory>(address, deadline);
}

}  // namespace himaya::beneficiary
