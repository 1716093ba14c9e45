// Registration certificates through the gRPC edge (a real server and stub), on both backends,
// with a registration the test scripts and a key pair made for the test: the PDF read back with
// Debian's pdftotext (number and names, Arabic included), its QR code read back out of the PDF
// and opened with the ring (exactly the family covered that day); the online check VALID, then
// SUPERSEDED after a declaration or a removal, EXPIRED past validity, the seal's refusals, and
// UNKNOWN; registration unavailable, an unknown insured.
#include "beneficiary/src/attestations.h"

#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "attestation/pdf_qr_reader.h"
#include "attestation/test/debian_tools.h"
#include "beneficiary/src/beneficiary_service.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "core/programs.h"
#include "gtest/gtest.h"
#include "rpc/call.h"
#include "rpc/server.h"
#include "seal/base45.h"
#include "seal/compression.h"
#include "seal/refusal.h"
#include "seal/seal.h"
#include "testing/queries.h"
#include "testing/temp_dir.h"

namespace himaya::beneficiary {
namespace {

using Stub = v1::BeneficiaryService::Stub;

constexpr char kLatinInsured[] = "100000017";
constexpr char kArabicInsured[] = "100000025";

class AttestationsTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    auto key = seal::CreateSigningKey(keys_dir_.path(), "k1");
    ASSERT_TRUE(key.ok()) << key.status();
    key_.emplace(*key);
    auto ring = seal::LoadKeyRing(keys_dir_.path());
    ASSERT_TRUE(ring.ok()) << ring.status();
    ring_ = *ring;
    ASSERT_TRUE(absl::LoadTimeZone("Africa/Casablanca", &zone_)) << "tzdata";
    families_ = std::make_unique<Families>(*db_, FamilyRules::Shipped(), registration_, clock_,
                                           events::EventSource{"beneficiary", &clock_, &random_}, zone_);
    eligibility_ = std::make_unique<Eligibility>(*db_, FamilyRules::Shipped(), clock_);
    attestations_ = std::make_unique<Attestations>(*families_, *db_, registration_, &*key_, ring_, clock_, random_,
                                                   AttestationOptions{.validity_days = 90});
    service_ = std::make_unique<BeneficiaryService>(*families_, *eligibility_, *attestations_, pool_);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
    for (const char* number : {kLatinInsured, kArabicInsured}) {
      InWrite([&](storage::Transaction& tx) {
        return InsuredStore::RecordRegistered(
            tx, {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2022, 4, 1), true, 0});
      });
    }
    registration_.AddNames(kLatinInsured, {"Amina", "Alaoui"});
    registration_.AddNames(kArabicInsured, {"أمينة", "العلوي"});
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }

  // Declares a spouse or child of `number` covered from `start`; returns the beneficiary id.
  std::string Declare(v1::Relationship relationship, const std::string& first_name, const std::string& last_name,
                      const std::string& birth_date, const std::string& number = kLatinInsured,
                      const std::string& start = "2026-03-01") {
    v1::DeclareFamilyMemberRequest r;
    r.set_registration_number(number);
    r.set_relationship(relationship);
    r.set_first_name(first_name);
    r.set_last_name(last_name);
    r.set_birth_date(birth_date);
    r.set_sex("F");
    r.set_start_date(start);
    auto response = rpc::Call(*stub_, &Stub::DeclareFamilyMember, r);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->beneficiary().beneficiary_id() : "";
  }
  void Remove(const std::string& beneficiary_id, const std::string& end_date) {
    v1::RemoveFamilyMemberRequest r;
    r.set_registration_number(kLatinInsured);
    r.set_beneficiary_id(beneficiary_id);
    r.set_reason("DIVORCE");
    r.set_end_date(end_date);
    r.set_removed_by("AGENT:amal");
    auto response = rpc::Call(*stub_, &Stub::RemoveFamilyMember, r);
    EXPECT_TRUE(response.ok()) << response.status();
  }
  absl::StatusOr<v1::Attestation> Get(const std::string& number, const std::string& language = "") {
    v1::GetAttestationRequest r;
    r.set_registration_number(number);
    r.set_language(language);
    return rpc::Call(*stub_, &Stub::GetAttestation, r);
  }
  // A refused GetAttestation: its code, message and `himaya-reason`.
  struct Refusal {
    grpc::StatusCode code;
    std::string message;
    std::string reason;
  };
  Refusal Refused(const std::string& number, const std::string& language = "") {
    v1::GetAttestationRequest r;
    r.set_registration_number(number);
    r.set_language(language);
    grpc::ClientContext context;
    v1::Attestation response;
    grpc::Status status = stub_->GetAttestation(&context, r, &response);
    Refusal out{status.error_code(), status.error_message(), ""};
    auto it = context.GetServerTrailingMetadata().find(kReasonMetadata);
    if (it != context.GetServerTrailingMetadata().end()) out.reason = std::string(it->second.data(), it->second.size());
    return out;
  }
  absl::StatusOr<v1::VerifyAttestationResponse> Verify(const std::string& qr_text, const std::string& id) {
    v1::VerifyAttestationRequest r;
    r.set_qr_text(qr_text);
    r.set_attestation_id(id);
    return rpc::Call(*stub_, &Stub::VerifyAttestation, r);
  }
  // The instant `day` starts in the service's time zone.
  absl::Time StartOf(absl::CivilDay day) const { return absl::FromCivil(day, zone_); }
  absl::StatusOr<v1::VerifyAttestationResponse> VerifyText(const std::string& qr_text) {
    v1::VerifyAttestationRequest r;
    r.set_qr_text(qr_text);
    return rpc::Call(*stub_, &Stub::VerifyAttestation, r);
  }
  absl::StatusOr<v1::VerifyAttestationResponse> VerifyId(const std::string& id) {
    v1::VerifyAttestationRequest r;
    r.set_attestation_id(id);
    return rpc::Call(*stub_, &Stub::VerifyAttestation, r);
  }
  // The status VerifyAttestation answers for `qr_text` ("" when the call fails).
  std::string StatusOfText(const std::string& qr_text) {
    auto checked = VerifyText(qr_text);
    EXPECT_TRUE(checked.ok()) << checked.status();
    return checked.ok() ? checked->status() : "";
  }
  std::string StatusOfId(const std::string& id) {
    auto checked = VerifyId(id);
    EXPECT_TRUE(checked.ok()) << checked.status();
    return checked.ok() ? checked->status() : "";
  }
  int64_t Recorded() { return testing::Count(*db_, "SELECT COUNT(*) FROM attestations"); }

  absl::TimeZone zone_;
  testing::TempDir keys_dir_;
  std::optional<seal::SigningKey> key_;
  seal::KeyRing ring_;
  FakeRegistrationDirectory registration_;
  core::ThreadPool pool_{2};
  std::unique_ptr<Families> families_;
  std::unique_ptr<Eligibility> eligibility_;
  std::unique_ptr<Attestations> attestations_;
  std::unique_ptr<BeneficiaryService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(AttestationsTest, ACertificatePrintsAndSealsTheInsuredAndTheFamilyCoveredToday) {
  const std::string spouse = Declare(v1::RELATIONSHIP_SPOUSE, "Khadija", "Bennani", "1990-01-02");
  const std::string child = Declare(v1::RELATIONSHIP_CHILD, "Sara", "Alaoui", "2015-06-01");
  const std::string removed =
      Declare(v1::RELATIONSHIP_CHILD, "Youssef", "Alaoui", "2012-02-03", kLatinInsured, "2026-01-01");
  Remove(removed, "2026-02-28");
  const std::string future =
      Declare(v1::RELATIONSHIP_CHILD, "Nour", "Alaoui", "2026-02-01", kLatinInsured, "2026-04-01");

  auto issued = Get(kLatinInsured, "ar");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->registration_number(), kLatinInsured);
  EXPECT_EQ(issued->issued_on(), "2026-03-01");
  EXPECT_EQ(issued->valid_until(), "2026-05-29") << "90 days, the day of issue included";
  EXPECT_EQ(issued->attestation_id().size(), 36u);
  EXPECT_TRUE(absl::StartsWith(issued->qr_text(), "HMY1:"));
  EXPECT_EQ(registration_.names_calls(), 1);

  auto text = attestation::testing::ExtractText(issued->pdf());
  ASSERT_TRUE(text.ok()) << text.status();
  for (const char* shown :
       {kLatinInsured, "Amina", "Alaoui", "Khadija", "Bennani", "Sara", "100000017-01", "100000017-02", "29/05/2026"}) {
    EXPECT_TRUE(absl::StrContains(*text, shown)) << shown;
  }
  EXPECT_TRUE(absl::StrContains(*text, issued->attestation_id())) << issued->attestation_id() << "\n" << *text;
  EXPECT_FALSE(absl::StrContains(*text, "Youssef")) << "removed before the day of issue";
  EXPECT_FALSE(absl::StrContains(*text, "Nour")) << "covered only from a later day";

  auto codes = attestation::ReadQrCodes(issued->pdf());
  ASSERT_TRUE(codes.ok()) << codes.status();
  ASSERT_EQ(*codes, std::vector<std::string>{issued->qr_text()});
  auto claims = seal::Open((*codes)[0], ring_, clock_.Now());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->attestation_id, issued->attestation_id());
  EXPECT_EQ(claims->registration_number, kLatinInsured);
  EXPECT_EQ(claims->first_name, "Amina");
  EXPECT_EQ(claims->last_name, "Alaoui");
  EXPECT_EQ(claims->program, "amo-tns");
  EXPECT_EQ(claims->issued_on, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(claims->valid_until, absl::CivilDay(2026, 5, 29));
  const std::vector<seal::AttestationMember> family = {
      {spouse, seal::MemberRelationship::kSpouse, "Khadija", "Bennani", absl::CivilDay(1990, 1, 2)},
      {child, seal::MemberRelationship::kChild, "Sara", "Alaoui", absl::CivilDay(2015, 6, 1)}};
  EXPECT_EQ(claims->members, family) << "exactly the family covered on the day of issue";
  EXPECT_NE(future, "");

  auto rows = testing::Rows(*db_,
                            "SELECT registration_number, issued_on, valid_until, family_version, key_id "
                            "FROM attestations");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), kLatinInsured);
  EXPECT_EQ(rows[0].Text(1), "2026-03-01");
  EXPECT_EQ(rows[0].Text(2), "2026-05-29");
  EXPECT_EQ(rows[0].Int(3), 5) << "four declarations and a removal";
  EXPECT_EQ(rows[0].Text(4), "k1");
}

