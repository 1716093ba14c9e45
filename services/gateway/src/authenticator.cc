#include "gateway/src/authenticator.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/credential_text.h"

namespace himaya::gateway {

absl::StatusOr<Caller> CredentialAuthenticator::Authenticate(const HttpRequest& request) {
  Caller caller;
  caller.client = absl::StrCat("ip:", request.peer);
  std::optional<std::string> cookie = request.Cookie(kSessionCookie);
  // An empty cookie is one a browser kept after it was cleared: nobody's.
  if (cookie && !cookie->empty()) {
    ASSIGN_OR_RETURN(ActiveSession session, sessions_.Resume(*cookie));
    caller.kind = session.kind == SessionKind::kAgent ? CallerKind::kAgent : CallerKind::kInsured;
    caller.subject = session.subject;
    caller.roles = session.roles;
    caller.session_key = session.key;
    return caller;
  }
  const std::string authorization = request.Header("authorization");
  if (!authorization.empty()) {
    std::optional<std::string> credential = ApiKeyOfAuthorization(authorization);
    if (!credential) return absl::UnauthenticatedError(kApiKeyRefused);
    ASSIGN_OR_RETURN(ApiClient client, keys_.Authenticate(*credential));
    caller.kind = CallerKind::kApiClient;
    caller.subject = client.client_id;
    caller.roles = client.scopes;
    caller.client = absl::StrCat("key:", client.key_id);
    return caller;
  }
  return caller;
}

}  // namespace himaya::gateway
