// What the gateway's end-to-end tests share (the routes, the crash, the portal's browser test):
// an HTTP client that keeps the session cookie as a browser does, the activation code read from
// the SMS the local stack sent, and an insured person registered by a liaison batch whose portal
// account is activated with a password and logged in, all through the gateway.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "stack/gateway_client.h"
#include "stack/local_stack.h"

namespace himaya::e2e {

// The password every insured of these tests chooses (12 characters at least).
inline constexpr char kTestPassword[] = "Jasmin-Settat-2026";

using stack::GatewayAnswer;
using stack::GatewayClient;

// The gateway's HTTP address (HOST:PORT) in a running stack.
std::string GatewayAddress(const stack::LocalStack& stack);

// The last activation code the local stack sent by SMS for `registration_number`
// (DATA_DIR/sms.jsonl), waiting up to `timeout` for a code other than each of `not_these`.
absl::StatusOr<std::string> ActivationCodeFromSms(const std::string& data_dir, const std::string& registration_number,
                                                  absl::Duration timeout,
                                                  const std::vector<std::string>& not_these = {});

// An agent added as an operator does, by `himaya agent add ID --name --roles` (roles
// comma-separated), the password given in a file under `dir`.
absl::Status AddAgent(const stack::LocalStack& stack, const std::string& dir, const std::string& agent_id,
                      const std::string& roles, const std::string& password);
// An API key made by `himaya apikey add CLIENT --scopes` (comma-separated): the value of the
// Authorization header that presents it ("ApiKey KEY_ID.SECRET").
absl::StatusOr<std::string> AddApiKey(const stack::LocalStack& stack, const std::string& dir, const std::string& client,
                                      const std::string& scopes);

// The log files of a stack (DATA_DIR/logs/*) that hold `text`.
std::vector<std::string> LogsHolding(const std::string& data_dir, const std::string& text);
// How many log files the stack wrote.
int LogFileCount(const std::string& data_dir);

// POST /v1/accounts:activate. The gateway's answer (200 when activated).
absl::StatusOr<GatewayAnswer> Activate(GatewayClient& client, const std::string& registration_number,
                                       const std::string& code, const std::string& password);
// POST /v1/sessions; the client keeps the cookie. The gateway's answer (201 when logged in).
absl::StatusOr<GatewayAnswer> LogIn(GatewayClient& client, const std::string& registration_number,
                                    const std::string& password);

// A claim of one item cared for today, as the portal files it (POST /v1/me/claims).
nlohmann::json PortalClaim(const std::string& beneficiary, const std::string& act, int quantity, int64_t paid_centimes);

// An insured person with a portal account.
struct PortalInsured {
  std::string registration_number;
  std::string password;
  // The code their account was activated with (spent).
  std::string code;
};

// `count` people registered by a liaison batch (in `language`, fr or ar) and known to
// beneficiary, each account activated with kTestPassword through the gateway from the code
// of their SMS. Not logged in.
absl::StatusOr<std::vector<PortalInsured>> ActivatedInsured(const stack::LocalStack& stack, const std::string& dir,
                                                            int count, uint64_t seed, const std::string& language);

}  // namespace himaya::e2e
