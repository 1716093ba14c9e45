// Who is calling: the session cookie (an insured's or an agent's session), else an API key in
// `Authorization: ApiKey <key_id>.<secret>`, else nobody (its client its address). A credential
// that is present but not valid is refused, never taken as anonymous.
#pragma once

#include "gateway/src/api_keys.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/sessions.h"

namespace himaya::gateway {

class CredentialAuthenticator final : public Authenticator {
 public:
  CredentialAuthenticator(Sessions& sessions, ApiKeys& keys) : sessions_(sessions), keys_(keys) {}

  // UNAUTHENTICATED with kSessionRefused for a cookie that opens no session, kApiKeyRefused for
  // an Authorization header that is not a valid API key (another scheme included).
  absl::StatusOr<Caller> Authenticate(const HttpRequest& request) override;

 private:
  Sessions& sessions_;
  ApiKeys& keys_;
};

}  // namespace himaya::gateway
