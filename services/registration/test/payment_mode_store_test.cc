// Payment modes in the database, on both backends: the current mode found, a second first mode
// refused as a conflict to retry, a replacement keeping the replaced mode in the history and
// refusing to replace a mode that changed in between, and modes read many at once in one
// statement whatever their number up to the bound.
#include "registration/src/payment_mode_store.h"

#include "absl/strings/str_format.h"
#include "core/status_macros.h"
#include "registration_database.h"

namespace himaya::registration {
namespace {

const absl::Time kMonday = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 9, 0, 0), absl::UTCTimeZone());

StoredPaymentMode Rib(const std::string& number, absl::Time at = kMonday) {
  return {number, "BANK_TRANSFER", "007780000123456789012396", at, "PORTAL"};
}
StoredPaymentMode Wallet(const std::string& number, absl::Time at = kMonday) {
  return {number, "MOBILE_WALLET", "+212612345678", at, "AGENT:desk-7"};
}

std::string Describe(const StoredPaymentMode& m) {
  return absl::StrCat(m.registration_number, "|", m.method, "|", m.account, "|", absl::FormatTime(m.chosen_at), "|",
                      m.chosen_by);
}

class PaymentModeStoreTest : public RegistrationDatabaseTest {
 protected:
  absl::Status Write(const std::function<absl::Status(storage::Transaction&)>& fn) { return db_->Write(fn); }
  std::optional<StoredPaymentMode> Find(const std::string& number) {
    std::optional<StoredPaymentMode> found;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(found, PaymentModeStore::Find(tx, number));
                     return absl::OkStatus();
                   })
                    .ok());
    return found;
  }
  std::vector<StoredPaymentMode> History(const std::string& number) {
    std::vector<StoredPaymentMode> history;
    EXPECT_TRUE(db_->Read([&](storage::Transaction& tx) -> absl::Status {
                     ASSIGN_OR_RETURN(history, PaymentModeStore::History(tx, number));
                     return absl::OkStatus();
                   })
                    .ok());
    return history;
  }
  absl::StatusOr<std::vector<StoredPaymentMode>> FindMany(const std::vector<std::string>& numbers) {
    std::vector<StoredPaymentMode> found;
    RETURN_IF_ERROR(db_->Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(found, PaymentModeStore::FindMany(tx, numbers));
      return absl::OkStatus();
    }));
    return found;
  }
};

TEST_P(PaymentModeStoreTest, AFirstModeIsFoundAsWritten) {
  EXPECT_FALSE(Find("10000017").has_value());
  ASSERT_TRUE(Write([](storage::Transaction& tx) { return PaymentModeStore::Insert(tx, Rib("10000017")); }).ok());
  std::optional<StoredPaymentMode> found = Find("10000017");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(Describe(*found), Describe(Rib("10000017")));
  EXPECT_FALSE(Find("10000025").has_value()) << "another person's";
  EXPECT_TRUE(History("10000017").empty());
}

TEST_P(PaymentModeStoreTest, ASecondFirstModeIsAConflictToRetry) {
  ASSERT_TRUE(Write([](storage::Transaction& tx) { return PaymentModeStore::Insert(tx, Rib("10000017")); }).ok());
  int runs = 0;
  const absl::Status again = Write([&](storage::Transaction& tx) {
    ++runs;
    return PaymentModeStore::Insert(tx, Wallet("10000017"));
  });
  EXPECT_EQ(again.code(), absl::StatusCode::kAborted) << again;
  EXPECT_GT(runs, 1) << "the database ran it again";
  EXPECT_EQ(Describe(*Find("10000017")), Describe(Rib("10000017")));
}

TEST_P(PaymentModeStoreTest, AReplacedModeIsKeptInTheHistory) {
  const StoredPaymentMode first = Rib("10000017");
  const StoredPaymentMode second = Wallet("10000017", kMonday + absl::Hours(1));
  const StoredPaymentMode third = Rib("10000017", kMonday + absl::Hours(2));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return PaymentModeStore::Insert(tx, first); }).ok());
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return PaymentModeStore::Replace(tx, first, second); }).ok());
  EXPECT_EQ(Describe(*Find("10000017")), Describe(second));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return PaymentModeStore::Replace(tx, second, third); }).ok());
  EXPECT_EQ(Describe(*Find("10000017")), Describe(third));
  const std::vector<StoredPaymentMode> history = History("10000017");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(Describe(history[0]), Describe(first));
  EXPECT_EQ(Describe(history[1]), Describe(second));
}

TEST_P(PaymentModeStoreTest, AModeChangedInBetweenIsNotReplaced) {
  const StoredPaymentMode first = Rib("10000017");
  const StoredPaymentMode second = Wallet("10000017", kMonday + absl::Hours(1));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return PaymentModeStore::Insert(tx, first); }).ok());
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return PaymentModeStore::Replace(tx, first, second); }).ok());
  // A request that read `first` before `second` committed.
  const absl::Status stale = Write([&](storage::Transaction& tx) {
    return PaymentModeStore::Replace(tx, first, Rib("10000017", kMonday + absl::Hours(2)));
  });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(Describe(*Find("10000017")), Describe(second));
  EXPECT_EQ(History("10000017").size(), 1u) << "nothing kept for the refused replacement";
}

TEST_P(PaymentModeStoreTest, ManyModesAreReadAtOnceUpToTheBound) {
  // Modes for every third number of a thousand; the statement sizes are 1, 10, 100 and 1000.
  std::vector<std::string> numbers;
  for (int i = 0; i < 1000; ++i) numbers.push_back(absl::StrFormat("2%07d", i));
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                for (size_t i = 0; i < numbers.size(); i += 3) {
                  RETURN_IF_ERROR(PaymentModeStore::Insert(tx, i % 2 ? Wallet(numbers[i]) : Rib(numbers[i])));
                }
                return absl::OkStatus();
              }).ok());
  for (size_t asked : {0, 1, 2, 10, 11, 100, 101, 999, 1000}) {
    const std::vector<std::string> some(numbers.begin(), numbers.begin() + asked);
    absl::StatusOr<std::vector<StoredPaymentMode>> found = FindMany(some);
    ASSERT_TRUE(found.ok()) << asked << ": " << found.status();
    EXPECT_EQ(found->size(), (asked + 2) / 3) << asked;
    for (const StoredPaymentMode& m : *found) {
      const int i = std::stoi(m.registration_number.substr(1));
      EXPECT_EQ(i % 3, 0) << m.registration_number;
      EXPECT_EQ(m.method, i % 2 ? "MOBILE_WALLET" : "BANK_TRANSFER");
    }
  }
  std::vector<std::string> too_many = numbers;
  too_many.push_back("30000001");
  EXPECT_EQ(FindMany(too_many).status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_BACKENDS(PaymentModeStoreTest);

}  // namespace
}  // namespace himaya::registration
