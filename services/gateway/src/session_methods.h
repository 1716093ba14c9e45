// SessionService, served inside the gateway (LocalMethods): an insured logs in through
// registration's AuthenticateAccount (which checks the Argon2id hash and locks out), an agent
// against the gateway's own agents, and either logs out. A session's token leaves only in the
// Set-Cookie header, never in a body.
#pragma once

#include "gateway/src/agents.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/sessions.h"

namespace himaya::gateway {

// The local methods of himaya.gateway.v1.SessionService:
// - CreateSession: registration's refusals as it gives them (UNAUTHENTICATED
//   INVALID_CREDENTIALS; RESOURCE_EXHAUSTED ACCOUNT_LOCKED with its `retry-after`), its
//   UNAVAILABLE or DEADLINE_EXCEEDED (backends.deadline) when it does not answer;
// - CreateAgentSession: Agents::Authenticate's refusals;
// - DeleteSession: revokes the caller's session and clears the cookie.
// INVALID_ARGUMENT for a missing id or password, or one past 1024 characters.
LocalMethods SessionMethods(Sessions& sessions, Agents& agents, const Backends& backends);

}  // namespace himaya::gateway
