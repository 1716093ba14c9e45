#include "stack/local_sms.h"

#include <fstream>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace himaya::stack {

std::vector<SentSms> ReadSentSms(const std::string& data_dir) {
  std::vector<SentSms> sent;
  std::ifstream in(data_dir + "/sms.jsonl");
  for (std::string line; std::getline(in, line);) {
    nlohmann::json sms = nlohmann::json::parse(line, nullptr, false);
    if (!sms.is_object() || !sms["text"].is_string()) continue;
    auto text_of = [&sms](const char* key) { return sms[key].is_string() ? sms[key].get<std::string>() : ""; };
    sent.push_back({text_of("message_id"), text_of("to"), text_of("text")});
  }
  return sent;
}

absl::StatusOr<std::string> LastActivationCode(const std::string& data_dir, const std::string& registration_number) {
  static const std::regex kCode("[0-9A-Z]{4}-[0-9A-Z]{4}");
  std::vector<SentSms> sent = ReadSentSms(data_dir);
  for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
    std::smatch match;
    if (absl::StrContains(it->text, registration_number) && std::regex_search(it->text, match, kCode)) {
      return match[0].str();
    }
  }
  return absl::NotFoundError(absl::StrCat("no activation SMS sent for ", registration_number));
}

}  // namespace himaya::stack
