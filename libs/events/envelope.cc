#include "events/envelope.h"

#include "google/protobuf/util/time_util.h"

namespace himaya::events {

Envelope NewEnvelope(const EventSource& source, const google::protobuf::Message& payload, absl::string_view program,
                     absl::string_view aggregate_id) {
  Envelope envelope;
  envelope.set_event_id(core::NewTimeOrderedUuid(*source.clock, *source.random));
  envelope.set_type(payload.GetDescriptor()->full_name());
  envelope.set_program(std::string(program));
  envelope.set_aggregate_id(std::string(aggregate_id));
  *envelope.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(source.clock->Now()));
  envelope.set_producer(source.producer);
  envelope.mutable_payload()->PackFrom(payload);
  return envelope;
}

absl::StatusOr<Envelope> ParseEnvelope(absl::string_view bytes) {
  Envelope envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("envelope: bytes do not parse");
  }
  if (envelope.event_id().empty()) return absl::InvalidArgumentError("envelope: no event_id");
  if (envelope.type().empty()) return absl::InvalidArgumentError("envelope: no type");
  return envelope;
}

}  // namespace himaya::events
