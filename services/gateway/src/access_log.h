// The access audit log (Law 09-08): every read of a person's data by an agent, or by a partner
// through FHIR, is written, durably, before it is answered (AccessAudit), and read back newest
// first by `himaya audit`.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/clock.h"
#include "core/random.h"
#include "gateway/src/access_record_store.h"
#include "gateway/src/pipeline_parts.h"
#include "storage/database.h"

namespace himaya::gateway {

inline constexpr int kDefaultAccessPage = 50;
inline constexpr int kMaxAccessPage = 500;
// The longest reason kept; a longer one is refused.
inline constexpr size_t kMaxReasonLength = 500;

// Who read, as recorded (the agent column): an agent's id, or "client:<client_id>" for an API
// client (agents' ids have no ':', so neither is taken for the other).
inline constexpr char kClientReaderPrefix[] = "client:";
std::string ReaderOf(const Caller& caller);

struct AccessPage {
  std::vector<AccessRecord> records;
  // Empty on the last page.
  std::string next_page_token;
};

class AccessLog final : public AccessAudit {
 public:
  AccessLog(storage::Database& db, const core::Clock& clock, core::RandomSource& random)
      : db_(db), clock_(clock), random_(random) {}

  // Commits the record before returning, under ReaderOf(agent). INVALID_ARGUMENT when the caller
  // is not an agent or an API client, or the reason is empty or longer than kMaxReasonLength (the
  // read is then refused).
  absl::Status Record(const Caller& agent, absl::string_view action, absl::string_view subject,
                      absl::string_view reason, absl::string_view request_id) override;

  // Records matching `filter`, newest first. `page_size` 0 is kDefaultAccessPage; INVALID_ARGUMENT
  // for a size outside 0..kMaxAccessPage or a token this log did not give.
  absl::StatusOr<AccessPage> List(const AccessFilter& filter, int page_size, absl::string_view page_token);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  core::RandomSource& random_;
};

}  // namespace himaya::gateway
