// The embedded stack's SMS provider: each SMS is appended as a JSON line to a file (the phone
// of a local stack, so `himaya up` shows what it would send), and reported delivered at once.
// Development only: the lines hold the texts, activation codes included.
#pragma once

#include <mutex>
#include <string>

#include "notification/src/sms_provider.h"

namespace himaya::notification {

class FileSinkProvider final : public SmsProvider {
 public:
  FileSinkProvider(std::string path, DeliveryReportSink* reports) : path_(std::move(path)), reports_(reports) {}
  std::string name() const override { return "file"; }
  absl::StatusOr<std::string> Submit(const OutgoingSms& sms) override;

 private:
  std::string path_;
  DeliveryReportSink* reports_;
  std::mutex mu_;
};

}  // namespace himaya::notification
