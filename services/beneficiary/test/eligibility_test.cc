// Coverage on a date, on both backends, with the shipped rules (21, 26 while studying) and a
// fake clock: insured persons from their registration day, children the day before and on 21
// and 26 and after the end of their studies, removals (the past stays answerable), members
// pending or refused, an insured not covered, unknown ids; the batch form (1000 answered in
// order, 1001 refused).
#include "beneficiary/src/eligibility.h"

#include "absl/strings/str_cat.h"
#include "beneficiary/src/beneficiary_store.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

class EligibilityTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    eligibility_ = std::make_unique<Eligibility>(*db_, FamilyRules::Shipped(), clock_);
    Register("100000017", absl::CivilDay(2022, 4, 1));
  }
  void Register(const std::string& number, absl::CivilDay on) {
    InWrite([&](storage::Transaction& tx) {
      return InsuredStore::RecordRegistered(tx,
                                            {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", on, true, 0});
    });
  }
  Dependent Child(int rank, absl::CivilDay birth, absl::CivilDay start, const std::string& number = "100000017") {
    Dependent d;
    d.beneficiary_id = DependentId(number, rank);
    d.registration_number = number;
    d.relationship = kChild;
    d.first_name = absl::StrCat("Sara", rank);
    d.last_name = "Alaoui";
    d.birth_date = birth;
    d.sex = "F";
    d.identity_key = IdentityKey(d.last_name, d.first_name, birth);
    d.program = "amo-tns";
    d.source = kSourcePortal;
    d.declared_at = clock_.Now();
    d.periods.push_back({start, std::nullopt, "", ""});
    return d;
  }
  void Insert(const Dependent& d) {
    ASSERT_TRUE(Write([&](storage::Transaction& tx) { return BeneficiaryStore::Insert(tx, d); }).ok());
  }
  EligibilityAnswer Ask(const std::string& id, const std::string& date) {
    absl::StatusOr<EligibilityAnswer> a = eligibility_->Check({id, date});
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : EligibilityAnswer{};
  }
  std::unique_ptr<Eligibility> eligibility_;
};

TEST_P(EligibilityTest, AnInsuredIsCoveredFromTheirRegistrationDay) {
  EligibilityAnswer before = Ask("100000017", "2022-03-31");
  EXPECT_FALSE(before.covered);
  EXPECT_EQ(before.reason, "NOT_YET_COVERED");
  EXPECT_EQ(before.registration_number, "100000017");
  EligibilityAnswer on = Ask("100000017", "2022-04-01");
  EXPECT_TRUE(on.covered);
  EXPECT_EQ(on.reason, "");
  EXPECT_EQ(on.program, "amo-tns");
  EXPECT_EQ(on.category, "AGRI") << "the insured's, for the figures of claims";
  EXPECT_EQ(on.region, "Casablanca-Settat");
  EXPECT_EQ(on.relationship, Relationship::kInsured);
  EXPECT_FALSE(on.covered_until.has_value());
}

TEST_P(EligibilityTest, AChildIsCoveredUpTo21AndTheDateDefaultsToToday) {
  Insert(Child(1, absl::CivilDay(2005, 3, 1), absl::CivilDay(2022, 5, 1)));
  EligibilityAnswer day_before = Ask("100000017-01", "2026-02-28");
  EXPECT_TRUE(day_before.covered);
  EXPECT_EQ(day_before.relationship, Relationship::kChild);
  EXPECT_EQ(day_before.registration_number, "100000017");
  EXPECT_EQ(day_before.covered_until, absl::CivilDay(2026, 2, 28));
  EligibilityAnswer birthday = Ask("100000017-01", "2026-03-01");
  EXPECT_FALSE(birthday.covered);
  EXPECT_EQ(birthday.reason, "AGE_LIMIT");
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 2, 28, 12, 0, 0), absl::UTCTimeZone()));
  EligibilityAnswer today = Ask("100000017-01", "");
  EXPECT_EQ(today.date, absl::CivilDay(2026, 2, 28));
  EXPECT_TRUE(today.covered);
  clock_.Advance(absl::Hours(24));
  EXPECT_FALSE(Ask("100000017-01", "").covered) << "the same question a day later";
  EXPECT_EQ(Ask("100000017-01", "2022-04-30").reason, "NOT_YET_COVERED");
}

TEST_P(EligibilityTest, AStudyingChildIsCoveredToTheEndOfStudiesAndNeverPast26) {
  Dependent studying = Child(1, absl::CivilDay(2005, 3, 1), absl::CivilDay(2022, 5, 1));
  studying.studying_until = absl::CivilDay(2028, 6, 30);
  Insert(studying);
  EXPECT_TRUE(Ask("100000017-01", "2028-06-30").covered);
  EligibilityAnswer ended = Ask("100000017-01", "2028-07-01");
  EXPECT_FALSE(ended.covered);
  EXPECT_EQ(ended.reason, "STUDIES_ENDED");
  Dependent long_studies = Child(2, absl::CivilDay(2005, 3, 1), absl::CivilDay(2022, 5, 1));
  long_studies.studying_until = absl::CivilDay(2035, 6, 30);
  Insert(long_studies);
  EligibilityAnswer last = Ask("100000017-02", "2031-02-28");
  EXPECT_TRUE(last.covered);
  EXPECT_EQ(last.covered_until, absl::CivilDay(2031, 2, 28));
  EXPECT_EQ(Ask("100000017-02", "2031-03-01").reason, "AGE_LIMIT");
  Dependent disabled = Child(3, absl::CivilDay(1990, 1, 1), absl::CivilDay(2022, 5, 1));
  disabled.disabled = true;
  Insert(disabled);
  EXPECT_TRUE(Ask("100000017-03", "2040-01-01").covered) << "no age limit when disabled";
}

