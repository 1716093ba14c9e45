#include "seal/refusal.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace himaya::seal {
namespace {

constexpr absl::string_view kRefusalPayload = "type.himaya/seal.Refusal";

constexpr Refusal kAllRefusals[] = {Refusal::kMalformed, Refusal::kUnknownKey, Refusal::kBadSignature,
                                    Refusal::kExpired, Refusal::kNotYetValid};

absl::StatusCode CodeOf(Refusal refusal) {
  switch (refusal) {
    case Refusal::kMalformed:
      return absl::StatusCode::kInvalidArgument;
    case Refusal::kUnknownKey:
      return absl::StatusCode::kNotFound;
    case Refusal::kBadSignature:
      return absl::StatusCode::kUnauthenticated;
    case Refusal::kExpired:
    case Refusal::kNotYetValid:
      return absl::StatusCode::kFailedPrecondition;
  }
  return absl::StatusCode::kInternal;
}

}  // namespace

absl::string_view RefusalName(Refusal refusal) {
  switch (refusal) {
    case Refusal::kMalformed:
      return "MALFORMED";
    case Refusal::kUnknownKey:
      return "UNKNOWN_KEY";
    case Refusal::kBadSignature:
      return "BAD_SIGNATURE";
    case Refusal::kExpired:
      return "EXPIRED";
    case Refusal::kNotYetValid:
      return "NOT_YET_VALID";
  }
  return "UNKNOWN_REFUSAL";
}

absl::Status Refuse(Refusal refusal, absl::string_view detail) {
  absl::Status status(CodeOf(refusal), absl::StrCat(RefusalName(refusal), ": ", detail));
  status.SetPayload(kRefusalPayload, absl::Cord(RefusalName(refusal)));
  return status;
}

std::optional<Refusal> RefusalOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kRefusalPayload);  // absl::optional<absl::Cord>
  if (!payload) return std::nullopt;
  for (Refusal refusal : kAllRefusals) {
    if (*payload == RefusalName(refusal)) return refusal;
  }
  return std::nullopt;
}

}  // namespace himaya::seal
