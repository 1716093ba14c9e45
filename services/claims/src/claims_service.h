// The gRPC face of claims (ClaimsService): translates requests into calls of the domain classes
// and their answers into protos, mapping Status at the edge. A refusal's code also goes in the
// trailing metadata `himaya-reason`. It holds no rules and reads no database.
#pragma once

#include "core/thread_pool.h"
#include "himaya/claims/v1/claims.grpc.pb.h"

namespace himaya::claims {

// The trailing metadata key that carries a refusal's code.
inline constexpr char kReasonMetadata[] = "himaya-reason";

class ClaimsService final : public v1::ClaimsService::CallbackService {
 public:
  explicit ClaimsService(core::ThreadPool& pool);

 private:
  [[maybe_unused]] core::ThreadPool& pool_;
};

}  // namespace himaya::claims