TEST_P(EligibilityTest, ARemovalEndsCoverageAfterItsLastDayAndThePastStaysAnswerable) {
  Dependent removed = Child(1, absl::CivilDay(2015, 1, 1), absl::CivilDay(2022, 5, 1));
  removed.periods[0].end = absl::CivilDay(2025, 6, 30);
  removed.periods[0].end_reason = "DECLARED_IN_ERROR";
  Insert(removed);
  EligibilityAnswer last_day = Ask("100000017-01", "2025-06-30");
  EXPECT_TRUE(last_day.covered);
  EXPECT_EQ(last_day.covered_until, absl::CivilDay(2025, 6, 30));
  EXPECT_EQ(Ask("100000017-01", "2025-07-01").reason, "REMOVED");
  EXPECT_TRUE(Ask("100000017-01", "2023-01-01").covered);
}

TEST_P(EligibilityTest, PendingRefusedAndUnknownAreNotCoveredEachWithItsReason) {
  Dependent pending = Child(1, absl::CivilDay(2015, 1, 1), absl::CivilDay(2022, 5, 1));
  pending.state = DependentState::kDetailsPending;
  Insert(pending);
  Dependent refused = Child(2, absl::CivilDay(2015, 1, 1), absl::CivilDay(2022, 5, 1));
  refused.state = DependentState::kRefused;
  refused.refusal = "ALREADY_DEPENDENT";
  Insert(refused);
  EXPECT_EQ(Ask("100000017-01", "2026-01-01").reason, "DETAILS_PENDING");
  EXPECT_EQ(Ask("100000017-02", "2026-01-01").reason, "ALREADY_DEPENDENT");
  EligibilityAnswer unknown = Ask("100000025", "2026-01-01");
  EXPECT_FALSE(unknown.covered);
  EXPECT_EQ(unknown.reason, "NOT_REGISTERED");
  EXPECT_EQ(unknown.registration_number, "");
  EXPECT_EQ(Ask("100000017-09", "2026-01-01").reason, "NOT_REGISTERED");
  EXPECT_EQ(Ask("garbage", "2026-01-01").reason, "NOT_REGISTERED");
  EXPECT_EQ(eligibility_->Check({"100000017", "2026-02-30"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(eligibility_->Check({"", "2026-01-01"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(EligibilityTest, ADependentIsCoveredOnlyWhileTheirInsuredIs) {
  Register("100000025", absl::CivilDay(2024, 1, 1));
  Insert(Child(1, absl::CivilDay(2015, 1, 1), absl::CivilDay(2023, 6, 1), "100000025"));
  EligibilityAnswer a = Ask("100000025-01", "2023-07-01");
  EXPECT_FALSE(a.covered);
  EXPECT_EQ(a.reason, "INSURED_NOT_COVERED");
  EXPECT_TRUE(Ask("100000025-01", "2024-01-01").covered);
}

TEST_P(EligibilityTest, ABatchAnswersUpToAThousandQuestionsInOrder) {
  Insert(Child(1, absl::CivilDay(2005, 3, 1), absl::CivilDay(2022, 5, 1)));
  std::vector<EligibilityQuestion> questions;
  for (int i = 0; i < 1000; ++i) {
    switch (i % 4) {
      case 0:
        questions.push_back({"100000017", "2023-01-01"});
        break;
      case 1:
        questions.push_back({"100000017-01", "2026-02-28"});
        break;
      case 2:
        questions.push_back({"100000017-01", "2026-03-01"});
        break;
      default:
        questions.push_back({absl::StrCat("1", i), "2026-03-01"});
    }
  }
  absl::StatusOr<std::vector<EligibilityAnswer>> answers = eligibility_->CheckMany(questions);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->size(), 1000u);
  for (size_t i = 0; i < answers->size(); ++i) {
    const EligibilityAnswer& a = (*answers)[i];
    EXPECT_EQ(a.beneficiary_id, questions[i].beneficiary_id);
    EXPECT_EQ(FormatDay(a.date), questions[i].date);
    EXPECT_EQ(a.covered, i % 4 == 0 || i % 4 == 1) << i;
    EXPECT_EQ(a.reason, i % 4 == 2 ? "AGE_LIMIT" : i % 4 == 3 ? "NOT_REGISTERED" : "") << i;
  }
  questions.push_back({"100000017", ""});
  EXPECT_EQ(eligibility_->CheckMany(questions).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status bad_date = eligibility_->CheckMany({{"100000017", ""}, {"100000017", "2026-13-01"}}).status();
  EXPECT_EQ(bad_date.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_date.message().find("questions[1].date"), absl::string_view::npos) << bad_date;
  EXPECT_TRUE(eligibility_->CheckMany({})->empty());
}

INSTANTIATE_BACKENDS(EligibilityTest);

}  // namespace
}  // namespace himaya::beneficiary
