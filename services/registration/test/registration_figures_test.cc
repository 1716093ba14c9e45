// Registration's figures on both backends: registered persons and activated accounts by program,
// category and region (several cities make one region, an unknown city is region ""), the rows
// waiting for review with the age of the oldest, the same after a restart, and a group that
// empties going to 0.
#include "registration/src/registration_figures.h"

#include "intake_fixture.h"
#include "metrics/scrape.h"
#include "prometheus/text_serializer.h"
#include "testing/queries.h"

namespace himaya::registration {
namespace {

class RegistrationFiguresTest : public IntakeTest {
 protected:
  double Figure(prometheus::Registry& registry, const std::string& name, const metrics::MetricLabels& labels) {
    return metrics::RegistrySum(registry, name, labels);
  }
  void Activate(const std::string& cin) {
    absl::StatusOr<Person> p = registrar_->GetByCin(cin);
    ASSERT_TRUE(p.ok()) << p.status();
    testing::Execute(*db_,
                     "INSERT INTO accounts (registration_number, activated_at_us, password_hash) VALUES ($1, $2, $3)",
                     {p->registration_number, absl::ToUnixMicros(clock_.Now()), std::string("h")});
  }
};

TEST_P(RegistrationFiguresTest, PersonsAndAccountsByProgramCategoryAndRegion) {
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,city,category\n"
      "1,C1,Alaoui,Ali,1980-01-01,M,Fes,AGRI\n"
      "2,C2,Bennani,Sara,1981-02-02,F,Meknes,AGRI\n"
      "3,C3,Chraibi,Omar,1982-03-03,M,Casablanca,AGRI\n"
      "4,C4,Dahbi,Nadia,1983-04-04,F,Atlantis,AGRI\n";
  auto status = Submit(csv, ManifestFor(csv, "MAP-F1", "MAPMDREF", "amo-tns", 4));
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->outcomes.at("REGISTERED"), 4);
  Activate("C1");
  Activate("C3");

  RegistrationFigures figures(*db_, registry_, clock_);
  ASSERT_TRUE(figures.Refresh().ok());
  const std::string persons = "himaya_registration_persons";
  EXPECT_EQ(Figure(registry_, persons, {{"program", "amo-tns"}, {"category", "AGRI"}, {"region", "Fes-Meknes"}}), 2);
  EXPECT_EQ(Figure(registry_, persons, {{"category", "AGRI"}, {"region", "Casablanca-Settat"}}), 1);
  EXPECT_EQ(Figure(registry_, persons, {{"category", "AGRI"}, {"region", ""}}), 1) << "an unknown city: no region";
  EXPECT_EQ(Figure(registry_, persons, {}), 4);
  const std::string accounts = "himaya_registration_accounts_activated";
  EXPECT_EQ(Figure(registry_, accounts, {{"region", "Fes-Meknes"}}), 1);
  EXPECT_EQ(Figure(registry_, accounts, {{"region", "Casablanca-Settat"}}), 1);
  EXPECT_EQ(Figure(registry_, accounts, {}), 2);

  // A restart counts the same at once.
  prometheus::Registry other;
  RegistrationFigures again(*db_, other, clock_);
  ASSERT_TRUE(again.Refresh().ok());
  EXPECT_EQ(Figure(other, persons, {}), 4);
  EXPECT_EQ(Figure(other, accounts, {}), 2);

  // The Casablanca person's account goes: its group shows 0, not its last value.
  testing::Execute(
      *db_,
      "DELETE FROM accounts WHERE registration_number = (SELECT registration_number FROM persons WHERE cin = 'C3')",
      {});
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(Figure(registry_, accounts, {{"region", "Casablanca-Settat"}}), 0);
  EXPECT_NE(prometheus::TextSerializer().Serialize(registry_.Collect()).find("Casablanca-Settat"), std::string::npos);
}

TEST_P(RegistrationFiguresTest, RowsWaitingForReviewAndTheAgeOfTheOldest) {
  ASSERT_TRUE(RegisterLookAlikeTarget().ok());
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B1,Idrissi,Muhammad,1970-01-01,M,AGRI\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "MAP-R1", "MAPMDREF", "amo-tns", 1)).ok());
  clock_.Advance(absl::Hours(2));
  const std::string later =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B2,Idrissy,Mohamed,1970-01-01,M,AGRI\n";
  ASSERT_TRUE(Submit(later, ManifestFor(later, "MAP-R2", "MAPMDREF", "amo-tns", 1)).ok());
  clock_.Advance(absl::Hours(1));

  RegistrationFigures figures(*db_, registry_, clock_, {"amo-tns", "amo-tadamon"});
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_NE(prometheus::TextSerializer()
                .Serialize(registry_.Collect())
                .find("himaya_registration_reviews_pending{program=\"amo-tadamon\"} 0"),
            std::string::npos)
      << "a program served shows 0 waiting";
  EXPECT_EQ(Figure(registry_, "himaya_registration_reviews_pending", {{"program", "amo-tns"}}), 2);
  EXPECT_EQ(Figure(registry_, "himaya_registration_review_oldest_seconds", {{"program", "amo-tns"}}), 3 * 3600);

  // Decided: none waits any more.
  testing::Execute(*db_, "UPDATE reviews SET state = 'MERGED'");
  ASSERT_TRUE(figures.Refresh().ok());
  EXPECT_EQ(Figure(registry_, "himaya_registration_reviews_pending", {{"program", "amo-tns"}}), 0);
  EXPECT_EQ(Figure(registry_, "himaya_registration_review_oldest_seconds", {{"program", "amo-tns"}}), 0);
}

INSTANTIATE_BACKENDS(RegistrationFiguresTest);

}  // namespace
}  // namespace himaya::registration
