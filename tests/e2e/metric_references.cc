#include "metric_references.h"

#include <cctype>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"

namespace himaya::e2e {
namespace {

bool IsIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Keywords followed by a list of labels in parentheses.
const std::set<std::string>& GroupingKeywords() {
  static const auto* const words =
      new std::set<std::string>{"by", "without", "on", "ignoring", "group_left", "group_right"};
  return *words;
}

// Words of PromQL that name no metric when no '(' follows them.
const std::set<std::string>& Keywords() {
  static const auto* const words = new std::set<std::string>{
      "and",    "or",    "unless",       "bool",    "offset", "atan2",    "inf",    "nan",
      "start",  "end",   "sum",          "min",     "max",    "avg",      "group",  "stddev",
      "stdvar", "count", "count_values", "bottomk", "topk",   "quantile", "limitk", "limit_ratio"};
  return *words;
}

// Reads PromQL from `text`, position by position.
class Reader {
 public:
  explicit Reader(absl::string_view text) : text_(text) {}

  absl::StatusOr<MetricReferences> Read() {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '"' || c == '\'' || c == '`') {
        RETURN_IF_ERROR(SkipString());
      } else if (c == '#') {
        while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      } else if (c == '[') {
        RETURN_IF_ERROR(SkipTo(']'));
        last_metric_.clear();
      } else if (c == '{') {
        RETURN_IF_ERROR(ReadMatchers());
      } else if (c == '$') {
        SkipVariable();
      } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && NextIsDigit())) {
        // A number or a duration (5m, 1e3, 0x1f).
        while (i_ < text_.size() && (IsIdentifierChar(text_[i_]) || text_[i_] == '.')) ++i_;
        last_metric_.clear();
      } else if (IsIdentifierStart(c)) {
        RETURN_IF_ERROR(ReadIdentifier());
      } else {
        if (!std::isspace(static_cast<unsigned char>(c))) last_metric_.clear();
        ++i_;
      }
    }
    return std::move(refs_);
  }

 private:
  bool NextIsDigit() const { return i_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i_ + 1])); }

  absl::Status Unclosed(absl::string_view what, size_t at) const {
    return absl::InvalidArgumentError(absl::StrCat(what, " opened at ", at, " is not closed in: ", text_));
  }

  absl::Status SkipString() {
    const char quote = text_[i_];
    const size_t start = i_++;
    while (i_ < text_.size() && text_[i_] != quote) {
      if (text_[i_] == '\\' && quote != '`') ++i_;
      ++i_;
    }
    if (i_ >= text_.size()) return Unclosed("a string", start);
    ++i_;
    return absl::OkStatus();
  }

  absl::Status SkipTo(char close) {
    const size_t start = i_;
    while (i_ < text_.size() && text_[i_] != close) ++i_;
    if (i_ >= text_.size()) return Unclosed(absl::StrCat("'", std::string(1, text_[start]), "'"), start);
    ++i_;
    return absl::OkStatus();
  }

  // $var, ${var}, $__rate_interval.
  void SkipVariable() {
    ++i_;
    if (i_ < text_.size() && text_[i_] == '{') {
      while (i_ < text_.size() && text_[i_] != '}') ++i_;
      if (i_ < text_.size()) ++i_;
      return;
    }
    while (i_ < text_.size() && IsIdentifierChar(text_[i_]) && text_[i_] != ':') ++i_;
  }

  void SkipSpaces() {
    while (i_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[i_]))) ++i_;
  }

  std::string Identifier() {
    const size_t start = i_;
    while (i_ < text_.size() && IsIdentifierChar(text_[i_])) ++i_;
    return std::string(text_.substr(start, i_ - start));
  }

  // `{label="v", other=~"w"}` after `last_metric_` (or alone).
  absl::Status ReadMatchers() {
    const size_t start = i_++;
    std::set<std::string>& labels = refs_.selector_labels[last_metric_];
    while (true) {
      SkipSpaces();
      if (i_ >= text_.size()) return Unclosed("'{'", start);
      const char c = text_[i_];
      if (c == '}') break;
      if (c == '"' || c == '\'' || c == '`') {
        RETURN_IF_ERROR(SkipString());
      } else if (c == '$') {
        SkipVariable();
      } else if (IsIdentifierStart(c)) {
        std::string name = Identifier();
        SkipSpaces();
        if (i_ < text_.size() && (text_[i_] == '=' || text_[i_] == '!')) labels.insert(name);
      } else {
        ++i_;
      }
    }
    ++i_;
    if (labels.empty()) refs_.selector_labels.erase(last_metric_);
    last_metric_.clear();
    return absl::OkStatus();
  }

  absl::Status ReadIdentifier() {
    std::string word = Identifier();
    SkipSpaces();
    const bool call = i_ < text_.size() && text_[i_] == '(';
    if (GroupingKeywords().count(word) > 0) {
      if (call) {
        const size_t start = i_++;
        while (true) {
          SkipSpaces();
          if (i_ >= text_.size()) return Unclosed("'('", start);
          if (text_[i_] == ')') break;
          if (text_[i_] == '$') {
            SkipVariable();
          } else if (IsIdentifierStart(text_[i_])) {
            refs_.grouping_labels.insert(Identifier());
          } else {
            ++i_;
          }
        }
        ++i_;
      }
      last_metric_.clear();
      return absl::OkStatus();
    }
    if (call || Keywords().count(word) > 0) {
      last_metric_.clear();
      return absl::OkStatus();
    }
    refs_.metrics.insert(word);
    last_metric_ = word;
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t i_ = 0;
  // The metric a '{' right here belongs to ("" when none).
  std::string last_metric_;
  MetricReferences refs_;
};

