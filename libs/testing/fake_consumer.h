// A consumer standing in for Kafka (events::Consumer): a test hands it messages and it gives them
// to the handler as a consumer group member would, in order, a batch at a time, on the test's
// thread. It remembers whether it was started and stopped.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "events/consumer.h"

namespace himaya::testing {

class FakeConsumer final : public events::Consumer {
 public:
  explicit FakeConsumer(events::MessageHandler& handler) : handler_(handler) {}
  void Start() override { started_ = true; }
  void Stop() override { stopped_ = true; }

  // Hands `messages` to the handler as one batch, as a started consumer does. Returns OK when
  // every one was handled; otherwise the handler's error for the first one not handled (a real
  // consumer would retry from it). FAILED_PRECONDITION when not started, or stopped.
  absl::Status Deliver(const std::vector<events::ConsumedMessage>& messages) {
    if (!started_ || stopped_) return absl::FailedPreconditionError("the consumer is not running");
    absl::Status error;
    const size_t handled = handler_.HandleBatch(messages, &error);
    return handled == messages.size() ? absl::OkStatus() : error;
  }
  bool started() const { return started_; }
  bool stopped() const { return stopped_; }

 private:
  events::MessageHandler& handler_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace himaya::testing
