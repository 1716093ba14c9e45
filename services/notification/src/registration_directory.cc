#include "himaya/registration/v1/registration.grpc.pb.h"
#include "notification/src/person_directory.h"
#include "rpc/client.h"
#include "rpc/status.h"

namespace himaya::notification {
namespace {

namespace reg = himaya::registration::v1;

class RegistrationDirectory final : public PersonDirectory {
 public:
  explicit RegistrationDirectory(const std::string& address)
      : stub_(reg::RegistrationService::NewStub(rpc::NewChannel(address))) {}

  absl::StatusOr<Recipient> Lookup(const std::string& registration_number) override {
    reg::GetPersonRequest request;
    request.set_registration_number(registration_number);
    reg::Person person;
    auto context = rpc::NewContext(absl::Seconds(5));
    grpc::Status status = stub_->GetPerson(context.get(), request, &person);
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return Recipient{person.phone(), person.preferred_language()};
  }

  absl::StatusOr<std::string> IssueActivationCode(const std::string& registration_number) override {
    reg::IssueActivationCodeRequest request;
    request.set_registration_number(registration_number);
    reg::IssueActivationCodeResponse response;
    auto context = rpc::NewContext(absl::Seconds(5));
    grpc::Status status = stub_->IssueActivationCode(context.get(), request, &response);
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return response.code();
  }

 private:
  std::unique_ptr<reg::RegistrationService::Stub> stub_;
};

}  // namespace

std::unique_ptr<PersonDirectory> NewRegistrationDirectory(const std::string& address) {
  return std::make_unique<RegistrationDirectory>(address);
}

}  // namespace himaya::notification
