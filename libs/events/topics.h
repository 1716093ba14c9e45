// Topic names, in one place: himaya.<domain>.<program>.v1, keyed by the aggregate (a person's
// registration number) so that one person's events stay in order.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace himaya::events {

inline constexpr absl::string_view kRegistrationDomain = "registration";
inline constexpr absl::string_view kBeneficiaryDomain = "beneficiary";
inline constexpr absl::string_view kNotificationDomain = "notification";
inline constexpr absl::string_view kClaimsDomain = "claims";
inline constexpr absl::string_view kContributionsDomain = "contributions";

// The embedded broker creates an empty topic named with this prefix and a random id at each
// start: its mock cluster's id is not unique per start, so clients tell a new broker by it.
inline constexpr absl::string_view kBrokerInstanceTopicPrefix = "himaya.broker-instance.";

// Every domain that publishes events.
const std::vector<std::string>& AllDomains();

// Returns "himaya.<domain>.<program>.v1".
std::string Topic(absl::string_view domain, absl::string_view program);

// The topics of `domain` for each of `programs`.
std::vector<std::string> Topics(absl::string_view domain, const std::vector<std::string>& programs);

// Every topic of the suite for `programs` (all domains).
std::vector<std::string> SuiteTopics(const std::vector<std::string>& programs);

}  // namespace himaya::events
