// How the gateway reads what a caller sends as text before anything is looked up: an API key from
// the Authorization header and split into its id and secret, and the access audit's page token
// (the session cookie's value is HttpRequest::Cookie's). Pure and bounded, each with a fuzz target
// (fuzz/credential_text_fuzz.cc).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/src/access_record_store.h"

namespace himaya::gateway {

// The credential of `Authorization: ApiKey <credential>` (the scheme in any case, spaces around
// ignored); nullopt for another scheme or no credential.
std::optional<std::string> ApiKeyOfAuthorization(absl::string_view authorization);

// An API key, `<key_id>.<secret>`.
struct ApiKeyParts {
  std::string key_id;
  std::string secret;
};
// The key's parts: an id of 1 to 64 bytes before the first '.', and a secret of the shape
// NewToken gives after it; nullopt otherwise (refused without a database read).
std::optional<ApiKeyParts> SplitApiKey(absl::string_view credential);

// The token of the access audit's page that starts after `after`: "<at_us>~<record_id>".
std::string AccessPageToken(const AccessCursor& after);
// Where the page a token names starts; nullopt for the empty token (the first page).
// INVALID_ARGUMENT "page_token: ..." for a token the log did not give (a record id is 36
// characters).
absl::StatusOr<std::optional<AccessCursor>> AccessCursorOf(absl::string_view token);

}  // namespace himaya::gateway
