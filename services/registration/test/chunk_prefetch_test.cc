// Reading the next chunk ahead (PostgreSQL; SQLite never reads ahead): what the read ahead
// finds, once told of the persons the chunk before it registered, is what the chunk query finds
// after that chunk committed; a read that another transaction made stale is not used; and a
// batch applied with reads ahead ends as one applied without, on both backends.
#include "registration/src/chunk_prefetch.h"

#include <functional>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "datagen/liaison_generator.h"
#include "intake_fixture.h"
#include "testing/command.h"
#include "testing/temp_dir.h"

namespace himaya::registration {
namespace {

class ChunkPrefetchTest : public IntakeTest {
 protected:
  bool postgres_ = false;
  // The staged batch's key and processing date.
  std::pair<std::string, std::string> Batch() {
    auto rows = testing::Rows(*db_, "SELECT batch_key, processing_date FROM batches");
    EXPECT_EQ(rows.size(), 1u);
    return {rows.at(0).Text(0), rows.at(0).Text(1)};
  }
  void SetUp() override {
    IntakeTest::SetUp();
    if (HasFatalFailure()) return;
    postgres_ = db_->dialect() == storage::Dialect::kPostgres;
  }
  // The read ahead's slice, taken in a transaction of its own; nothing when it was not usable.
  std::optional<std::vector<ChunkRow>> TakeAhead(ChunkPrefetch& prefetch) {
    std::optional<std::vector<ChunkRow>> rows;
    EXPECT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(rows, prefetch.Take(tx));
                     return absl::OkStatus();
                   })
                    .ok());
    return rows;
  }
  // Hands `registered` to `prefetch` from a transaction of its own, as the chunk before would.
  void StartedBy(ChunkPrefetch& prefetch, std::vector<ChunkPrefetch::Person> registered = {}) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     // A write, so that the transaction has an id, as a chunk has.
                     RETURN_IF_ERROR(tx.Execute("UPDATE batches SET rows_applied = rows_applied").status());
                     return prefetch.StartedBy(tx, std::move(registered));
                   })
                    .ok());
  }
  // Slices read so far, `how`.
  double Slices(const std::string& how) {
    return Counted("himaya_registration_chunk_slices_read_total", {{"read", how}});
  }
  // Registers a person by hand; its number.
  std::string Register(const std::string& cin, const std::string& last, const std::string& first,
                       const std::string& birth, const std::string& sex) {
    auto person = registrar_->Register({cin, last, first, birth, sex, "", "amo-tns", "AGRI", "", "fr"});
    EXPECT_TRUE(person.ok()) << person.status();
    return person.ok() ? person->registration_number : "";
  }
};

std::map<std::string, ChunkRow> ByRecordId(std::vector<ChunkRow> rows) {
  std::map<std::string, ChunkRow> out;
  for (ChunkRow& c : rows) out[TextOf(c.row.record_id)] = std::move(c);
  return out;
}

// Five staged rows after the two of kTns; look-alikes of R3 and R4 registered by hand before.
class ReadAheadTest : public ChunkPrefetchTest {
 protected:
  void SetUp() override {
    ChunkPrefetchTest::SetUp();
    if (HasFatalFailure()) return;
    before_r3_ = Register("Y300", "Alami", "Omar", "1982-03-03", "M");
    before_r4_ = Register("Y400", "Fassi", "Nadia", "1983-04-04", "F");
    const std::string csv = std::string(kTns) +
                            "R1,X100,Bennani,Karim,1980-01-01,M,,AGRI\n"
                            "R2,X200,Tazi,Salma,1981-02-02,F,,AGRI\n"
                            "R3,X300,Alami,Omar,1982-03-03,M,,AGRI\n"
                            "R4,X400,Fassi,Nadia,1983-04-04,F,,AGRI\n"
                            "R5,X500,Chraibi,Amal,1984-05-05,F,,AGRI\n";
    ASSERT_TRUE(Receive(csv, ManifestFor(csv, "MAP-AHEAD", "MAPMDREF", "amo-tns", 7)).ok());
    const auto [key, date] = Batch();
    at_ = ChunkPrefetch::At{key, ApplyPhase::kHeadsAndSingles, 2, date, 10};
  }
  std::string before_r3_, before_r4_;
  ChunkPrefetch::At at_;
};