// The arguments of `name(...)` at the start of `text` split at top-level commas; nullopt when
// `text` is not such a call.
std::optional<std::vector<std::string>> CallArguments(absl::string_view text, absl::string_view name) {
  text = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, name)) return std::nullopt;
  text = absl::StripLeadingAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, "(") || !absl::ConsumeSuffix(&text, ")")) return std::nullopt;
  std::vector<std::string> args;
  int depth = 0;
  char quote = 0;
  std::string current;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '{' || c == '[') {
      ++depth;
    } else if (c == ')' || c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      args.push_back(std::string(absl::StripAsciiWhitespace(current)));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  args.push_back(std::string(absl::StripAsciiWhitespace(current)));
  return args;
}

void CollectExpressions(const nlohmann::json& node, std::vector<std::string>& expressions,
                        std::vector<std::string>& variable_queries, bool in_templating) {
  if (node.is_array()) {
    for (const nlohmann::json& item : node) CollectExpressions(item, expressions, variable_queries, in_templating);
    return;
  }
  if (!node.is_object()) return;
  // Only a variable of type query holds PromQL (an interval's or a custom variable's is a list).
  const bool promql_variable = !node.contains("type") || node["type"] == "query";
  for (const auto& [key, value] : node.items()) {
    if (in_templating && !promql_variable && (key == "query" || key == "definition")) continue;
    if (key == "expr" && value.is_string()) {
      expressions.push_back(value.get<std::string>());
    } else if (in_templating && key == "query" && value.is_string()) {
      variable_queries.push_back(value.get<std::string>());
    } else if (in_templating && key == "query" && value.is_object() && value.contains("query") &&
               value["query"].is_string()) {
      variable_queries.push_back(value["query"].get<std::string>());
    } else if (in_templating && key == "definition" && value.is_string()) {
      variable_queries.push_back(value.get<std::string>());
    } else {
      CollectExpressions(value, expressions, variable_queries, in_templating || key == "templating");
    }
  }
}

}  // namespace

void MetricReferences::Merge(const MetricReferences& other) {
  metrics.insert(other.metrics.begin(), other.metrics.end());
  for (const auto& [metric, labels] : other.selector_labels) {
    selector_labels[metric].insert(labels.begin(), labels.end());
  }
  grouping_labels.insert(other.grouping_labels.begin(), other.grouping_labels.end());
}

absl::StatusOr<MetricReferences> ReferencesOf(absl::string_view expression) { return Reader(expression).Read(); }

absl::StatusOr<MetricReferences> ReferencesOfVariableQuery(absl::string_view query) {
  if (std::optional<std::vector<std::string>> args = CallArguments(query, "label_values")) {
    if (args->size() == 1) {
      MetricReferences refs;
      if (!(*args)[0].empty()) refs.grouping_labels.insert((*args)[0]);
      return refs;
    }
    if (args->size() != 2 || (*args)[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("label_values takes (metric, label) or (label): ", query));
    }
    ASSIGN_OR_RETURN(MetricReferences refs, ReferencesOf((*args)[0]));
    for (const std::string& metric : refs.metrics) refs.selector_labels[metric].insert((*args)[1]);
    return refs;
  }
  for (absl::string_view call : {"query_result", "metrics"}) {
    if (std::optional<std::vector<std::string>> args = CallArguments(query, call)) {
      if (call == "metrics") return MetricReferences{};  // a regular expression over names
      return ReferencesOf(absl::StripAsciiWhitespace(absl::StripPrefix(absl::StripAsciiWhitespace(query), call)));
    }
  }
  return ReferencesOf(query);
}

absl::StatusOr<std::vector<DashboardExpression>> ExpressionsOfDashboard(const nlohmann::json& dashboard) {
  std::vector<std::string> expressions, variable_queries;
  CollectExpressions(dashboard, expressions, variable_queries, false);
  std::vector<DashboardExpression> all;
  for (const std::string& expression : expressions) {
    ASSIGN_OR_RETURN(MetricReferences refs, ReferencesOf(expression));
    all.push_back({expression, std::move(refs)});
  }
  for (const std::string& query : variable_queries) {
    ASSIGN_OR_RETURN(MetricReferences refs, ReferencesOfVariableQuery(query));
    all.push_back({query, std::move(refs)});
  }
  return all;
}

}  // namespace himaya::e2e