TEST_P(AttestationsTest, ArabicNamesArePrintedAndSealedAsRegistered) {
  Declare(v1::RELATIONSHIP_CHILD, "مريم", "العلوي", "2016-09-10", kArabicInsured);
  auto issued = Get(kArabicInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto text = attestation::testing::ExtractText(issued->pdf());
  ASSERT_TRUE(text.ok()) << text.status();
  for (const char* shown : {kArabicInsured, "أمينة", "العلوي", "مريم"}) {
    EXPECT_TRUE(absl::StrContains(*text, shown)) << shown;
  }
  auto claims = seal::Open(issued->qr_text(), ring_, clock_.Now());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->first_name, "أمينة");
  ASSERT_EQ(claims->members.size(), 1u);
  EXPECT_EQ(claims->members[0].first_name, "مريم");
}

TEST_P(AttestationsTest, ACertificateIsValidUntilADeclarationSupersedesIt) {
  auto first = Get(kLatinInsured);
  ASSERT_TRUE(first.ok()) << first.status();
  auto by_id = VerifyId(first->attestation_id());
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->status(), "VALID");
  EXPECT_EQ(by_id->attestation_id(), first->attestation_id());
  EXPECT_EQ(by_id->registration_number(), kLatinInsured);
  EXPECT_EQ(by_id->issued_on(), "2026-03-01");
  EXPECT_EQ(by_id->valid_until(), "2026-05-29");
  EXPECT_EQ(by_id->superseded_by(), "");
  EXPECT_EQ(by_id->checked_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(StatusOfText(first->qr_text()), "VALID");

  Declare(v1::RELATIONSHIP_CHILD, "Sara", "Alaoui", "2015-06-01");
  auto superseded = VerifyText(first->qr_text());
  ASSERT_TRUE(superseded.ok()) << superseded.status();
  EXPECT_EQ(superseded->status(), "SUPERSEDED");
  EXPECT_EQ(superseded->attestation_id(), first->attestation_id());
  EXPECT_EQ(superseded->superseded_by(), "") << "no certificate shows the new family yet";

  clock_.Advance(absl::Minutes(5));
  auto second = Get(kLatinInsured);
  ASSERT_TRUE(second.ok()) << second.status();
  auto replaced = VerifyId(first->attestation_id());
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->status(), "SUPERSEDED");
  EXPECT_EQ(replaced->superseded_by(), second->attestation_id());
  EXPECT_EQ(StatusOfId(second->attestation_id()), "VALID");
  EXPECT_EQ(StatusOfText(second->qr_text()), "VALID");
}