TEST_P(ReadAheadTest, FindsThePersonsTheChunkBeforeItRegisteredAsTheQueryWould) {
  std::vector<ChunkRow> queried;
  ASSERT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                   ASSIGN_OR_RETURN(queried, BatchStore::ReadChunk(tx, at_.key, at_.phase, at_.after_row,
                                                                   at_.processing_date, at_.limit));
                   return absl::OkStatus();
                 })
                  .ok());
  auto plain = ByRecordId(queried);
  ASSERT_EQ(plain.size(), 5u);
  EXPECT_EQ(plain["R3"].found.lookalike_number, before_r3_);
  EXPECT_EQ(plain["R4"].found.lookalike_number, before_r4_);

  // The persons "the chunk before" registered: none of them is in the database, so only what
  // the read ahead is told can find them.
  ChunkPrefetch prefetch(*db_, at_);
  StartedBy(prefetch, {
                          {"X100", "elsewhere", "000000011"},                    // R1's CIN
                          {"Z200", LookalikeKey(plain["R2"].row), "000000022"},  // a look-alike of R2
                          {"Z300", LookalikeKey(plain["R3"].row), "000000003"},  // of R3, below the one before
                          {"Z400", LookalikeKey(plain["R4"].row), "999999994"},  // of R4, above the one before
                          {"X500", LookalikeKey(plain["R5"].row), "000000055"},  // R5's own CIN: no look-alike
                      });
  std::optional<std::vector<ChunkRow>> ahead = TakeAhead(prefetch);
  if (!postgres_) {
    EXPECT_EQ(ahead, std::nullopt) << "SQLite cannot tell what committed after a snapshot: never used";
    return;
  }
  ASSERT_TRUE(ahead.has_value());
  auto found = ByRecordId(*ahead);
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found["R1"].found.registered_number, "000000011");
  EXPECT_EQ(found["R1"].found.lookalike_number, std::nullopt);
  EXPECT_EQ(found["R2"].found.lookalike_number, "000000022");
  EXPECT_EQ(found["R2"].found.registered_number, std::nullopt);
  EXPECT_EQ(found["R3"].found.lookalike_number, "000000003") << "the smallest number, as the query orders them";
  EXPECT_EQ(found["R4"].found.lookalike_number, before_r4_);
  EXPECT_EQ(found["R5"].found.registered_number, "000000055");
  EXPECT_EQ(found["R5"].found.lookalike_number, std::nullopt) << "a person with the row's own CIN is no look-alike";
  for (const auto& [record, c] : found) EXPECT_EQ(c.row.row_number, plain[record].row.row_number);
}

TEST_P(ReadAheadTest, IsNotUsedOnceAnotherTransactionChangedWhatItsQueryReads) {
  if (!postgres_) GTEST_SKIP() << "SQLite never reads ahead";
  // The chunk that starts the read may change persons itself: its own notes do not count.
  auto own_write = [&](ChunkPrefetch& prefetch) {
    ASSERT_TRUE(db_->Write([&](storage::Transaction& tx) -> absl::Status {
                     RETURN_IF_ERROR(tx.Execute("UPDATE persons SET city = city WHERE cin = 'X100'").status());
                     return prefetch.StartedBy(tx, {});
                   })
                    .ok());
  };
  {
    ChunkPrefetch prefetch(*db_, at_);
    prefetch.Wait();
    own_write(prefetch);
    EXPECT_TRUE(TakeAhead(prefetch).has_value()) << "only the chunk that started it wrote since";
  }
  {
    ChunkPrefetch prefetch(*db_, at_);
    prefetch.Wait();
    testing::Execute(*db_, "UPDATE batches SET rows_applied = rows_applied");
    StartedBy(prefetch);
    EXPECT_TRUE(TakeAhead(prefetch).has_value()) << "a write to what the query does not read";
  }
  {
    // A read past its age is never used: the notes it would be checked against may be gone.
    ChunkPrefetch prefetch(*db_, at_, std::chrono::steady_clock::duration::zero());
    prefetch.Wait();
    own_write(prefetch);
    EXPECT_EQ(TakeAhead(prefetch), std::nullopt);
  }
  // What another transaction changed after the read's snapshot, in each table the query reads.
  const std::vector<std::function<void()>> foreign = {
      [&] { Register("Y900", "Berrada", "Hind", "1990-09-09", "F"); },
      [&] { testing::Execute(*db_, "UPDATE persons SET city = city WHERE cin = 'nobody'"); },
      [&] { testing::Execute(*db_, "DELETE FROM cin_aliases WHERE cin = 'nobody'"); },
      [&] { testing::Execute(*db_, "DELETE FROM coverages WHERE cin = 'nobody'"); },
      [&] { testing::Execute(*db_, "TRUNCATE coverages"); },
      [&] { testing::Execute(*db_, "UPDATE batch_outcomes SET reasons = reasons WHERE row_number < 0"); },
  };
  for (size_t i = 0; i < foreign.size(); ++i) {
    SCOPED_TRACE(i);
    ChunkPrefetch prefetch(*db_, at_);
    prefetch.Wait();
    foreign[i]();
    own_write(prefetch);
    EXPECT_EQ(TakeAhead(prefetch), std::nullopt);
  }
}

