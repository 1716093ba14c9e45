#include "notification/src/file_sink_provider.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

namespace himaya::notification {

absl::StatusOr<std::string> FileSinkProvider::Submit(const OutgoingSms& sms) {
  {
    absl::MutexLock lock(&append_mu_);
    std::ofstream out(path_, std::ios::app);
    if (!out) return absl::UnavailableError(absl::StrCat("sms sink: cannot write ", path_));
    nlohmann::json line = {{"message_id", sms.message_id},
                           {"to", sms.to},
                           {"text", sms.text},
                           {"encoding", sms.encoding == SmsEncoding::kGsm7 ? "gsm7" : "ucs2"},
                           {"parts", MeasureSms(sms.text).parts}};
    // Invalid UTF-8 is replaced, not thrown (dump's default).
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("sms sink: cannot write ", path_));
  }
  if (reports_ != nullptr) reports_->OnDeliveryReport(sms.message_id, true, "").IgnoreError();
  return sms.message_id;
}

}  // namespace himaya::notification