TEST_P(AttestationsTest, ARemovalSupersedesTheCertificatesShowingTheMember) {
  const std::string child = Declare(v1::RELATIONSHIP_CHILD, "Sara", "Alaoui", "2015-06-01");
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(StatusOfId(issued->attestation_id()), "VALID");
  Remove(child, "2026-03-01");
  EXPECT_EQ(StatusOfId(issued->attestation_id()), "SUPERSEDED");
  EXPECT_EQ(StatusOfText(issued->qr_text()), "SUPERSEDED");
}

TEST_P(AttestationsTest, ACertificateExpiresAtTheEndOfItsLastValidDayInTheServicesTimeZoneOnlineAndOffline) {
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_EQ(issued->valid_until(), "2026-05-29");
  // Casablanca is UTC+1 then: the last valid second is 22:59:59 UTC, an hour before the UTC midnight.
  const absl::Time end = StartOf(absl::CivilDay(2026, 5, 30));
  ASSERT_EQ(end, absl::FromCivil(absl::CivilSecond(2026, 5, 29, 23, 0, 0), absl::UTCTimeZone()));
  clock_.Set(end - absl::Seconds(1));
  EXPECT_EQ(StatusOfId(issued->attestation_id()), "VALID");
  EXPECT_EQ(StatusOfText(issued->qr_text()), "VALID");
  EXPECT_TRUE(seal::Open(issued->qr_text(), ring_, clock_.Now()).ok()) << "offline, as a reader with the ring";
  clock_.Set(end);
  EXPECT_EQ(StatusOfId(issued->attestation_id()), "EXPIRED");
  EXPECT_EQ(StatusOfText(issued->qr_text()), "EXPIRED");
  auto offline = seal::Open(issued->qr_text(), ring_, clock_.Now());
  EXPECT_EQ(seal::RefusalOf(offline.status()), seal::Refusal::kExpired) << offline.status();
}

