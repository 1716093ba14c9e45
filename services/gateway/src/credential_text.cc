#include "gateway/src/credential_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gateway/src/pipeline_parts.h"
#include "gateway/src/secrets.h"

namespace himaya::gateway {
namespace {

// The longest key id read (ids are "k" and 16 hex digits).
constexpr size_t kMaxKeyIdBytes = 64;
// The length of a record id (a UUID).
constexpr size_t kRecordIdChars = 36;

}  // namespace

std::optional<std::string> ApiKeyOfAuthorization(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  const absl::string_view scheme = kApiKeyScheme;
  if (value.size() <= scheme.size() + 1 || !absl::StartsWithIgnoreCase(value, scheme) || value[scheme.size()] != ' ') {
    return std::nullopt;
  }
  return std::string(absl::StripLeadingAsciiWhitespace(value.substr(scheme.size())));
}

std::optional<ApiKeyParts> SplitApiKey(absl::string_view credential) {
  const size_t dot = credential.find('.');
  if (dot == absl::string_view::npos || dot == 0 || dot > kMaxKeyIdBytes) return std::nullopt;
  const absl::string_view secret = credential.substr(dot + 1);
  if (!LooksLikeToken(secret)) return std::nullopt;
  return ApiKeyParts{std::string(credential.substr(0, dot)), std::string(secret)};
}

std::string AccessPageToken(const AccessCursor& after) {
  return absl::StrCat(absl::ToUnixMicros(after.at), "~", after.record_id);
}

absl::StatusOr<std::optional<AccessCursor>> AccessCursorOf(absl::string_view token) {
  if (token.empty()) return std::nullopt;
  const size_t tilde = token.find('~');
  int64_t at_us = 0;
  if (tilde == absl::string_view::npos || !absl::SimpleAtoi(token.substr(0, tilde), &at_us) ||
      token.size() - tilde - 1 != kRecordIdChars) {
    return absl::InvalidArgumentError("page_token: not a token this list gave");
  }
  return AccessCursor{absl::FromUnixMicros(at_us), std::string(token.substr(tilde + 1))};
}

}  // namespace himaya::gateway
