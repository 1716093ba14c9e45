// The flags of the gateway's sessions, agents' lock-out and rate limits (auth_flags.cc, linked
// into the gateway's binary only), read once at start.
#pragma once

#include "absl/status/statusor.h"
#include "gateway/src/auth_parts.h"

namespace himaya::gateway {

// INVALID_ARGUMENT naming the flag at fault (CheckAuthConfig).
absl::StatusOr<AuthConfig> AuthConfigFromFlags();

}  // namespace himaya::gateway
