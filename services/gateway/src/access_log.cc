#include "gateway/src/access_log.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace himaya::gateway {
namespace {

// A page token: "<at_us>~<record_id>" of the last record given.
std::string TokenOf(const AccessRecord& last) { return absl::StrCat(absl::ToUnixMicros(last.at), "~", last.record_id); }

absl::StatusOr<std::optional<AccessCursor>> CursorOf(absl::string_view token) {
  if (token.empty()) return std::nullopt;
  const size_t tilde = token.find('~');
  int64_t at_us = 0;
  if (tilde == absl::string_view::npos || !absl::SimpleAtoi(token.substr(0, tilde), &at_us) ||
      token.size() - tilde - 1 != 36) {
    return absl::InvalidArgumentError("page_token: not a token this list gave");
  }
  return AccessCursor{absl::FromUnixMicros(at_us), std::string(token.substr(tilde + 1))};
}

}  // namespace

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
  ASSIGN_OR_RETURN(std::optional<AccessCursor> after, CursorOf(page_token));
  AccessPage page;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    // One more than asked tells whether another page follows.
    ASSIGN_OR_RETURN(page.records, AccessRecordStore::List(tx, filter, after, page_size + 1));
    return absl::OkStatus();
  }));
  if (static_cast<int>(page.records.size()) > page_size) {
    page.records.resize(page_size);
    page.next_page_token = TokenOf(page.records.back());
  }
  return page;
}

}  // namespace himaya::gateway
