#include "gateway_e2e.h"

#include <filesystem>
#include <fstream>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "claims_e2e.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"
#include "stack/local_sms.h"
#include "testing/command.h"

namespace himaya::e2e {

std::string GatewayAddress(const stack::LocalStack& stack) { return stack.endpoint("gateway").http; }

absl::StatusOr<std::string> ActivationCodeFromSms(const std::string& data_dir, const std::string& registration_number,
                                                  absl::Duration timeout, const std::vector<std::string>& not_these) {
  std::string code;
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        absl::StatusOr<std::string> last = stack::LastActivationCode(data_dir, registration_number);
        if (!last.ok() || absl::c_linear_search(not_these, *last)) return false;
        code = *last;
        return true;
      },
      timeout, absl::StrCat("an activation SMS for ", registration_number)));
  return code;
}

absl::Status AddAgent(const stack::LocalStack& stack, const std::string& dir, const std::string& agent_id,
                      const std::string& roles, const std::string& password) {
  std::filesystem::create_directories(dir);
  const std::string password_file = absl::StrCat(dir, "/", agent_id, ".password");
  std::ofstream(password_file) << password << "\n";
  testing::CommandRun added = testing::RunCommand(
      {.argv = {stack::DefaultBinDir() + "/himaya", "agent", "add", agent_id, "--name=" + agent_id, "--roles=" + roles,
                "--password_file=" + password_file, "--data_dir=" + stack.data_dir()}},
      absl::StrCat(dir, "/agent-add-", agent_id), absl::Seconds(60));
  if (added.code != 0) return absl::InternalError(absl::StrCat("himaya agent add ", agent_id, ": ", added.err));
  return absl::OkStatus();
}

absl::StatusOr<std::string> AddApiKey(const stack::LocalStack& stack, const std::string& dir, const std::string& client,
                                      const std::string& scopes) {
  std::filesystem::create_directories(dir);
  testing::CommandRun added =
      testing::RunCommand({.argv = {stack::DefaultBinDir() + "/himaya", "apikey", "add", client, "--scopes=" + scopes,
                                    "--output=json", "--data_dir=" + stack.data_dir()}},
                          absl::StrCat(dir, "/apikey-add-", client), absl::Seconds(60));
  if (added.code != 0) return absl::InternalError(absl::StrCat("himaya apikey add ", client, ": ", added.err));
  nlohmann::json keys = nlohmann::json::parse(added.out, nullptr, false);
  if (!keys.is_array() || keys.size() != 1 || !keys[0]["key"].is_string()) {
    return absl::InternalError(absl::StrCat("himaya apikey add ", client, " printed no key: ", added.out));
  }
  return absl::StrCat("ApiKey ", keys[0]["key"].get<std::string>());
}

std::vector<std::string> LogsHolding(const std::string& data_dir, const std::string& text) {
  std::vector<std::string> holding;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/logs")) {
    if (testing::ReadWholeFile(entry.path().string()).find(text) != std::string::npos) {
      holding.push_back(entry.path().string());
    }
  }
  return holding;
}

int LogFileCount(const std::string& data_dir) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(data_dir + "/logs")) ++count;
  return count;
}

absl::StatusOr<GatewayAnswer> Activate(GatewayClient& client, const std::string& registration_number,
                                       const std::string& code, const std::string& password) {
  return client.Post("/v1/accounts:activate",
                     {{"registration_number", registration_number}, {"code", code}, {"password", password}});
}

absl::StatusOr<GatewayAnswer> LogIn(GatewayClient& client, const std::string& registration_number,
                                    const std::string& password) {
  return client.Post("/v1/sessions", {{"registration_number", registration_number}, {"password", password}});
}

nlohmann::json PortalClaim(const std::string& beneficiary, const std::string& act, int quantity,
                           int64_t paid_centimes) {
  return {{"items",
           {{{"beneficiary_id", beneficiary},
             {"care_date", CasablancaToday()},
             {"act_code", act},
             {"quantity", quantity},
             {"amount_paid_centimes", paid_centimes}}}}};
}

absl::StatusOr<std::vector<PortalInsured>> ActivatedInsured(const stack::LocalStack& stack, const std::string& dir,
                                                            int count, uint64_t seed, const std::string& language) {
  ASSIGN_OR_RETURN(std::vector<std::string> numbers, RegisterInsured(stack, dir, count, seed, language));
  GatewayClient client(GatewayAddress(stack));
  std::vector<PortalInsured> insured;
  for (const std::string& number : numbers) {
    ASSIGN_OR_RETURN(std::string code, ActivationCodeFromSms(stack.data_dir(), number, absl::Seconds(60)));
    ASSIGN_OR_RETURN(GatewayAnswer activated, Activate(client, number, code, kTestPassword));
    if (activated.status != 200) {
      return absl::InternalError(absl::StrCat("activating ", number, ": HTTP ", activated.status, " ", activated.body));
    }
    insured.push_back({number, kTestPassword, code});
  }
  return insured;
}

}  // namespace himaya::e2e
