// The insured person's journey through the gateway, the part of `himaya demo` after the
// liaison batch: activation from the SMS, login, certificate, a child declared, a claim filed,
// decided and paid, then the portal's address.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "stack/local_stack.h"

namespace himaya::cli {

// Walks the journey of a person the batch registered (anyone but `not_these`, registered by
// hand) on the running stack `s`, printing each step numbered from `step`. The number of the
// step after its last; the first step that fails, with what the gateway or a command answered.
absl::StatusOr<int> WalkPortalJourney(const stack::LocalStack& s, const std::vector<std::string>& not_these, int step);

}  // namespace himaya::cli
