#include "claims/src/claims_service.h"

namespace himaya::claims {

ClaimsService::ClaimsService(core::ThreadPool& pool) : pool_(pool) {}

}  // namespace himaya::claims