TEST_P(ChunkPrefetchTest, ABatchAppliedReadingAheadEndsAsOneAppliedWithout) {
  testing::TempDir dir;
  datagen::LiaisonOptions o;
  o.records = 3000;
  o.duplicate_rate = 0.02;
  o.lookalike_rate = 0.05;
  o.covered_rate = 0;
  o.out_dir = dir.path();
  auto batch = datagen::GenerateLiaisonBatch(o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  const std::string csv = testing::ReadWholeFile(batch->csv_path);
  auto manifest = liaison::ParseManifestJson(testing::ReadWholeFile(batch->manifest_path));
  ASSERT_TRUE(manifest.ok()) << manifest.status();

  std::map<bool, std::vector<std::string>> reports;
  for (bool ahead : {true, false}) {
    Reset();
    const double ahead_before = Slices("ahead");
    const double in_transaction_before = Slices("in_transaction");
    // Chunks of 40 rows, each a single slice, as the service reads them: 75 chunks. After the
    // 10th, 20th, ... 70th commit, a counter registers someone: the read made ahead for the
    // next chunk is then stale, and that chunk reads its rows itself.
    int commits = 0;
    applier_ = std::make_unique<BatchApplier>(
        Context(AllPrograms()),
        [&] {
          if (++commits % 10 == 0 && commits <= 70) {
            static const char* const kNames[] = {"Ali", "Badr", "Chafik", "Driss", "Elias", "Farid", "Ghali"};
            Register(absl::StrCat("W", commits), "Guichet", kNames[commits / 10 - 1], "1950-01-01", "M");
          }
        },
        40, 40);
    applier_->set_read_ahead(ahead);
    auto status = Submit(csv, *manifest, 1 << 16);
    ASSERT_TRUE(status.ok()) << status.status();
    ASSERT_EQ(status->state, BatchState::kCompleted);
    EXPECT_GT(status->outcomes["NEEDS_REVIEW"], 100) << "look-alikes across many chunks";
    for (const ReportRow& r : Report(manifest->liaison_body, manifest->batch_id)) {
      reports[ahead].push_back(
          absl::StrCat(r.row_number, " ", r.record_id, " ", r.outcome, " ", r.number, " ", r.reasons));
    }
    for (const storage::Row& r :
         testing::Rows(*db_, "SELECT row_number, candidate_registration_number FROM reviews ORDER BY row_number")) {
      reports[ahead].push_back(absl::StrCat("review ", r.Int(0), " ", r.Text(1)));
    }
    // The other chunks but the first use the read made ahead for them (74 of 40 rows, and the
    // last, which finds no row left), but for those after a counter's registration, when the
    // read took its snapshot before that registration committed: usually all 7, fewer when the
    // read's thread was late (its snapshot then holds the registration, and the read is good).
    const double read_ahead = Slices("ahead") - ahead_before;
    if (ahead && postgres_) {
      EXPECT_GE(read_ahead, 75 - 7);
      EXPECT_LE(read_ahead, 75);
    } else {
      EXPECT_EQ(read_ahead, 0);
    }
    // 76 slices in the first phase; one, empty, in the dependents' phase.
    EXPECT_EQ(Slices("in_transaction") - in_transaction_before + read_ahead, 77);
  }
  ASSERT_GT(reports[true].size(), 3100u) << "the report and the reviews";
  EXPECT_EQ(reports[true], reports[false]);
}

TEST_P(ReadAheadTest, NotesOfWritesAreStampedWhenSeenAndDeletedTenMinutesLater) {
  if (!postgres_) GTEST_SKIP() << "SQLite never reads ahead, and notes nothing";
  testing::Execute(*db_, "DELETE FROM decision_writes");
  testing::Execute(*db_,
                   "INSERT INTO decision_writes (xid, seen_at) VALUES ('1'::xid8, now() - interval '11 minutes')");
  testing::Execute(*db_, "INSERT INTO decision_writes (xid, seen_at) VALUES ('2'::xid8, now() - interval '9 minutes')");
  testing::Execute(*db_, "INSERT INTO decision_writes (xid) VALUES ('3'::xid8)");
  ASSERT_TRUE(applier_->ApplyAllReady().ok());  // applies the staged batch, then tidies
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM decision_writes WHERE xid = '1'::xid8"), 0);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM decision_writes WHERE xid = '2'::xid8"), 1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM decision_writes WHERE xid = '3'::xid8 AND seen_at IS NOT NULL"),
            1)
      << "stamped when first seen";
}

INSTANTIATE_BACKENDS(ReadAheadTest);
INSTANTIATE_BACKENDS(ChunkPrefetchTest);

}  // namespace
}  // namespace himaya::registration
