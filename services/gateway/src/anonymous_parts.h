// Stand-ins for the parts of the pipeline that know callers, until sessions and API keys are
// wired (pipeline_parts.h): every caller is anonymous (so INSURED, AGENT and API_KEY routes
// answer 401), nobody is rate limited, and the access audit records nothing (an audited read is
// refused, 503).
#pragma once

#include "absl/strings/str_cat.h"
#include "gateway/src/pipeline_parts.h"

namespace himaya::gateway {

class AnonymousAuthenticator : public Authenticator {
 public:
  absl::StatusOr<Caller> Authenticate(const HttpRequest& request) override {
    Caller caller;
    caller.client = absl::StrCat("ip:", request.peer);
    return caller;
  }
};

class UnlimitedRateLimits : public RateLimits {
 public:
  absl::Duration Admit(const Caller&, RateClass) override { return absl::ZeroDuration(); }
};

class NoAccessAudit : public AccessAudit {
 public:
  absl::Status Record(const Caller&, absl::string_view, absl::string_view, absl::string_view,
                      absl::string_view) override {
    return absl::UnavailableError("the access audit is not configured");
  }
};

}  // namespace himaya::gateway
