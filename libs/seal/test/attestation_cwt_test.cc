#include "seal/attestation_cwt.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seal/cbor_items.h"
#include "seal/test/sample_claims.h"

namespace himaya::seal {
namespace {

using ::himaya::seal::testing::IssueTime;
using ::himaya::seal::testing::TypicalFamily;
using ::testing::HasSubstr;

using Pairs = std::vector<std::pair<CborItem, CborItem>>;

SealedClaims Sample() { return SealedClaims{IssueTime(), IssueTime() + absl::Hours(24 * 365), TypicalFamily()}; }

// A claims set around `attestation`.
std::string WithAttestation(CborItem attestation) {
  Pairs pairs;
  pairs.emplace_back(CborInt(1), CborText("himaya"));
  pairs.emplace_back(CborInt(6), CborInt(1795860000));
  pairs.emplace_back(CborInt(4), CborInt(1827396000));
  pairs.emplace_back(CborInt(kAttestationClaimKey), std::move(attestation));
  return *Serialize(CborMap(std::move(pairs)));
}

Pairs SmallAttestation() {
  Pairs pairs;
  pairs.emplace_back(CborInt(1), CborText("a1"));
  pairs.emplace_back(CborInt(2), CborText("100000017"));
  pairs.emplace_back(CborInt(3), CborText("Amina"));
  pairs.emplace_back(CborInt(4), CborText("Alaoui"));
  pairs.emplace_back(CborInt(5), CborText("amo-tadamon"));
  pairs.emplace_back(CborInt(6), CborInt(20785));  // 2026-11-28
  pairs.emplace_back(CborInt(7), CborInt(21149));
  pairs.emplace_back(CborInt(8), CborArray({}));
  return pairs;
}

TEST(AttestationCwt, RoundTrips) {
  const absl::StatusOr<SealedClaims> decoded = DecodeSealedClaims(*EncodeSealedClaims(Sample()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->issued_at, Sample().issued_at);
  EXPECT_EQ(decoded->expires_at, Sample().expires_at);
  EXPECT_TRUE(decoded->attestation == TypicalFamily());
}

TEST(AttestationCwt, DaysCountFromTheEpoch) {
  const absl::StatusOr<SealedClaims> decoded = DecodeSealedClaims(WithAttestation(CborMap(SmallAttestation())));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->attestation.issued_on, absl::CivilDay(2026, 11, 28));
  EXPECT_EQ(decoded->issued_at, absl::FromUnixSeconds(1795860000));
}

TEST(AttestationCwt, IgnoresUnknownClaimsOfTheClaimsSet) {
  Pairs pairs;
  pairs.emplace_back(CborInt(1), CborText("himaya"));
  pairs.emplace_back(CborInt(6), CborInt(1795860000));
  pairs.emplace_back(CborInt(4), CborInt(1827396000));
  pairs.emplace_back(CborInt(7), CborBytes("cti"));
  pairs.emplace_back(CborInt(kAttestationClaimKey), CborMap(SmallAttestation()));
  EXPECT_TRUE(DecodeSealedClaims(*Serialize(CborMap(std::move(pairs)))).ok());
}

TEST(AttestationCwt, RefusesAnotherIssuerOrAMissingClaim) {
  Pairs pairs;
  pairs.emplace_back(CborInt(1), CborText("someone else"));
  pairs.emplace_back(CborInt(6), CborInt(1));
  pairs.emplace_back(CborInt(4), CborInt(2));
  pairs.emplace_back(CborInt(kAttestationClaimKey), CborMap(SmallAttestation()));
  EXPECT_THAT(DecodeSealedClaims(*Serialize(CborMap(std::move(pairs)))).status().message(), HasSubstr("iss"));

  Pairs no_exp;
  no_exp.emplace_back(CborInt(1), CborText("himaya"));
  no_exp.emplace_back(CborInt(6), CborInt(1));
  no_exp.emplace_back(CborInt(kAttestationClaimKey), CborMap(SmallAttestation()));
  EXPECT_THAT(DecodeSealedClaims(*Serialize(CborMap(std::move(no_exp)))).status().message(), HasSubstr("exp: missing"));
}

TEST(AttestationCwt, RefusesAnAttestationOfAnotherShape) {
  Pairs extra = SmallAttestation();
  extra.emplace_back(CborInt(9), CborText("CIN"));
  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborMap(std::move(extra)))).status().message(),
              HasSubstr("unknown key 9"));

  Pairs missing = SmallAttestation();
  missing.pop_back();
  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborMap(std::move(missing)))).status().message(),
              HasSubstr("missing"));

  Pairs text_day = SmallAttestation();
  text_day[5].second = CborText("2026-11-28");
  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborMap(std::move(text_day)))).status().message(),
              HasSubstr("issued_on: not an integer"));

  Pairs far_day = SmallAttestation();
  far_day[6].second = CborInt(std::numeric_limits<int64_t>::max());
  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborMap(std::move(far_day)))).status().message(),
              HasSubstr("valid_until: outside 1900 to 2199"));

  Pairs bad_number = SmallAttestation();
  bad_number[1].second = CborText("100000018");
  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborMap(std::move(bad_number)))).status().message(),
              HasSubstr("registration_number"));

  EXPECT_THAT(DecodeSealedClaims(WithAttestation(CborArray({}))).status().message(),
              HasSubstr("attestation: not a map"));
}

TEST(AttestationCwt, RefusesAMemberOfAnotherShape) {
  const auto with_member = [](Pairs member) {
    Pairs pairs = SmallAttestation();
    std::vector<CborItem> members;
    members.push_back(CborMap(std::move(member)));
    pairs[7].second = CborArray(std::move(members));
    return DecodeSealedClaims(WithAttestation(CborMap(std::move(pairs))));
  };
  const auto member = [](int64_t relationship, absl::string_view first_name) {
    Pairs pairs;
    pairs.emplace_back(CborInt(1), CborText("B100000231"));
    pairs.emplace_back(CborInt(2), CborInt(relationship));
    pairs.emplace_back(CborInt(3), CborText(first_name));
    pairs.emplace_back(CborInt(4), CborText("Alaoui"));
    pairs.emplace_back(CborInt(5), CborInt(15000));
    return pairs;
  };
  EXPECT_TRUE(with_member(member(3, "Sara")).ok());
  EXPECT_THAT(with_member(member(1, "Sara")).status().message(), HasSubstr("neither SPOUSE nor CHILD"));
  EXPECT_THAT(with_member(member(2, "")).status().message(), HasSubstr("members[0].first_name"));
  EXPECT_FALSE(with_member(member(2, "\xc3\x28")).ok());  // not UTF-8 (libcbor refuses it first)
  Pairs extra = member(2, "Sara");
  extra.emplace_back(CborInt(6), CborText("F"));
  EXPECT_THAT(with_member(std::move(extra)).status().message(), HasSubstr("unknown key 6"));
}

TEST(AttestationCwt, RefusesMoreMembersThanTheLimit) {
  SealedClaims sample = Sample();
  while (sample.attestation.members.size() <= kMaxMembers) {
    sample.attestation.members.push_back(sample.attestation.members.back());
  }
  // Encoding does not check; decoding does.
  EXPECT_FALSE(DecodeSealedClaims(*EncodeSealedClaims(sample)).ok());
}

}  // namespace
}  // namespace himaya::seal
