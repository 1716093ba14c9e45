// What consuming events needs: a consumer group member that hands messages, in order, to a
// MessageHandler (the inbox) on its own thread until stopped, storing a message's offset only
// once its handler is done with it. KafkaConsumer (events/kafka.h) implements it with librdkafka;
// testing::FakeConsumer (testing/fake_consumer.h) hands a test's messages to a handler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace himaya::events {

struct ConsumedMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
};

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // Handles one message. OK: done (the offset is stored). An error: the same message is
  // retried after a back-off, so a handler records permanent failures itself and returns OK.
  virtual absl::Status Handle(const ConsumedMessage& message) = 0;
  // Handles messages that arrived together, in order. Returns how many from the front are done
  // (their offsets are stored); when fewer than all, `error` says why the next one failed and
  // the consumer retries from it after a back-off. By default, one at a time.
  virtual size_t HandleBatch(const std::vector<ConsumedMessage>& messages, absl::Status* error) {
    for (size_t i = 0; i < messages.size(); ++i) {
      if (absl::Status s = Handle(messages[i]); !s.ok()) {
        *error = s;
        return i;
      }
    }
    return messages.size();
  }
};

// A consumer group member running on its own thread.
class Consumer {
 public:
  // Stops.
  virtual ~Consumer() = default;
  // Starts handing messages to the handler.
  virtual void Start() = 0;
  // Stops after the batch in hand; idempotent.
  virtual void Stop() = 0;
};

}  // namespace himaya::events
