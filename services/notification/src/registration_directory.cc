#include <algorithm>

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

  std::vector<PreparedRecipient> Prepare(const std::vector<RecipientQuery>& queries) override {
    constexpr size_t kPerCall = 1000;  // the service's limit
    std::vector<PreparedRecipient> out;
    out.reserve(queries.size());
    for (size_t first = 0; first < queries.size(); first += kPerCall) {
      const size_t end = std::min(queries.size(), first + kPerCall);
      reg::GetRecipientsRequest request;
      for (size_t i = first; i < end; ++i) {
        reg::RecipientQuery* q = request.add_queries();
        q->set_registration_number(queries[i].registration_number);
        q->set_activation_code(queries[i].activation_code);
      }
      reg::GetRecipientsResponse response;
      auto context = rpc::NewContext(absl::Seconds(10));
      grpc::Status status = stub_->GetRecipients(context.get(), request, &response);
      if (status.ok() && response.recipients_size() != static_cast<int>(end - first)) {
        status = grpc::Status(grpc::StatusCode::INTERNAL, "registration answered for other recipients");
      }
      for (size_t i = first; i < end; ++i) {
        PreparedRecipient p;
        if (!status.ok()) {
          p.status = rpc::FromGrpcStatus(status);
        } else {
          const reg::Recipient& r = response.recipients(static_cast<int>(i - first));
          if (!r.found()) {
            p.status = absl::NotFoundError("registration_number: no person has this number");
          } else if (queries[i].activation_code && r.account_active()) {
            p.status = absl::FailedPreconditionError("account: already activated");
          }
          p.recipient = {r.phone(), r.preferred_language()};
          p.activation_code = r.activation_code();
        }
        out.push_back(std::move(p));
      }
    }
    return out;
  }

 private:
  std::unique_ptr<reg::RegistrationService::Stub> stub_;
};

}  // namespace

std::unique_ptr<PersonDirectory> NewRegistrationDirectory(const std::string& address) {
  return std::make_unique<RegistrationDirectory>(address);
}

}  // namespace himaya::notification
