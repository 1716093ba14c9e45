// The embedded stack's SMS provider: each SMS is appended as a JSON line to a file (the phone
// of a local stack, so `himaya up` shows what it would send), and reported delivered at once.
// Development only: the lines hold the texts, activation codes included.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "notification/src/sms_provider.h"

namespace himaya::notification {

class FileSinkProvider final : public SmsProvider {
 public:
  FileSinkProvider(std::string path, DeliveryReportSink* reports) : path_(std::move(path)), reports_(reports) {}
  std::string name() const override { return "file"; }
  absl::StatusOr<std::string> Submit(const OutgoingSms& sms) override;

 private:
  const std::string path_;
  DeliveryReportSink* const reports_;
  // Sending threads append to the file one line at a time.
  absl::Mutex append_mu_;
};

}  // namespace himaya::notification
