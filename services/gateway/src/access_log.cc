#include "gateway/src/access_log.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "gateway/src/credential_text.h"

namespace himaya::gateway {

std::string ReaderOf(const Caller& caller) {
  return caller.kind == CallerKind::kApiClient ? absl::StrCat(kClientReaderPrefix, caller.subject) : caller.subject;
}

absl::Status AccessLog::Record(const Caller& agent, absl::string_view action, absl::string_view subject,
                               absl::string_view reason, absl::string_view request_id) {
  if ((agent.kind != CallerKind::kAgent && agent.kind != CallerKind::kApiClient) || agent.subject.empty()) {
    return absl::InvalidArgumentError("only agents' and API clients' reads are audited");
  }
  if (reason.empty()) return absl::InvalidArgumentError("x-himaya-reason: required for this read");
  if (reason.size() > kMaxReasonLength) {
    return absl::InvalidArgumentError(absl::StrCat("x-himaya-reason: at most ", kMaxReasonLength, " characters"));
  }
  AccessRecord record{core::NewUuid(random_), clock_.Now(),        ReaderOf(agent),        std::string(action),
                      std::string(subject),   std::string(reason), std::string(request_id)};
  return db_.Write([&](storage::Transaction& tx) { return AccessRecordStore::Insert(tx, record); });
}

absl::StatusOr<AccessPage> AccessLog::List(const AccessFilter& filter, int page_size, absl::string_view page_token) {
  if (page_size < 0 || page_size > kMaxAccessPage) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: 0 to ", kMaxAccessPage));
  }
  if (page_size == 0) page_size = kDefaultAccessPage;
  ASSIGN_OR_RETURN(std::optional<AccessCursor> after, AccessCursorOf(page_token));
  AccessPage page;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    // One more than asked tells whether another page follows.
    ASSIGN_OR_RETURN(page.records, AccessRecordStore::List(tx, filter, after, page_size + 1));
    return absl::OkStatus();
  }));
  if (static_cast<int>(page.records.size()) > page_size) {
    page.records.resize(page_size);
    page.next_page_token = AccessPageToken({page.records.back().at, page.records.back().record_id});
  }
  return page;
}

}  // namespace himaya::gateway
