// The fixture of gateway_routes_e2e_test: one local stack for the whole binary (its cases are in
// gateway_*_routes_test.cc, by subject), started once by a global test environment with insured
// people whose portal accounts are open, agents and API keys made with the CLI, and limits high
// enough for the suite's own requests. Each case records the statuses each route answered
// (Saw) and the secrets it used (Secret); when the environment ends, every route of
// /openapi.json must have answered a success and an error (when every case ran), and no log of
// the stack may hold any of the secrets.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway_e2e.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "stack/local_stack.h"
#include "testing/temp_dir.h"

namespace himaya::e2e {

inline constexpr char kSupportPassword[] = "Support-Desk-Pass-1";
inline constexpr char kSupervisorPassword[] = "Supervisor-Pass-22";
// An agent only the lock-out case uses (it stays locked).
inline constexpr char kLockedAgentPassword[] = "Locked-Agent-Pass-3";

// Which of the suite's insured each subject uses, so that cases in any order do not meet.
enum InsuredRole {
  kReader = 0,           // reads and files claims (insured routes, FHIR)
  kFamily = 1,           // declares and removes a child
  kSubjectOfAgents = 2,  // read by agents, a claim in review, logged out
  kLockedOut = 3,        // wrong passwords until locked
  kInsuredCount = 4,
};

// A route of the OpenAPI document: "GET /v1/me/claims/{claim_id}".
using Route = std::string;

class GatewayRoutesTest : public ::testing::Test {
 public:
  void SetUp() override;

  static stack::LocalStack& Stack();
  static const std::string& Dir();
  static const PortalInsured& Insured(int i);
  // "ApiKey KEY" of the client ivr (scope ivr), clinic-atlas and clinic-rif (scope fhir).
  static const std::string& IvrKey();
  static const std::string& FhirKey();
  static const std::string& OtherFhirKey();

  static std::unique_ptr<GatewayClient> Client();
  // A client logged in as insured `i` (its cookie's token recorded as a secret).
  static std::unique_ptr<GatewayClient> InsuredClient(int i);
  static std::unique_ptr<GatewayClient> AgentClient(const std::string& agent, const std::string& password);

  // Records that `route` answered (the environment checks every route had a success and an
  // error) and returns the answer.
  static GatewayAnswer Saw(const Route& route, absl::StatusOr<GatewayAnswer> answer);
  // A string no log of the stack may hold (a password, a code, a token, a CIN, a phone).
  static void Secret(const std::string& secret);

  // The gateway's flags for the suite: limits high enough for its own requests.
  static std::vector<std::string> GatewayFlags();
  // Restarts the gateway with `flags` (sessions are in its database: they survive).
  static void RestartGateway(const std::vector<std::string>& flags);
};

// The error envelope: the status, the code, a message, the request id X-Request-Id also gives.
void ExpectEnvelope(const GatewayAnswer& answer, int status, const std::string& code);

}  // namespace himaya::e2e
