// TNR versions imported and ALD certificates registered, on both backends: the shipped sample
// imported, the same version again, other bytes or another version on the same day refused, a
// bad file refused naming its line, and each bad field of a certificate.
#include "claims/src/reference_data.h"

#include "claims/test/claims_database.h"
#include "claims_tnr_sample_csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::claims {
namespace {

using ::testing::HasSubstr;

class ReferenceDataTest : public ClaimsDatabaseTest {
 protected:
  absl::StatusOr<TariffImportResult> Import(const std::string& version, const std::string& from,
                                            const std::string& csv) {
    auto import = TariffImport::Begin(*db_, clock_, version, from);
    if (!import.ok()) return import.status();
    for (size_t at = 0; at < csv.size(); at += 1000) {
      if (absl::Status fed = (*import)->Feed(absl::string_view(csv).substr(at, 1000)); !fed.ok()) return fed;
    }
    return (*import)->Finish();
  }
  int64_t Count(const std::string& sql) { return testing::Count(*db_, sql); }
};

TEST_P(ReferenceDataTest, TheSampleTariffIsImportedOnceAndTheSameVersionAgainChangesNothing) {
  const std::string sample(claims_tnr_sample_csv());
  auto first = Import("TNR-2026-01", "2026-01-01", sample);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->acts, 49);
  EXPECT_FALSE(first->already_imported);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tariff_acts WHERE version = 'TNR-2026-01'"), 49);
  EXPECT_EQ(Count("SELECT tnr_centimes FROM tariff_acts WHERE act_code = 'C'"), 8000);
  auto again = Import("TNR-2026-01", "2026-01-01", sample);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->acts, 49);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tariff_versions"), 1);
}

TEST_P(ReferenceDataTest, OtherBytesOrAnotherVersionOnTheSameDayAreRefused) {
  const std::string sample(claims_tnr_sample_csv());
  ASSERT_TRUE(Import("TNR-2026-01", "2026-01-01", sample).ok());
  const std::string other =
      "act_code,label,category,tnr_amount,max_quantity,min_days_between\nC,Consultation,CONSULTATION,90.00,1,0\n";
  absl::Status bytes = Import("TNR-2026-01", "2026-01-01", other).status();
  EXPECT_EQ(bytes.code(), absl::StatusCode::kAlreadyExists) << bytes;
  absl::Status day = Import("TNR-2026-02", "2026-01-01", other).status();
  EXPECT_EQ(day.code(), absl::StatusCode::kAlreadyExists) << day;
  EXPECT_THAT(std::string(day.message()), HasSubstr("TNR-2026-01"));
  auto later = Import("TNR-2026-07", "2026-07-01", other);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->acts, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tariff_versions"), 2);
}

TEST_P(ReferenceDataTest, ABadTariffIsRefusedWholeNamingItsLine) {
  const std::string bad =
      "act_code,label,category,tnr_amount,max_quantity,min_days_between\n"
      "C,Consultation,CONSULTATION,80.00,1,0\n"
      "CS,Spécialiste,SPECIALIST,-3,1,0\n";
  absl::Status refused = Import("TNR-X", "2026-01-01", bad).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("line 3: tnr_amount"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tariff_versions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tariff_acts"), 0);
  EXPECT_THAT(std::string(Import("TNR X", "2026-01-01", bad).status().message()), HasSubstr("version"));
  EXPECT_THAT(std::string(Import("TNR-X", "1/1/2026", bad).status().message()), HasSubstr("effective_from"));
  auto import = TariffImport::Begin(*db_, clock_, "TNR-X", "2026-01-01");
  ASSERT_TRUE(import.ok());
  EXPECT_TRUE((*import)->Feed(std::string(kMaxTariffBytes, 'x')).ok());
  EXPECT_EQ((*import)->Feed("x").code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ReferenceDataTest, AnAldCertificateIsRegisteredOnce) {
  AldCertificates ald(*db_, clock_);
  AldRegistration r{"ALD-2025-0091", "100000017-01", "2025-06-01", "2027-05-31", "agent.rabat@cnss"};
  auto registered = ald.Register(r);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->valid_until, absl::CivilDay(2027, 5, 31));
  auto again = ald.Register(r);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->registered_at, registered->registered_at);
  AldRegistration other = r;
  other.beneficiary_id = "100000017";
  EXPECT_EQ(ald.Register(other).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ald_certificates"), 1);
}

TEST_P(ReferenceDataTest, EachBadFieldOfACertificateIsNamed) {
  AldCertificates ald(*db_, clock_);
  const AldRegistration good{"ALD-1", "100000017", "2026-01-01", "2026-12-31", "agent-1"};
  const std::vector<std::pair<std::function<void(AldRegistration&)>, std::string>> cases = {
      {[](AldRegistration& r) { r.certificate = ""; }, "certificate"},
      {[](AldRegistration& r) { r.certificate = std::string(33, 'A'); }, "certificate"},
      {[](AldRegistration& r) { r.beneficiary_id = "100000018"; }, "beneficiary_id"},
      {[](AldRegistration& r) { r.beneficiary_id = "100000017-00"; }, "beneficiary_id"},
      {[](AldRegistration& r) { r.valid_from = "2026-02-30"; }, "valid_from"},
      {[](AldRegistration& r) { r.valid_until = "2025-12-31"; }, "valid_until"},
      {[](AldRegistration& r) { r.registered_by = ""; }, "registered_by"},
      {[](AldRegistration& r) { r.registered_by = "agent 1"; }, "registered_by"},
  };
  for (const auto& [change, field] : cases) {
    AldRegistration r = good;
    change(r);
    absl::Status refused = ald.Register(r).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << field << ": " << refused;
    EXPECT_THAT(std::string(refused.message()), HasSubstr(field));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ald_certificates"), 0);
}

INSTANTIATE_BACKENDS(ReferenceDataTest);

}  // namespace
}  // namespace himaya::claims
