// Building and opening event envelopes (himaya.events.v1.Envelope).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/clock.h"
#include "core/random.h"
#include "google/protobuf/message.h"
#include "himaya/events/v1/envelope.pb.h"

namespace himaya::events {

using Envelope = ::himaya::events::v1::Envelope;

// Who produces an event and with what sources of time and identity.
struct EventSource {
  std::string producer;  // the service's name
  const core::Clock* clock;
  core::RandomSource* random;
};

// Wraps `payload` with a fresh event_id, its type name, the program and the aggregate.
Envelope NewEnvelope(const EventSource& source, const google::protobuf::Message& payload, absl::string_view program,
                     absl::string_view aggregate_id);

// Returns the full protobuf name of an event type, e.g. "himaya.registration.v1.PersonRegistered".
template <typename Event>
std::string EventType() {
  return Event::descriptor()->full_name();
}

// Unpacks the payload as `Event`. INVALID_ARGUMENT when the envelope holds another type or
// bytes that do not parse.
template <typename Event>
absl::StatusOr<Event> Unpack(const Envelope& envelope) {
  Event event;
  if (!envelope.payload().Is<Event>() || !envelope.payload().UnpackTo(&event)) {
    return absl::InvalidArgumentError("envelope: payload is not " + EventType<Event>());
  }
  return event;
}

// Parses serialized envelope bytes and checks the mandatory fields. INVALID_ARGUMENT otherwise.
absl::StatusOr<Envelope> ParseEnvelope(absl::string_view bytes);

}  // namespace himaya::events
