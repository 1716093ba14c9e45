// AttestationStore on both backends: a certificate recorded and found again as written, an id
// recorded once, and the latest certificate of an insured at a family version.
#include "beneficiary/src/attestation_store.h"

#include "beneficiary/test/beneficiary_database.h"
#include "gtest/gtest.h"

namespace himaya::beneficiary {
namespace {

class AttestationStoreTest : public BeneficiaryDatabaseTest {
 protected:
  static IssuedAttestation Record(const std::string& id, int64_t version, absl::Time at,
                                  const std::string& number = "100000017") {
    return {id, number, absl::CivilDay(2026, 3, 1), absl::CivilDay(2026, 5, 29), version, "k1", at};
  }
  std::optional<IssuedAttestation> Find(const std::string& id) {
    return InWrite([&](storage::Transaction& tx) { return AttestationStore::Find(tx, id); });
  }
  std::optional<IssuedAttestation> LatestOfVersion(const std::string& number, int64_t version) {
    return InWrite([&](storage::Transaction& tx) { return AttestationStore::LatestOfVersion(tx, number, version); });
  }
  const absl::Time t0_ = absl::FromUnixMicros(1772359200123456);
};

TEST_P(AttestationStoreTest, ARecordedCertificateIsFoundAsWritten) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return AttestationStore::Insert(tx, Record("a", 3, t0_)); }).ok());
  std::optional<IssuedAttestation> got = Find("a");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->attestation_id, "a");
  EXPECT_EQ(got->registration_number, "100000017");
  EXPECT_EQ(got->issued_on, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(got->valid_until, absl::CivilDay(2026, 5, 29));
  EXPECT_EQ(got->family_version, 3);
  EXPECT_EQ(got->key_id, "k1");
  EXPECT_EQ(got->issued_at, t0_);
  EXPECT_FALSE(Find("b").has_value());
}

TEST_P(AttestationStoreTest, AnIdIsRecordedOnce) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) { return AttestationStore::Insert(tx, Record("a", 0, t0_)); }).ok());
  EXPECT_EQ(Write([&](storage::Transaction& tx) { return AttestationStore::Insert(tx, Record("a", 1, t0_)); }).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_P(AttestationStoreTest, TheLatestAtAVersionIsTheLastIssuedOfThatInsuredAtIt) {
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                for (const IssuedAttestation& r :
                     {Record("v1-early", 1, t0_), Record("v1-late", 1, t0_ + absl::Hours(1)),
                      Record("v2", 2, t0_ + absl::Hours(2)),
                      Record("other-insured", 1, t0_ + absl::Hours(3), "100000025")}) {
                  absl::Status s = AttestationStore::Insert(tx, r);
                  if (!s.ok()) return s;
                }
                return absl::OkStatus();
              }).ok());
  std::optional<IssuedAttestation> v1 = LatestOfVersion("100000017", 1);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->attestation_id, "v1-late");
  EXPECT_EQ(LatestOfVersion("100000017", 2)->attestation_id, "v2");
  EXPECT_FALSE(LatestOfVersion("100000017", 3).has_value());
  EXPECT_EQ(LatestOfVersion("100000025", 1)->attestation_id, "other-insured");
}

INSTANTIATE_BACKENDS(AttestationStoreTest);

}  // namespace
}  // namespace himaya::beneficiary
