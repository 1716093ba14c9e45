// Message templates, kept as data and versioned: per template key and language ("fr", "ar"),
// with placeholders {registration_number}, {activation_code}, {portal_url}. The suite ships
// templates.json; a deployment gives its own with --templates.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::notification {

class Templates {
 public:
  // INVALID_ARGUMENT when the JSON is malformed or a template uses an unknown placeholder.
  static absl::StatusOr<Templates> Parse(absl::string_view json);
  static const Templates& Shipped();
  static absl::StatusOr<Templates> Load(const std::string& path);

  int version() const { return version_; }
  // True when `key` exists in `language`.
  bool Has(absl::string_view key, absl::string_view language) const;
  // The text with placeholders filled. NOT_FOUND for an unknown template or language;
  // INVALID_ARGUMENT when a placeholder the template uses has no value.
  absl::StatusOr<std::string> Render(absl::string_view key, absl::string_view language,
                                     const std::map<std::string, std::string>& values) const;
  // True when the template uses {activation_code} (a fresh code is fetched at send time).
  bool NeedsActivationCode(absl::string_view key) const;

 private:
  int version_ = 0;
  std::string portal_url_;
  std::map<std::string, std::map<std::string, std::string>, std::less<>> texts_;
};

}  // namespace himaya::notification
