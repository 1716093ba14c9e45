// Fakes of what the dispatcher talks to, for the tests that send: an SMS provider that keeps
// what it is given, and a directory of persons' phones (and languages) that registration would
// give.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "notification/src/person_directory.h"
#include "notification/src/sms_provider.h"

namespace himaya::notification {

// Thread-safe, as the dispatcher sends from several threads (in no set order within a pass).
class FakeProvider final : public SmsProvider {
 public:
  std::string name() const override { return "fake"; }
  absl::StatusOr<std::string> Submit(const OutgoingSms& sms) override {
    std::lock_guard<std::mutex> lock(mu);
    if (fail_next > 0) {
      --fail_next;
      return failure;
    }
    sent.push_back(sms);
    sent_cv.notify_all();
    return absl::StrCat("p-", sent.size());
  }
  // Waits until `n` SMS were sent, for 10 seconds at most; returns whether they were.
  bool AwaitSent(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return sent_cv.wait_for(lock, std::chrono::seconds(10), [&] { return sent.size() >= n; });
  }
  std::mutex mu;
  std::condition_variable sent_cv;
  std::vector<OutgoingSms> sent;
  int fail_next = 0;
  absl::Status failure = absl::UnavailableError("smsc link down");
};

class FakeDirectory final : public PersonDirectory {
 public:
  std::vector<PreparedRecipient> Prepare(const std::vector<RecipientQuery>& queries) override {
    batches.push_back(queries.size());
    std::vector<PreparedRecipient> out;
    for (const RecipientQuery& q : queries) {
      PreparedRecipient p;
      auto it = phones.find(q.registration_number);
      if (!down.ok()) {
        p.status = down;
      } else if (it == phones.end()) {
        p.status = absl::NotFoundError("unknown");
      } else {
        auto language = languages.find(q.registration_number);
        p.recipient = {it->second, language == languages.end() ? "fr" : language->second};
        if (q.activation_code) p.activation_code = absl::StrCat("CODE-", ++codes_issued);
      }
      out.push_back(std::move(p));
    }
    return out;
  }
  std::map<std::string, std::string> phones;
  std::map<std::string, std::string> languages;  // registration's preferred language; fr if absent
  std::atomic<int> codes_issued{0};
  std::vector<size_t> batches;  // the number of queries of each call
  absl::Status down;            // registration cannot answer
};

}  // namespace himaya::notification
