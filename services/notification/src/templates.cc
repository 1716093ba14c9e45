#include "notification/src/templates.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "notification_templates_json.h"

namespace himaya::notification {
namespace {

const std::set<std::string>& Placeholders() {
  static const auto* const names = new std::set<std::string>{"registration_number", "activation_code", "portal_url"};
  return *names;
}

// Calls `fn` with each {name} of `text`; stops at the first error.
absl::Status ForEachPlaceholder(absl::string_view text,
                                const std::function<absl::Status(size_t, size_t, const std::string&)>& fn) {
  for (size_t open = text.find('{'); open != absl::string_view::npos; open = text.find('{', open + 1)) {
    size_t close = text.find('}', open);
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("template: an unclosed {");
    if (absl::Status s = fn(open, close, std::string(text.substr(open + 1, close - open - 1))); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

// Every value is checked for its type before it is read: nlohmann's accessors throw otherwise.
absl::StatusOr<Templates> Templates::Parse(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return absl::InvalidArgumentError("templates: not a JSON object");
  auto version = json.find("version");
  auto portal_url = json.find("portal_url");
  auto templates = json.find("templates");
  if (version == json.end() || !version->is_number_integer()) {
    return absl::InvalidArgumentError("templates: version must be an integer");
  }
  if (portal_url == json.end() || !portal_url->is_string()) {
    return absl::InvalidArgumentError("templates: portal_url must be a string");
  }
  if (templates == json.end() || !templates->is_object()) {
    return absl::InvalidArgumentError("templates: templates must be an object of templates");
  }
  Templates t;
  t.version_ = version->get<int>();
  t.portal_url_ = portal_url->get<std::string>();
  for (const auto& [key, languages] : templates->items()) {
    if (!languages.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("templates: ", key, " must be an object of texts by language"));
    }
    for (const auto& [language, body] : languages.items()) {
      if (!body.is_string()) {
        return absl::InvalidArgumentError(absl::StrCat("templates: ", key, "/", language, " must be a string"));
      }
      std::string value = body.get<std::string>();
      // Named here: a lambda may not capture structured bindings before C++20 (clang refuses).
      const std::string where = absl::StrCat(key, "/", language);
      absl::Status checked = ForEachPlaceholder(value, [&](size_t, size_t, const std::string& name) {
        return Placeholders().count(name)
                   ? absl::OkStatus()
                   : absl::InvalidArgumentError(absl::StrCat("templates: ", where, " uses unknown {", name, "}"));
      });
      if (!checked.ok()) return checked;
      t.texts_[key][language] = std::move(value);
    }
  }
  return t;
}

const Templates& Templates::Shipped() {
  static const Templates* const t = [] {
    auto parsed = Parse(notification_templates_json());
    if (!parsed.ok()) std::abort();  // the shipped file is checked by the tests
    return new Templates(*std::move(parsed));
  }();
  return *t;
}

absl::StatusOr<Templates> Templates::Load(const std::string& path) {
  if (path.empty()) return Shipped();
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("templates: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

bool Templates::Has(absl::string_view key, absl::string_view language) const {
  auto it = texts_.find(key);
  return it != texts_.end() && it->second.count(std::string(language)) > 0;
}

bool Templates::NeedsActivationCode(absl::string_view key) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return false;
  for (const auto& [language, text] : it->second) {
    if (text.find("{activation_code}") != std::string::npos) return true;
  }
  return false;
}

absl::StatusOr<std::string> Templates::Render(absl::string_view key, absl::string_view language,
                                              const std::map<std::string, std::string>& values) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return absl::NotFoundError(absl::StrCat("template ", key, " does not exist"));
  auto text = it->second.find(std::string(language));
  if (text == it->second.end()) {
    return absl::NotFoundError(absl::StrCat("template ", key, " has no ", language, " version"));
  }
  std::string out;
  size_t copied = 0;
  const std::string& body = text->second;
  absl::Status status = ForEachPlaceholder(body, [&](size_t open, size_t close, const std::string& name) {
    std::string value;
    if (name == "portal_url") {
      value = portal_url_;
    } else {
      auto v = values.find(name);
      if (v == values.end())
        return absl::InvalidArgumentError(absl::StrCat("template ", key, ": no value for {", name, "}"));
      value = v->second;
    }
    out.append(body, copied, open - copied);
    out += value;
    copied = close + 1;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  out.append(body, copied, std::string::npos);
  return out;
}

}  // namespace himaya::notification
