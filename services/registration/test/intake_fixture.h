// The fixture of registration's liaison intake tests (batch upload and applier, reports,
// coverage files, reviews, activation codes), on both backends: a registration database, a
// registrar, an applier of tiny chunks, and helpers to submit a batch, read its report and look
// at what was stored. Each test file derives its own fixture from IntakeTest and instantiates it.
#pragma once

#include <sodium.h>

#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/registration/v1/events.pb.h"
#include "identity/registration_number.h"
#include "liaison/manifested_csv.h"
#include "registration/src/activation_codes.h"
#include "registration/src/batch_applier.h"
#include "registration/src/batch_intake.h"
#include "registration/src/batch_reports.h"
#include "registration/src/batch_upload.h"
#include "registration/src/coverage_import.h"
#include "registration/src/registrar.h"
#include "registration/src/reviews.h"
#include "registration_database.h"
#include "registration_migrations.h"
#include "registration_reference_json.h"
#include "testing/backends.h"
#include "testing/fakes.h"
#include "testing/queries.h"

namespace himaya::registration {

inline liaison::Manifest ManifestFor(const std::string& csv, const std::string& id, const std::string& body,
                                     const std::string& program, int64_t rows) {
  liaison::Manifest m;
  m.batch_id = id;
  m.liaison_body = body;
  m.program = program;
  m.record_count = rows;
  m.sha256 = liaison::Sha256Hex(csv);
  return m;
}

// Runs `call` on `n` threads started together (concurrent guesses, requests): how many times
// each status code was returned.
inline std::map<absl::StatusCode, int> CallTogether(int n, const std::function<absl::Status()>& call) {
  std::atomic<int> ready{0};
  absl::Mutex mu;
  std::map<absl::StatusCode, int> codes;
  std::vector<std::thread> callers;
  for (int i = 0; i < n; ++i) {
    callers.emplace_back([&] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();  // all start together
      const absl::StatusCode code = call().code();
      absl::MutexLock lock(&mu);
      ++codes[code];
    });
  }
  for (auto& t : callers) t.join();
  return codes;
}

inline constexpr char kHouseholdHeader[] =
    "record_id,cin,last_name,first_name,birth_date,sex,household_id,relationship\n";

struct ReportRow {
  std::string record_id, row_number, outcome, number, reasons;
};

