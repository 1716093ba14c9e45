#include "notification/src/templates.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "notification_templates_json.h"

namespace himaya::notification {
namespace {

// The values an event gives a message, kept with it until it is sent.
const std::set<std::string>& EventPlaceholders() {
  static const auto* const names = new std::set<std::string>{"claim_id", "outcome", "amount", "date", "month"};
  return *names;
}

const std::set<std::string>& Placeholders() {
  static const auto* const names = [] {
    auto* all = new std::set<std::string>{"registration_number", "activation_code", "portal_url"};
    all->insert(EventPlaceholders().begin(), EventPlaceholders().end());
    return all;
  }();
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

// "words": {placeholder: {language: {code: text}}}, optional; checked like the rest.
absl::StatusOr<Templates::Words> ParseWords(const nlohmann::json& json) {
  Templates::Words out;
  auto words = json.find("words");
  if (words == json.end()) return out;
  const absl::Status bad =
      absl::InvalidArgumentError("templates: words must be an object {placeholder: {language: {code: text}}}");
  if (!words->is_object()) return bad;
  for (const auto& [name, languages] : words->items()) {
    if (!Placeholders().count(name)) {
      return absl::InvalidArgumentError(absl::StrCat("templates: words for unknown {", name, "}"));
    }
    if (!languages.is_object()) return bad;
    for (const auto& [language, codes] : languages.items()) {
      if (!codes.is_object()) return bad;
      for (const auto& [code, text] : codes.items()) {
        if (!text.is_string()) return bad;
        out[name][language][code] = text.get<std::string>();
      }
    }
  }
  return out;
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
  absl::StatusOr<Words> words = ParseWords(json);
  if (!words.ok()) return words.status();
  t.words_ = *std::move(words);
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

bool Templates::Uses(absl::string_view key, absl::string_view placeholder) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return false;
  const std::string marker = absl::StrCat("{", placeholder, "}");
  for (const auto& [language, text] : it->second) {
    if (text.find(marker) != std::string::npos) return true;
  }
  return false;
}

bool Templates::NeedsActivationCode(absl::string_view key) const { return Uses(key, "activation_code"); }

bool Templates::NeedsEventValues(absl::string_view key) const {
  for (const std::string& name : EventPlaceholders()) {
    if (Uses(key, name)) return true;
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
      if (auto words = words_.find(name); words != words_.end()) {
        // A code, written in words of the message's language.
        const std::string* word = nullptr;
        if (auto in_language = words->second.find(std::string(language)); in_language != words->second.end()) {
          if (auto w = in_language->second.find(value); w != in_language->second.end()) word = &w->second;
        }
        if (word == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat("template ", key, ": no ", language, " words for {", name, "} ", value));
        }
        value = *word;
      }
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