TEST_P(AttestationsTest, AnInsuredNotCoveredTodayGetsNoCertificate) {
  constexpr char kLater[] = "100000033";
  InWrite([&](storage::Transaction& tx) {
    return InsuredStore::RecordRegistered(
        tx, {kLater, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2026, 3, 2), true, 0});
  });
  registration_.AddNames(kLater, {"Omar", "Tazi"});
  const Refusal refused = Refused(kLater);
  EXPECT_EQ(refused.code, grpc::StatusCode::FAILED_PRECONDITION) << refused.message;
  EXPECT_EQ(refused.reason, "INSURED_NOT_COVERED");
  EXPECT_TRUE(absl::StrContains(refused.message, "NOT_YET_COVERED")) << refused.message;
  EXPECT_EQ(Recorded(), 0);
  EXPECT_EQ(registration_.names_calls(), 0);

  clock_.Set(StartOf(absl::CivilDay(2026, 3, 2)));
  auto issued = Get(kLater);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->issued_on(), "2026-03-02") << "covered from the day of registration";
}

TEST_P(AttestationsTest, ALanguageOtherThanFrenchOrArabicIsRefused) {
  EXPECT_TRUE(Get(kLatinInsured, "fr").ok());
  EXPECT_TRUE(Get(kLatinInsured, "ar").ok());
  EXPECT_TRUE(Get(kLatinInsured, "").ok());
  for (const char* language : {"en", "FR", "fr-MA", " ar"}) {
    const Refusal refused = Refused(kLatinInsured, language);
    EXPECT_EQ(refused.code, grpc::StatusCode::INVALID_ARGUMENT) << language;
    EXPECT_TRUE(absl::StrContains(refused.message, "language")) << refused.message;
  }
  EXPECT_EQ(Recorded(), 3);
}

TEST_P(AttestationsTest, AVerificationAsksForExactlyOneOfQrTextAndAnIdOfBoundedLength) {
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto both = Verify(issued->qr_text(), issued->attestation_id());
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument) << both.status();
  EXPECT_TRUE(absl::StrContains(both.status().message(), "qr_text")) << both.status();
  EXPECT_TRUE(absl::StrContains(both.status().message(), "attestation_id")) << both.status();
  auto neither = Verify("", "");
  EXPECT_EQ(neither.status().code(), absl::StatusCode::kInvalidArgument) << neither.status();

  EXPECT_EQ(StatusOfId(std::string(seal::kMaxIdLength, 'a')), "UNKNOWN");
  auto long_id = VerifyId(std::string(seal::kMaxIdLength + 1, 'a'));
  EXPECT_EQ(long_id.status().code(), absl::StatusCode::kInvalidArgument) << long_id.status();
  EXPECT_TRUE(absl::StrContains(long_id.status().message(), "attestation_id")) << long_id.status();
  EXPECT_EQ(StatusOfId(issued->attestation_id()), "VALID");
}

