// The IVR lookup on both backends: the number on a full match only, one answer for a wrong CIN or
// a wrong date, and failed lookups limited per CIN and per caller, across replicas and under
// concurrent guessing.
#include "registration/src/ivr_lookup.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "events/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registration/src/registrar.h"
#include "registration/test/registration_database.h"
#include "registration_migrations.h"
#include "testing/fakes.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

class IvrLookupTest : public RegistrationDatabaseTest {
 protected:
  void SetUp() override {
    RegistrationDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    numbers_ = std::make_unique<NumberAllocator>(*db_, 10);
    Registrar registrar(*db_, *numbers_, {"registration", &clock_, &random_}, {"amo-tns"}, ReferenceData::Shipped());
    auto person = registrar.Register({"BK55", "Tazi", "Hamza", "1990-09-09", "M", "", "amo-tns", "TAXI", "", ""});
    ASSERT_TRUE(person.ok()) << person.status();
    number_ = person->registration_number;
  }
  IvrLookup Lookup() { return IvrLookup(*db_, clock_, limits_); }

  IvrLimits limits_{.failures_per_cin = 5, .failures_per_caller = 20, .window = absl::Hours(1)};
  testing::FakeClock clock_;
  testing::SeededRandom random_{5};
  std::unique_ptr<NumberAllocator> numbers_;
  std::string number_;
};

TEST_P(IvrLookupTest, AnswersOnlyTheNumberAndOnlyOnAFullMatch) {
  IvrLookup ivr = Lookup();
  EXPECT_EQ(*ivr.Lookup("bk55", "1990-09-09", "ipv4:127.0.0.1"), number_);
  EXPECT_EQ(ivr.Lookup("BK55", "1990-09-10", "ipv4:127.0.0.1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ivr.Lookup("BK56", "1990-09-09", "ipv4:127.0.0.1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ivr.Lookup("BK55", "1990-09-10", "ipv4:127.0.0.1").status().message(),
            ivr.Lookup("BK56", "1990-09-09", "ipv4:127.0.0.1").status().message())
      << "the voice server must not learn whether a CIN exists";
}

TEST_P(IvrLookupTest, MalformedInputSaysWhatIsExpected) {
  IvrLookup ivr = Lookup();
  absl::Status date = ivr.Lookup("BK55", "09/09/1990", "c").status();
  EXPECT_EQ(date.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(date.message()), HasSubstr("birth_date: expected"));
  EXPECT_THAT(std::string(date.message()), HasSubstr("YYYY-MM-DD"));
  EXPECT_EQ(ivr.Lookup("", "1990-09-09", "c").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ivr.Lookup(std::string(100000, 'B'), "1990-09-09", "c").status().message().size() < 100, true);
}

TEST_P(IvrLookupTest, FailedLookupsOfACinAreLimitedWhoeverAsksAndWhetherItExistsOrNot) {
  IvrLookup ivr = Lookup();
  IvrLookup replica = Lookup();  // another process on the same database
  for (const std::string cin : {"BK55", "BK77"}) {
    for (int i = 0; i < limits_.failures_per_cin; ++i) {
      IvrLookup& asked = i % 2 ? replica : ivr;
      EXPECT_EQ(asked.Lookup(cin, absl::StrCat("1990-01-0", i + 1), absl::StrCat("caller-", i)).status().code(),
                absl::StatusCode::kNotFound);
    }
    absl::Status limited = ivr.Lookup(cin, "1990-09-09", "another caller").status();
    EXPECT_EQ(limited.code(), absl::StatusCode::kResourceExhausted) << cin << ": even with the right date";
    EXPECT_EQ(limited.message(), "too many failed lookups; try again later");
  }
  clock_.Advance(limits_.window + absl::Seconds(1));
  EXPECT_EQ(*ivr.Lookup("BK55", "1990-09-09", "another caller"), number_) << "a new window";
}

TEST_P(IvrLookupTest, FailedLookupsByACallerAreLimited) {
  IvrLookup ivr = Lookup();
  for (int i = 0; i < limits_.failures_per_caller; ++i) {
    EXPECT_EQ(ivr.Lookup(absl::StrCat("BK", 100 + i), "1990-09-09", "prober").status().code(),
              absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(ivr.Lookup("BK55", "1990-09-09", "prober").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(*ivr.Lookup("BK55", "1990-09-09", "someone else"), number_);
  EXPECT_EQ(*ivr.Lookup("BK55", "1990-09-09", "someone else"), number_) << "matches are not failures";
}

TEST_P(IvrLookupTest, TryingEveryBirthDateConcurrentlyFindsNothing) {
  IvrLookup ivr = Lookup();
  // Every day of 1985..1994 but the right one, from eight callers at once.
  std::vector<std::string> dates;
  for (absl::CivilDay d(1985, 1, 1); d < absl::CivilDay(1995, 1, 1); ++d) {
    if (d != absl::CivilDay(1990, 9, 9)) dates.push_back(absl::FormatCivilTime(d));
  }
  dates.push_back("1990-09-09");  // last
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0}, found{0}, limited{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 8; ++c) {
    callers.emplace_back([&, c] {
      for (size_t i = next++; i < dates.size(); i = next++) {
        absl::StatusOr<std::string> answer = ivr.Lookup("BK55", dates[i], absl::StrCat("caller-", c));
        if (answer.ok()) {
          ++found;
        } else if (absl::IsNotFound(answer.status())) {
          ++failures;
        } else if (absl::IsResourceExhausted(answer.status())) {
          ++limited;
        }
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(found.load(), 0);
  EXPECT_EQ(failures.load(), limits_.failures_per_cin) << "concurrent guesses cannot pass the limit";
  EXPECT_EQ(limited.load() + failures.load(), static_cast<int>(dates.size()));
}

INSTANTIATE_BACKENDS(IvrLookupTest);

TEST(IvrLimits, MustBePositive) {
  EXPECT_TRUE(CheckIvrLimits({}).ok());
  EXPECT_THAT(std::string(CheckIvrLimits({.failures_per_cin = 0}).message()), HasSubstr("ivr_failures_per_cin"));
  EXPECT_THAT(std::string(CheckIvrLimits({.failures_per_caller = 0}).message()), HasSubstr("ivr_failures_per_caller"));
  EXPECT_THAT(std::string(CheckIvrLimits({.window = absl::ZeroDuration()}).message()), HasSubstr("ivr_failure_window"));
}

}  // namespace
}  // namespace himaya::registration
