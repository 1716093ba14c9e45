#include "claims/src/beneficiary_directory.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "rpc/call.h"

namespace himaya::claims {
namespace {

namespace ben = himaya::beneficiary::v1;

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

class GrpcBeneficiaryDirectory final : public BeneficiaryDirectory {
 public:
  GrpcBeneficiaryDirectory(const std::string& address, absl::Duration deadline)
      : stub_(rpc::NewChannel(address)), deadline_(deadline) {}

  absl::StatusOr<std::vector<CoverageAnswer>> CoverageOn(const std::vector<CoverageQuestion>& questions) override {
    std::vector<CoverageAnswer> out;
    out.reserve(questions.size());
    for (size_t first = 0; first < questions.size(); first += kQuestionsPerCall) {
      const size_t end = std::min(questions.size(), first + kQuestionsPerCall);
      ben::CheckEligibilityBatchRequest request;
      for (size_t i = first; i < end; ++i) {
        ben::EligibilityQuestion* q = request.add_questions();
        q->set_beneficiary_id(questions[i].beneficiary_id);
        q->set_date(FormatDay(questions[i].care_date));
      }
      absl::StatusOr<ben::CheckEligibilityBatchResponse> response =
          rpc::Call(stub_, &ben::BeneficiaryService::Stub::CheckEligibilityBatch, request, deadline_);
      if (absl::IsInvalidArgument(response.status())) {
        // The questions are malformed: asking again later would not help. The code only: the
        // message may echo a beneficiary id.
        return absl::InvalidArgumentError("the beneficiary service refused the questions (INVALID_ARGUMENT)");
      }
      if (!response.ok()) {
        // The code only: the message may echo a beneficiary id.
        return absl::UnavailableError(absl::StrCat("the beneficiary service cannot tell coverage now (",
                                                   absl::StatusCodeToString(response.status().code()), ")"));
      }
      if (response->answers_size() != static_cast<int>(end - first)) {
        return absl::UnavailableError("the beneficiary service answered another number of questions");
      }
      for (size_t i = first; i < end; ++i) {
        const ben::EligibilityAnswer& a = response->answers(static_cast<int>(i - first));
        if (a.beneficiary_id() != questions[i].beneficiary_id || a.date() != FormatDay(questions[i].care_date)) {
          return absl::UnavailableError("the beneficiary service answered other questions");
        }
        out.push_back({a.covered(), a.registration_number(), a.program(), a.category(), a.region(), a.reason()});
      }
    }
    return out;
  }

 private:
  ben::BeneficiaryService::Stub stub_;
  const absl::Duration deadline_;
};

}  // namespace

std::unique_ptr<BeneficiaryDirectory> NewBeneficiaryDirectory(const std::string& address, absl::Duration deadline) {
  return std::make_unique<GrpcBeneficiaryDirectory>(address, deadline);
}

}  // namespace himaya::claims
