// The callers, rate limits, access audit and parts of the gateway's pipeline tests (gateway_http_test,
// fhir_pipeline_test, audited_routes_test): who calls is named by a test header, a few names are
// rate limited, and the services behind answer on one in-process gRPC server.
#pragma once

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gateway/src/gateway.h"
#include "gateway/src/pipeline_parts.h"
#include "rpc/client.h"

namespace himaya::gateway {

// The caller named by the header X-Test-Caller: "insured:<number>", "agent:<id>:<role>",
// "key:<client>:<scope>" (an API client), or nobody; the session cookie "live" is the insured
// 123456782's session. "forged" (an unknown key) and the session cookie "stale" are dead
// credentials (UNAUTHENTICATED).
class HeaderAuthenticator : public Authenticator {
 public:
  absl::StatusOr<Caller> Authenticate(const HttpRequest& request) override {
    Caller caller;
    caller.client = "ip:" + request.peer;
    const std::string who = request.Header("x-test-caller");
    if (who == "forged" || request.Cookie(kSessionCookie) == "stale") {
      return absl::UnauthenticatedError("unknown credential");
    }
    if (request.Cookie(kSessionCookie) == "live") {
      caller.kind = CallerKind::kInsured;
      caller.subject = "123456782";
      caller.session_key = "live-key";
      return caller;
    }
    std::vector<std::string> parts = absl::StrSplit(who, ':');
    if (parts.size() >= 2 && parts[0] == "insured") {
      caller.kind = CallerKind::kInsured;
      caller.subject = parts[1];
    } else if (parts.size() == 3 && parts[0] == "agent") {
      caller.kind = CallerKind::kAgent;
      caller.subject = parts[1];
      caller.roles = {parts[2]};
    } else if (parts.size() == 3 && parts[0] == "key") {
      caller.kind = CallerKind::kApiClient;
      caller.subject = parts[1];
      caller.roles = {parts[2]};
      caller.client = "key:" + parts[1];
    }
    return caller;
  }
};

// Limits the caller whose subject is "limited" (7 s) and the client LimitClient names (5 s);
// remembers the class of the last request.
class TestRateLimits : public RateLimits {
 public:
  absl::Duration Admit(const Caller& caller, RateClass rate_class) override {
    absl::MutexLock lock(&mu_);
    last_class_ = rate_class;
    if (caller.client == limited_client_) return absl::Seconds(5);
    return caller.subject == "limited" ? absl::Seconds(7) : absl::ZeroDuration();
  }
  void LimitClient(std::string client) {
    absl::MutexLock lock(&mu_);
    limited_client_ = std::move(client);
  }
  RateClass last_class() {
    absl::MutexLock lock(&mu_);
    return last_class_;
  }

 private:
  absl::Mutex mu_;
  RateClass last_class_ ABSL_GUARDED_BY(mu_) = RateClass::kOrdinary;
  std::string limited_client_ ABSL_GUARDED_BY(mu_);
};

// Keeps "<who> <action> <subject> <reason>" of each record (who: the caller's subject); refuses
// them all once told to.
class RecordingAudit final : public AccessAudit {
 public:
  absl::Status Record(const Caller& agent, absl::string_view action, absl::string_view subject,
                      absl::string_view reason, absl::string_view) override {
    absl::MutexLock lock(&mu_);
    if (refuse_) return absl::UnavailableError("audit store down");
    records_.push_back(absl::StrCat(agent.subject, " ", action, " ", subject, " ", reason));
    return absl::OkStatus();
  }
  void Refuse() {
    absl::MutexLock lock(&mu_);
    refuse_ = true;
  }
  std::vector<std::string> records() {
    absl::MutexLock lock(&mu_);
    return records_;
  }

 private:
  absl::Mutex mu_;
  bool refuse_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::string> records_ ABSL_GUARDED_BY(mu_);
};

// The parts of a pipeline whose services behind all answer on `backend_port` (5 s deadline).
inline GatewayParts TestParts(int backend_port, Authenticator* authenticator, RateLimits* rate_limits,
                              AccessAudit* audit) {
  GatewayParts parts;
  parts.authenticator = authenticator;
  parts.rate_limits = rate_limits;
  parts.access_audit = audit;
  auto channel = rpc::NewChannel(absl::StrCat("127.0.0.1:", backend_port));
  parts.backends = {channel, channel, channel, absl::Seconds(5)};
  return parts;
}

}  // namespace himaya::gateway
