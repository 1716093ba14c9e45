// Message templates, kept as data and versioned: per template key and language ("fr", "ar"),
// with placeholders {registration_number}, {activation_code}, {portal_url}, and those an event
// gives a message and keeps with it ({claim_id}, {outcome}, {amount}). A placeholder listed under
// "words" holds a code (an outcome: ACCEPTED) that is written in words of the message's language.
// The suite ships templates.json; a deployment gives its own with --templates.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace himaya::notification {

class Templates {
 public:
  // placeholder -> language -> code -> words.
  using Words = std::map<std::string, std::map<std::string, std::map<std::string, std::string>>>;

  // INVALID_ARGUMENT when the JSON is malformed, a template uses an unknown placeholder, or
  // words are given for one.
  static absl::StatusOr<Templates> Parse(absl::string_view json);
  static const Templates& Shipped();
  static absl::StatusOr<Templates> Load(const std::string& path);

  int version() const { return version_; }
  // True when `key` exists in `language`.
  bool Has(absl::string_view key, absl::string_view language) const;
  // The text with placeholders filled. NOT_FOUND for an unknown template or language;
  // INVALID_ARGUMENT when a placeholder the template uses has no value, or a code (outcome) has
  // no words in `language`.
  absl::StatusOr<std::string> Render(absl::string_view key, absl::string_view language,
                                     const std::map<std::string, std::string>& values) const;
  // True when the template uses {activation_code} (a fresh code is fetched at send time).
  bool NeedsActivationCode(absl::string_view key) const;
  // True when the template uses a value only an event gives (a claim's id, outcome, amount),
  // kept with the message: it is sent on that event, never resent nor sent to a campaign.
  bool NeedsEventValues(absl::string_view key) const;

 private:
  // True when some language of the template uses {placeholder}.
  bool Uses(absl::string_view key, absl::string_view placeholder) const;

  int version_ = 0;
  std::string portal_url_;
  std::map<std::string, std::map<std::string, std::string>, std::less<>> texts_;
  Words words_;
};

}  // namespace himaya::notification