class IntakeTest : public RegistrationDatabaseTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(sodium_init() < 0, false);
    RegistrationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    clock_.Set(absl::FromCivil(absl::CivilSecond(2022, 3, 15, 9, 0, 0), absl::UTCTimeZone()));
    numbers_ = std::make_unique<NumberAllocator>(*db_, 50);
    registrar_ = std::make_unique<Registrar>(*db_, *numbers_, Source(), AllPrograms(), ReferenceData::Shipped());
    applier_ = std::make_unique<BatchApplier>(
        Context(AllPrograms()), [] {}, 5, 2);  // tiny chunks, read in slices smaller still
  }
  // A fresh database and domain, dependents first (the applier releases leases when it goes).
  void Reset() {
    applier_.reset();
    registrar_.reset();
    numbers_.reset();
    db_.reset();
    SetUp();
  }
  static std::vector<std::string> AllPrograms() { return {"amo-tns", "amo-tadamon", "family-allowances"}; }
  events::EventSource Source() { return {"registration", &clock_, &random_}; }
  IntakeContext Context(std::vector<std::string> programs) {
    IntakeContext context{db_.get(),      &ReferenceData::Shipped(), std::move(programs), Source(), numbers_.get(),
                          "test-instance"};
    context.metrics = &metrics_;
    return context;
  }
  // The sum of a counter family's series whose labels include `labels`.
  double Counted(const std::string& family, const std::map<std::string, std::string>& labels) {
    double sum = 0;
    for (const auto& f : registry_.Collect()) {
      if (f.name != family) continue;
      for (const auto& m : f.metric) {
        size_t matched = 0;
        for (const auto& l : m.label) matched += labels.count(l.name) && labels.at(l.name) == l.value;
        if (matched == labels.size()) sum += m.counter.value;
      }
    }
    return sum;
  }

  // Sends `csv` in chunks of `chunk` bytes, without applying it; the batch's status once received.
  absl::StatusOr<BatchStatus> Receive(const std::string& csv, const liaison::Manifest& manifest, size_t chunk = 7,
                                      std::vector<std::string> programs = AllPrograms()) {
    ASSIGN_OR_RETURN(auto upload, BatchUpload::Begin(Context(std::move(programs)), manifest));
    if (upload->existing()) return *upload->existing();
    for (size_t i = 0; i < csv.size(); i += chunk) {
      RETURN_IF_ERROR(upload->Feed(absl::string_view(csv).substr(i, chunk)));
    }
    ASSIGN_OR_RETURN(BatchStatus received, upload->Finish());
    EXPECT_EQ(received.state, BatchState::kApplying);
    return received;
  }
  // Sends `csv` in chunks of `chunk` bytes, then applies it to the end.
  absl::StatusOr<BatchStatus> Submit(const std::string& csv, const liaison::Manifest& manifest, size_t chunk = 7,
                                     std::vector<std::string> programs = AllPrograms()) {
    ASSIGN_OR_RETURN(BatchStatus received, Receive(csv, manifest, chunk, std::move(programs)));
    if (received.state != BatchState::kApplying) return received;  // received before, or refused
    RETURN_IF_ERROR(applier_->ApplyAllReady());
    return GetBatchStatus(*db_, manifest.liaison_body, manifest.batch_id);
  }

  // The whole report, as WriteBatchReport gives it.
  std::string ReportText(const std::string& body, const std::string& id) {
    std::string text;
    absl::Status s = WriteBatchReport(*db_, body, id, [&](const std::string& page) {
      text += page;
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return text;
  }

  std::vector<ReportRow> Report(const std::string& body, const std::string& id) {
    const std::string text = ReportText(body, id);
    std::vector<ReportRow> rows;
    std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.at(0), "record_id,row_number,outcome,registration_number,reasons");
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> f = absl::StrSplit(lines[i], absl::MaxSplits(',', 4));
      rows.push_back({f[0], f[1], f[2], f[3], f[4]});
    }
    return rows;
  }

  // The outbox's events with their topics, in order (bundles opened).
  std::vector<std::pair<std::string, events::Envelope>> OutboxRows() {
    std::vector<std::pair<std::string, events::Envelope>> out;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(std::vector<events::Record> records, events::OutboxEvents(tx));
                     for (const auto& r : records) out.emplace_back(r.topic, *events::ParseEnvelope(r.value));
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }
  std::vector<events::Envelope> OutboxEvents() {
    std::vector<events::Envelope> out;
    for (auto& [topic, envelope] : OutboxRows()) out.push_back(std::move(envelope));
    return out;
  }

  // The code stored for `number` is the keyed BLAKE2b hash of `code` (normalised), and no form a
  // person could type: with or without its dash, in either case.
  void ExpectOnlyTheKeyedHashIsStored(const std::string& number, const std::string& code) {
    std::string stored;
    ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT code_hash FROM activation_codes "
                                                          "WHERE registration_number = $1",
                                                          {number}));
                     if (rows.size() != 1) return absl::NotFoundError("no code stored");
                     stored = rows[0].Text(0);
                     return absl::OkStatus();
                   })
                    .ok());
    std::string undashed = code;
    undashed.erase(std::remove(undashed.begin(), undashed.end(), '-'), undashed.end());
    for (const std::string& typed : {code, undashed, absl::AsciiStrToLower(code), absl::AsciiStrToLower(undashed)}) {
      EXPECT_EQ(stored.find(typed), std::string::npos) << "the code in clear: " << typed;
      EXPECT_EQ(absl::AsciiStrToLower(absl::BytesToHexString(stored)).find(absl::AsciiStrToLower(typed)),
                std::string::npos);
    }
    const std::string key(32, 'k');
    std::string expected(32, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(expected.data()), expected.size(),
                       reinterpret_cast<const unsigned char*>(undashed.data()), undashed.size(),
                       reinterpret_cast<const unsigned char*>(key.data()), key.size());
    EXPECT_EQ(absl::BytesToHexString(stored), absl::BytesToHexString(expected)) << "the keyed hash of the code";
  }

  // One page of the review queue's reviews in `state`.
  static absl::StatusOr<std::vector<Review>> Listed(ReviewQueue& queue, const std::string& state, int size) {
    ASSIGN_OR_RETURN(ReviewPage page, queue.List(state, size));
    return page.reviews;
  }

  // The registered person the review tests' rows look like (Idrissi, Idrissy, Muhammad...).
  absl::StatusOr<Person> RegisterLookAlikeTarget() {
    return registrar_->Register({"A1", "El Idrissi", "Mohammed", "1970-01-01", "M", "", "amo-tns", "AGRI", "", ""});
  }

  void LoadCoverage(const std::string& csv, const std::string& id = "CNOPS-2022-01") {
    liaison::Manifest m = ManifestFor(csv, id, "CNOPS", "", std::count(csv.begin(), csv.end(), '\n') - 1);
    auto upload = CoverageUpload::Begin(*db_, ReferenceData::Shipped(), clock_, m);
    ASSERT_TRUE(upload.ok()) << upload.status();
    ASSERT_TRUE((*upload)->Feed(csv).ok());
    auto result = (*upload)->Finish();
    ASSERT_TRUE(result.ok()) << result.status();
  }

  prometheus::Registry registry_;
  IntakeMetrics metrics_{registry_};
  testing::FakeClock clock_;
  testing::SeededRandom random_{11};
  std::unique_ptr<NumberAllocator> numbers_;
  std::unique_ptr<Registrar> registrar_;
  std::unique_ptr<BatchApplier> applier_;
};

inline constexpr char kTns[] =
    "record_id,cin,last_name,first_name,birth_date,sex,phone,category\n"
    "1,A100,Idrissi,Driss,1980-01-01,M,0611111111,AGRI\n"
    "2,A101,Idrissi,Khadija,1981-01-01,F,,agri\n";

}  // namespace himaya::registration
