// Who is calling the gateway, once authenticated (a portal session, an agent's session, an API
// key, or nobody).
#pragma once

#include <string>
#include <vector>

#include "absl/algorithm/container.h"

namespace himaya::gateway {

enum class CallerKind { kAnonymous, kInsured, kAgent, kApiClient };

struct Caller {
  CallerKind kind = CallerKind::kAnonymous;
  // The insured's registration number, the agent's id, or the API client's id; empty when
  // anonymous.
  std::string subject;
  // An agent's roles, or an API key's scopes.
  std::vector<std::string> roles;
  // The session's key as stored (a hash of the cookie's token), for logging out; empty for API
  // keys and anonymous callers.
  std::string session_key;
  // The key of per-client rate limits: "ip:<address>" or "key:<key_id>".
  std::string client;

  bool HasAnyRole(const std::vector<std::string>& allowed) const {
    return absl::c_any_of(allowed, [&](const std::string& r) { return absl::c_linear_search(roles, r); });
  }
};

}  // namespace himaya::gateway
