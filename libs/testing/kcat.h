// Reading a topic back with kcat, a Kafka client independent of the suite's own (the Debian
// package kcat), so that end-to-end tests see what really is on the broker.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace himaya::testing {

// One message of a topic, as kcat read it.
struct KcatRecord {
  std::string key;
  std::string value;
};

// The output format ReadTopicWithKcat asks kcat for: each message as its key's length, ':', the
// key, its value's length, ':', the value (lengths are -1 for a null key or value). Lengths
// rather than separators: keys and values may hold any byte.
inline constexpr char kKcatFormat[] = "%K:%k%S:%s";

// Parses kcat's output in kKcatFormat into its messages, in order. DATA_LOSS for output of
// another shape (a length that is not a number, or longer than what follows).
absl::StatusOr<std::vector<KcatRecord>> ParseKcatOutput(absl::string_view output);

// Every message on `topic` of the broker at `bootstrap`, read from the beginning to the end of
// each partition by kcat. UNAVAILABLE when kcat cannot be run (install the Debian package
// 'kcat') or fails (its error output quoted), DEADLINE_EXCEEDED when it has not ended by
// `timeout`.
absl::StatusOr<std::vector<KcatRecord>> ReadTopicWithKcat(const std::string& bootstrap, const std::string& topic,
                                                          absl::Duration timeout = absl::Seconds(60));

}  // namespace himaya::testing
