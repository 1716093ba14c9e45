#include "events/topics.h"

#include "absl/strings/str_cat.h"

namespace himaya::events {

const std::vector<std::string>& AllDomains() {
  static const auto* const domains =
      new std::vector<std::string>{std::string(kRegistrationDomain), std::string(kBeneficiaryDomain),
                                   std::string(kNotificationDomain), std::string(kClaimsDomain),
                               std::string(kContributionsDomain)};
  return *domains;
}

std::string Topic(absl::string_view domain, absl::string_view program) {
  return absl::StrCat("himaya.", domain, ".", program, ".v1");
}

std::vector<std::string> Topics(absl::string_view domain, const std::vector<std::string>& programs) {
  std::vector<std::string> topics;
  for (const std::string& program : programs) topics.push_back(Topic(domain, program));
  return topics;
}

std::vector<std::string> SuiteTopics(const std::vector<std::string>& programs) {
  std::vector<std::string> topics;
  for (const std::string& domain : AllDomains()) {
    for (std::string& topic : Topics(domain, programs)) topics.push_back(std::move(topic));
  }
  return topics;
}

}  // namespace himaya::events