TEST_P(AttestationsTest, TheProgramIsPrintedByItsFrenchAndArabicLabels) {
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto text = attestation::testing::ExtractText(issued->pdf());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_FALSE(absl::StrContains(*text, "amo-tns (amo-tns)")) << *text;
  EXPECT_TRUE(absl::StrContains(*text, "AMO des travailleurs non salariés")) << *text;
  EXPECT_TRUE(absl::StrContains(*text, "للعمال غير الأجراء")) << *text;
}

TEST_P(AttestationsTest, ASealChangedOrSignedByAKeyNotInTheRingIsRefusedWithItsReason) {
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok()) << issued.status();
  const std::string text = issued->qr_text();

  // One byte of the signed COSE_Sign1 changed (its signature's last), packed again.
  auto packed = seal::DecodeBase45(text.substr(seal::kSealPrefix.size()));
  ASSERT_TRUE(packed.ok());
  auto signed_bytes = seal::InflateBounded(*packed, seal::kMaxSignedBytes);
  ASSERT_TRUE(signed_bytes.ok());
  signed_bytes->back() ^= 0x01;
  auto repacked = seal::Deflate(*signed_bytes);
  ASSERT_TRUE(repacked.ok());
  auto changed = VerifyText(absl::StrCat(seal::kSealPrefix, seal::EncodeBase45(*repacked)));
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->status(), "BAD_SIGNATURE");
  EXPECT_EQ(changed->attestation_id(), "") << "nothing of a refused seal is told";

  // One character of the text changed: no longer a zlib stream.
  std::string garbled = text;
  garbled[10] = garbled[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(StatusOfText(garbled), "MALFORMED");
  EXPECT_EQ(StatusOfText("not a seal"), "MALFORMED");

  auto claims = seal::Open(text, ring_, clock_.Now());
  ASSERT_TRUE(claims.ok());
  auto stranger = seal::SigningKey::Generate("k9");
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(StatusOfText(*seal::Seal(*claims, *stranger, clock_.Now())), "UNKNOWN_KEY");
}

TEST_P(AttestationsTest, AnIdOrASealNeverIssuedIsUnknown) {
  auto unknown = VerifyId("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->status(), "UNKNOWN");
  EXPECT_EQ(unknown->attestation_id(), "");

  // Signed with the service's own key, but never recorded (nor issued by it).
  auto issued = Get(kLatinInsured);
  ASSERT_TRUE(issued.ok());
  auto claims = seal::Open(issued->qr_text(), ring_, clock_.Now());
  ASSERT_TRUE(claims.ok());
  claims->attestation_id = "never-issued";
  EXPECT_EQ(StatusOfText(*seal::Seal(*claims, *key_, clock_.Now())), "UNKNOWN");
}

TEST_P(AttestationsTest, AnUnknownInsuredIsNotFoundWithoutAskingRegistration) {
  auto missing = Get("100000033");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();
  EXPECT_EQ(registration_.names_calls(), 0);
  EXPECT_EQ(Recorded(), 0);
}

TEST_P(AttestationsTest, WhenRegistrationCannotTellTheNamesNothingIsIssued) {
  registration_.FailWith(absl::UnavailableError("down"));
  auto issued = Get(kLatinInsured);
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kUnavailable) << issued.status();
  EXPECT_EQ(Recorded(), 0);
  registration_.FailWith(absl::OkStatus());
  EXPECT_TRUE(Get(kLatinInsured).ok());
  EXPECT_EQ(Recorded(), 1);
}

INSTANTIATE_BACKENDS(AttestationsTest);

TEST(ProgramLabelsOf, EveryProgramHasItsOwnFrenchAndArabicLabels) {
  std::set<std::string> seen;
  for (const std::string& program : core::AllPrograms()) {
    const ProgramLabels labels = ProgramLabelsOf(program);
    EXPECT_NE(labels.fr, program);
    EXPECT_NE(labels.ar, program);
    EXPECT_TRUE(seen.insert(labels.fr).second) << labels.fr;
    EXPECT_TRUE(seen.insert(labels.ar).second) << labels.ar;
  }
  EXPECT_EQ(ProgramLabelsOf("amo-tadamon").fr, "AMO Tadamon");
  EXPECT_EQ(ProgramLabelsOf("other").fr, "other") << "an unknown program by its code";
}

}  // namespace
}  // namespace himaya::beneficiary
