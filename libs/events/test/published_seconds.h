// The events tests publish envelopes carrying a Timestamp: its seconds name each event.
#pragma once

#include <cstdint>
#include <vector>

#include "events/envelope.h"
#include "events/producer.h"
#include "google/protobuf/timestamp.pb.h"

namespace himaya::events {

// The seconds of each record's payload, in order.
inline std::vector<int64_t> Seconds(const std::vector<Record>& records) {
  std::vector<int64_t> out;
  for (const Record& r : records) {
    out.push_back(Unpack<google::protobuf::Timestamp>(*ParseEnvelope(r.value))->seconds());
  }
  return out;
}

}  // namespace himaya::events
