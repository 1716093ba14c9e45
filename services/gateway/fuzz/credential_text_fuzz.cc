// Fuzz target: what a caller sends as text before anything is looked up. Input: one byte choosing
// the reader, then its text: 0 the Cookie header (the session cookie read from it), 1 the
// Authorization header (an API key read and split), 2 the access audit's page token. What is read
// must be what was sent: a key's parts join back to the credential, a page token's start gives
// back a token that reads the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/src/credential_text.h"
#include "gateway/src/http_exchange.h"
#include "gateway/src/pipeline_parts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace himaya::gateway;
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      HttpRequest request;
      request.headers["cookie"] = text;
      std::optional<std::string> session = request.Cookie(kSessionCookie);
      if (session && session->size() > text.size()) __builtin_trap();
      if (session && text.find(*session) == std::string::npos) __builtin_trap();
      break;
    }
    case 1: {
      std::optional<std::string> credential = ApiKeyOfAuthorization(text);
      if (!credential) break;
      if (credential->size() > text.size()) __builtin_trap();
      std::optional<ApiKeyParts> key = SplitApiKey(*credential);
      if (key && key->key_id + "." + key->secret != *credential) __builtin_trap();
      break;
    }
    default: {
      absl::StatusOr<std::optional<AccessCursor>> cursor = AccessCursorOf(text);
      if (!cursor.ok() || !cursor->has_value()) break;
      absl::StatusOr<std::optional<AccessCursor>> again = AccessCursorOf(AccessPageToken(**cursor));
      if (!again.ok() || !again->has_value() || (*again)->at != (**cursor).at ||
          (*again)->record_id != (**cursor).record_id) {
        __builtin_trap();
      }
      break;
    }
  }
  return 0;
}
