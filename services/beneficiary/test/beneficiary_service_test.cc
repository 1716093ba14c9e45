// Declarations, removals, the family list and eligibility through the gRPC edge (a real server
// and stub), on both backends, with a registration that the test scripts: every refusal code
// with its status, message and `himaya-reason`, the checks that only registration can make,
// idempotency keys, and the events published (never a name).
#include "beneficiary/src/beneficiary_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "beneficiary/src/insured_store.h"
#include "beneficiary/test/beneficiary_database.h"
#include "beneficiary/test/fake_registration_directory.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/events.pb.h"
#include "rpc/call.h"
#include "rpc/server.h"
#include "seal/seal.h"
#include "testing/queries.h"

namespace himaya::beneficiary {
namespace {

using Stub = v1::BeneficiaryService::Stub;

// A call's status and the refusal code in its trailing metadata.
struct Refusal {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string reason;
};

class BeneficiaryServiceTest : public BeneficiaryDatabaseTest {
 protected:
  void SetUp() override {
    BeneficiaryDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    families_ = std::make_unique<Families>(*db_, FamilyRules::Shipped(), registration_, clock_,
                                           events::EventSource{"beneficiary", &clock_, &random_});
    eligibility_ = std::make_unique<Eligibility>(*db_, FamilyRules::Shipped(), clock_);
    auto key = seal::SigningKey::FromSeed("test-1", std::string(32, '\x07'));
    ASSERT_TRUE(key.ok()) << key.status();
    key_.emplace(*key);
    seal::KeyRing ring;
    ASSERT_TRUE(ring.Add(key_->kid(), key_->public_key()).ok());
    attestations_ = std::make_unique<Attestations>(*families_, *db_, registration_, &*key_, std::move(ring), clock_,
                                                   random_, AttestationOptions{.validity_days = 90});
    registration_.AddNames("100000017", {"Amina", "Alaoui"});
    service_ = std::make_unique<BeneficiaryService>(*families_, *eligibility_, *attestations_, pool_);
    auto server = rpc::Server::Start({.services = {service_.get()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = std::make_unique<Stub>(rpc::NewChannel(absl::StrCat("127.0.0.1:", server_->port())));
    for (const char* number : {"100000017", "100000025"}) {
      InWrite([&](storage::Transaction& tx) {
        return InsuredStore::RecordRegistered(
            tx, {number, "amo-tns", "AGRI", "Settat", "Casablanca-Settat", absl::CivilDay(2022, 4, 1), true, 0});
      });
    }
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
  }
  static v1::DeclareFamilyMemberRequest Child(const std::string& first_name, const std::string& birth_date,
                                              const std::string& number = "100000017") {
    v1::DeclareFamilyMemberRequest r;
    r.set_registration_number(number);
    r.set_relationship(v1::RELATIONSHIP_CHILD);
    r.set_first_name(first_name);
    r.set_last_name("Alaoui");
    r.set_birth_date(birth_date);
    r.set_sex("f");
    r.set_start_date("2026-03-01");
    return r;
  }
  static v1::DeclareFamilyMemberRequest Spouse(const std::string& first_name) {
    v1::DeclareFamilyMemberRequest r = Child(first_name, "1990-01-02");
    r.set_relationship(v1::RELATIONSHIP_SPOUSE);
    return r;
  }
  absl::StatusOr<v1::Beneficiary> Declare(const v1::DeclareFamilyMemberRequest& r) {
    auto response = rpc::Call(*stub_, &Stub::DeclareFamilyMember, r);
    if (!response.ok()) return response.status();
    return response->beneficiary();
  }
  Refusal Refused(const v1::DeclareFamilyMemberRequest& r) {
    grpc::ClientContext context;
    v1::DeclareFamilyMemberResponse response;
    grpc::Status status = stub_->DeclareFamilyMember(&context, r, &response);
    Refusal out{status.error_code(), status.error_message(), ""};
    auto it = context.GetServerTrailingMetadata().find(kReasonMetadata);
    if (it != context.GetServerTrailingMetadata().end()) out.reason = std::string(it->second.data(), it->second.size());
    return out;
  }
  absl::StatusOr<v1::Beneficiary> Remove(const std::string& id, const std::string& reason, const std::string& end,
                                         const std::string& number = "100000017") {
    v1::RemoveFamilyMemberRequest r;
    r.set_registration_number(number);
    r.set_beneficiary_id(id);
    r.set_reason(reason);
    r.set_end_date(end);
    r.set_removed_by("AGENT:amal");
    r.set_note("moved abroad");
    auto response = rpc::Call(*stub_, &Stub::RemoveFamilyMember, r);
    if (!response.ok()) return response.status();
    return response->beneficiary();
  }
  int64_t Outbox() { return testing::Count(*db_, "SELECT COUNT(*) FROM outbox"); }
  FakeRegistrationDirectory registration_;
  core::ThreadPool pool_{2};
  std::unique_ptr<Families> families_;
  std::unique_ptr<Eligibility> eligibility_;
  std::optional<seal::SigningKey> key_;
  std::unique_ptr<Attestations> attestations_;
  std::unique_ptr<BeneficiaryService> service_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_P(BeneficiaryServiceTest, ADeclaredChildIsCoveredWithItsEventAndNoNameInIt) {
  v1::DeclareFamilyMemberRequest r = Child("Sara", "2015-06-01");
  r.set_studying_until("2037-06-30");
  r.set_apprenticeship_until("2031-06-30");
  r.set_cin(" bk123 ");
  r.set_declared_by("AGENT:amal");
  auto declared = Declare(r);
  ASSERT_TRUE(declared.ok()) << declared.status();
  EXPECT_EQ(declared->beneficiary_id(), "100000017-01");
  EXPECT_EQ(declared->registration_number(), "100000017");
  EXPECT_EQ(declared->relationship(), v1::RELATIONSHIP_CHILD);
  EXPECT_EQ(declared->first_name(), "Sara");
  EXPECT_EQ(declared->birth_date(), "2015-06-01");
  EXPECT_EQ(declared->sex(), "F");
  EXPECT_EQ(declared->studying_until(), "2037-06-30");
  EXPECT_EQ(declared->apprenticeship_until(), "2031-06-30");
  EXPECT_EQ(declared->program(), "amo-tns");
  EXPECT_EQ(declared->source(), "AGENT");
  ASSERT_EQ(declared->periods_size(), 1);
  EXPECT_EQ(declared->periods(0).start_date(), "2026-03-01");
  EXPECT_TRUE(declared->covered_today());
  EXPECT_EQ(registration_.cin_calls(), 1) << "registration asked whether BK123 is registered";
  auto rows = testing::Rows(*db_, "SELECT topic, payload FROM outbox");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "himaya.beneficiary.amo-tns.v1");
  auto event = events::Unpack<v1::BeneficiaryDeclared>(*events::ParseEnvelope(rows[0].Text(1)));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->beneficiary_id(), "100000017-01");
  EXPECT_EQ(event->relationship(), "CHILD");
  EXPECT_EQ(event->source(), "AGENT");
  EXPECT_EQ(event->start_date(), "2026-03-01");
  EXPECT_FALSE(absl::StrContains(rows[0].Text(1), "Sara"));
  EXPECT_FALSE(absl::StrContains(rows[0].Text(1), "BK123"));
  auto second = Declare(Child("Omar", "2017-01-01"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->beneficiary_id(), "100000017-02");
}

TEST_P(BeneficiaryServiceTest, TheSameIdempotencyKeyDeclaresOnce) {
  v1::DeclareFamilyMemberRequest r = Child("Sara", "2015-06-01");
  r.set_idempotency_key("portal-42");
  auto first = Declare(r);
  auto again = Declare(r);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(again->beneficiary_id(), first->beneficiary_id());
  EXPECT_EQ(Outbox(), 1);
  r.set_registration_number("100000025");
  EXPECT_EQ(Declare(r).status().code(), absl::StatusCode::kInvalidArgument) << "a key of another family";
}

TEST_P(BeneficiaryServiceTest, MalformedRequestsNameTheirField) {
  struct Case {
    std::function<void(v1::DeclareFamilyMemberRequest&)> change;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](auto& r) { r.set_registration_number("100000018"); }, "registration_number"},
      {[](auto& r) { r.set_relationship(v1::RELATIONSHIP_INSURED); }, "relationship"},
      {[](auto& r) { r.set_relationship(v1::RELATIONSHIP_UNSPECIFIED); }, "relationship"},
      {[](auto& r) { r.set_first_name(" "); }, "first_name"},
      {[](auto& r) { r.set_last_name(std::string(101, 'a')); }, "last_name"},
      {[](auto& r) { r.set_last_name("Ala\x01oui"); }, "last_name"},
      {[](auto& r) { r.set_birth_date("2015-02-30"); }, "birth_date"},
      {[](auto& r) { r.set_sex("X"); }, "sex"},
      {[](auto& r) { r.set_cin("123"); }, "cin"},
      {[](auto& r) { r.set_studying_until("2030-13-01"); }, "studying_until"},
      {[](auto& r) { r.set_apprenticeship_until("2030-02-29"); }, "apprenticeship_until"},
      {[](auto& r) { r.set_apprenticeship_until("2015-05-31"); }, "apprenticeship_until"},
      {[](auto& r) { r.set_start_date("tomorrow"); }, "start_date"},
      {[](auto& r) { r.set_declared_by("SOMEONE"); }, "declared_by"},
      {[](auto& r) { r.set_idempotency_key(std::string(65, 'k')); }, "idempotency_key"},
  };
  for (const Case& c : cases) {
    v1::DeclareFamilyMemberRequest r = Child("Sara", "2015-06-01");
    c.change(r);
    Refusal got = Refused(r);
    EXPECT_EQ(got.code, grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_TRUE(absl::StartsWith(got.message, c.field + ":")) << got.message;
  }
  v1::DeclareFamilyMemberRequest spouse_studying = Spouse("Amina");
  spouse_studying.set_studying_until("2030-06-30");
  Refusal got = Refused(spouse_studying);
  EXPECT_EQ(got.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(got.reason, "STUDIES_FOR_CHILD_ONLY");
  v1::DeclareFamilyMemberRequest spouse_apprentice = Spouse("Amina");
  spouse_apprentice.set_apprenticeship_until("2030-06-30");
  got = Refused(spouse_apprentice);
  EXPECT_EQ(got.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(got.message, "apprenticeship_until:")) << got.message;
  EXPECT_EQ(Outbox(), 0);
  EXPECT_EQ(Refused(Child("Sara", "2015-06-01", "100000033")).code, grpc::StatusCode::NOT_FOUND);
}

TEST_P(BeneficiaryServiceTest, EveryRuleRefusesWithItsCode) {
  for (const char* name : {"Amina", "Khadija", "Fatima", "Zineb"}) ASSERT_TRUE(Declare(Spouse(name)).ok()) << name;
  struct Case {
    v1::DeclareFamilyMemberRequest request;
    std::string reason;
  };
  v1::DeclareFamilyMemberRequest young_spouse = Spouse("Salma");
  young_spouse.set_birth_date("2010-01-01");
  std::vector<Case> cases = {
      {Spouse("Salma"), "SPOUSE_LIMIT"},
      {Child("Omar", "2004-01-01"), "CHILD_AGE_LIMIT"},
      {Child("Omar", "2027-01-01"), "BIRTH_DATE_IN_FUTURE"},
  };
  for (const Case& c : cases) {
    Refusal got = Refused(c.request);
    EXPECT_EQ(got.reason, c.reason);
    EXPECT_TRUE(absl::StartsWith(got.message, c.reason)) << got.message;
    EXPECT_NE(got.code, grpc::StatusCode::OK);
  }
  EXPECT_EQ(Refused(Spouse("Salma")).code, grpc::StatusCode::FAILED_PRECONDITION);
  v1::DeclareFamilyMemberRequest unborn = Child("Omar", "2026-09-01");
  unborn.set_start_date("2026-09-01");
  EXPECT_EQ(Refused(unborn).reason, "BIRTH_DATE_IN_FUTURE") << "born after today, on the start date";
  EXPECT_EQ(Refused(Child("Omar", "2026-03-02")).reason, "BIRTH_DATE_IN_FUTURE") << "tomorrow";
  EXPECT_TRUE(Declare(Child("Omar", "2026-03-01")).ok()) << "born today";
  EXPECT_EQ(Outbox(), 5);
}

TEST_P(BeneficiaryServiceTest, APersonDirectlyInsuredIsNotADependentAndTheCheckIsNeverSkipped) {
  registration_.AddRegisteredCin("BK123");
  v1::DeclareFamilyMemberRequest r = Child("Sara", "2015-06-01");
  r.set_cin("bk123");
  Refusal got = Refused(r);
  EXPECT_EQ(got.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(got.reason, "DIRECTLY_INSURED");
  r.set_cin("BK999");
  registration_.FailWith(absl::UnavailableError("down"));
  EXPECT_EQ(Refused(r).code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Outbox(), 0);
  registration_.FailWith(absl::OkStatus());
  EXPECT_TRUE(Declare(r).ok()) << "registration back: declared";
}

TEST_P(BeneficiaryServiceTest, AChildIsADependentOfOneInsuredAtATime) {
  v1::DeclareFamilyMemberRequest r = Child("Sara", "2015-06-01");
  ASSERT_TRUE(Declare(r).ok());
  Refusal twice = Refused(r);
  EXPECT_EQ(twice.reason, "ALREADY_DECLARED");
  v1::DeclareFamilyMemberRequest other = Child(" sara ", "2015-06-01", "100000025");
  other.set_last_name("ALAOUI");
  Refusal got = Refused(other);
  EXPECT_EQ(got.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(got.reason, "ALREADY_DEPENDENT");
  EXPECT_FALSE(absl::StrContains(got.message, "100000017")) << "nothing about the other family: " << got.message;
  // Once removed from the first family, the child may be declared in the second.
  ASSERT_TRUE(Remove("100000017-01", "OTHER", "2026-03-01").ok());
  EXPECT_EQ(Refused(other).reason, "ALREADY_DEPENDENT") << "covered by the first family that day";
  other.set_start_date("2026-03-02");
  auto declared = Declare(other);
  ASSERT_TRUE(declared.ok()) << declared.status();
  EXPECT_EQ(declared->beneficiary_id(), "100000025-01");
}

TEST_P(BeneficiaryServiceTest, APersonIsKnownByTheNamesWithOrWithoutTheCin) {
  v1::DeclareFamilyMemberRequest with_cin = Child("Sara", "2015-06-01");
  with_cin.set_cin("BK7");
  ASSERT_TRUE(Declare(with_cin).ok());
  v1::DeclareFamilyMemberRequest without_cin = Child("Sara", "2015-06-01", "100000025");
  EXPECT_EQ(Refused(without_cin).reason, "ALREADY_DEPENDENT") << "the CIN left out in the other family";
  EXPECT_EQ(Refused(Child("Sara", "2015-06-01")).reason, "ALREADY_DECLARED") << "the CIN left out in the same one";
  v1::DeclareFamilyMemberRequest renamed = Child("Sarah", "2015-06-01", "100000025");
  renamed.set_cin("bk7");
  EXPECT_EQ(Refused(renamed).reason, "ALREADY_DEPENDENT") << "the same CIN under another spelling of the name";
  EXPECT_EQ(Outbox(), 1);
}

TEST_P(BeneficiaryServiceTest, ARemovalEndsThePeriodPublishesTheCodeAndKeepsTheNoteToItself) {
  ASSERT_TRUE(Declare(Child("Sara", "2015-06-01")).ok());
  auto removed = Remove("100000017-01", "DECLARED_IN_ERROR", "2026-03-10");
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_EQ(removed->periods_size(), 1);
  EXPECT_EQ(removed->periods(0).end_date(), "2026-03-10");
  EXPECT_EQ(removed->periods(0).end_reason(), "DECLARED_IN_ERROR");
  auto rows = testing::Rows(*db_, "SELECT payload FROM outbox ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  auto event = events::Unpack<v1::BeneficiaryRemoved>(*events::ParseEnvelope(rows[1].Text(0)));
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->end_date(), "2026-03-10");
  EXPECT_EQ(event->reason(), "DECLARED_IN_ERROR");
  EXPECT_FALSE(absl::StrContains(rows[1].Text(0), "moved abroad"));
  EXPECT_EQ(testing::Count(*db_, "SELECT family_version FROM insured WHERE registration_number = '100000017'"), 2);

  EXPECT_EQ(Remove("100000017-01", "OTHER", "2026-03-11").status().code(), absl::StatusCode::kFailedPrecondition)
      << "no open period left";
  ASSERT_TRUE(Declare(Child("Omar", "2016-06-01")).ok());
  EXPECT_EQ(Remove("100000017-02", "", "2026-03-11").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Remove("100000017-02", "BORED", "2026-03-11").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Remove("100000017-02", "OTHER", "2026-02-01").status().code(), absl::StatusCode::kInvalidArgument)
      << "before the period's start";
  EXPECT_EQ(Remove("100000017-02", "OTHER", "2026-02-30").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Remove("100000017-09", "OTHER", "2026-03-11").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Remove("100000017-02", "OTHER", "2026-03-11", "100000025").status().code(), absl::StatusCode::kNotFound)
      << "not in this insured's family";
  EXPECT_EQ(Remove("100000017", "OTHER", "2026-03-11").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Remove("100000017-02", "OWN_COVERAGE", "2026-02-15").ok() ||
              Remove("100000017-02", "OWN_COVERAGE", "2026-03-01").ok());
}

TEST_P(BeneficiaryServiceTest, TheFamilyListShowsTheInsuredFirstThenEveryMemberWithPeriods) {
  ASSERT_TRUE(Declare(Spouse("Amina")).ok());
  ASSERT_TRUE(Declare(Child("Sara", "2015-06-01")).ok());
  ASSERT_TRUE(Remove("100000017-02", "OTHER", "2026-03-01").ok());
  clock_.Advance(absl::Hours(48));
  v1::ListFamilyRequest r;
  r.set_registration_number("100000017");
  auto family = rpc::Call(*stub_, &Stub::ListFamily, r);
  ASSERT_TRUE(family.ok()) << family.status();
  ASSERT_EQ(family->beneficiaries_size(), 3);
  EXPECT_EQ(family->beneficiaries(0).beneficiary_id(), "100000017");
  EXPECT_EQ(family->beneficiaries(0).relationship(), v1::RELATIONSHIP_INSURED);
  EXPECT_TRUE(family->beneficiaries(0).covered_today());
  EXPECT_EQ(family->beneficiaries(0).periods(0).start_date(), "2022-04-01");
  EXPECT_EQ(family->beneficiaries(1).relationship(), v1::RELATIONSHIP_SPOUSE);
  EXPECT_TRUE(family->beneficiaries(1).covered_today());
  EXPECT_FALSE(family->beneficiaries(2).covered_today());
  EXPECT_EQ(family->beneficiaries(2).reason_today(), "REMOVED");
  r.set_registration_number("100000033");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListFamily, r).status().code(), absl::StatusCode::kNotFound);
  r.set_registration_number("12");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::ListFamily, r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(BeneficiaryServiceTest, EligibilityAnswersThroughTheEdge) {
  ASSERT_TRUE(Declare(Child("Sara", "2005-06-01")).ok());
  v1::EligibilityQuestion q;
  q.set_beneficiary_id("100000017-01");
  q.set_date("2026-05-31");
  auto a = rpc::Call(*stub_, &Stub::CheckEligibility, q);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->covered());
  EXPECT_EQ(a->registration_number(), "100000017");
  EXPECT_EQ(a->program(), "amo-tns");
  EXPECT_EQ(a->category(), "AGRI");
  EXPECT_EQ(a->region(), "Casablanca-Settat");
  EXPECT_EQ(a->relationship(), v1::RELATIONSHIP_CHILD);
  EXPECT_EQ(a->covered_until(), "2026-05-31");
  EXPECT_EQ(a->date(), "2026-05-31");
  v1::CheckEligibilityBatchRequest batch;
  for (int i = 0; i < 1001; ++i) *batch.add_questions() = q;
  EXPECT_EQ(rpc::Call(*stub_, &Stub::CheckEligibilityBatch, batch).status().code(), absl::StatusCode::kInvalidArgument);
  batch.mutable_questions()->RemoveLast();
  batch.mutable_questions(1)->set_beneficiary_id("100000099");
  batch.mutable_questions(2)->set_date("2026-06-01");
  auto answers = rpc::Call(*stub_, &Stub::CheckEligibilityBatch, batch);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->answers_size(), 1000);
  EXPECT_TRUE(answers->answers(0).covered());
  EXPECT_EQ(answers->answers(1).reason(), "NOT_REGISTERED");
  EXPECT_EQ(answers->answers(1).relationship(), v1::RELATIONSHIP_UNSPECIFIED);
  EXPECT_EQ(answers->answers(2).reason(), "AGE_LIMIT");
}

TEST_P(BeneficiaryServiceTest, AnAttestationVerifiesUntilTheFamilyChangesOrItExpires) {
  ASSERT_TRUE(Declare(Child("Sara", "2015-06-01")).ok());
  v1::GetAttestationRequest get;
  get.set_registration_number("100000017");
  auto attestation = rpc::Call(*stub_, &Stub::GetAttestation, get);
  ASSERT_TRUE(attestation.ok()) << attestation.status();
  EXPECT_TRUE(absl::StartsWith(attestation->pdf(), "%PDF"));
  EXPECT_EQ(attestation->registration_number(), "100000017");
  EXPECT_EQ(attestation->issued_on(), "2026-03-01");
  EXPECT_EQ(attestation->valid_until(), "2026-05-29");
  EXPECT_TRUE(absl::StartsWith(attestation->qr_text(), "HMY1:"));
  // What the QR holds: the insured and the family covered today.
  seal::KeyRing ring;
  ASSERT_TRUE(ring.Add(key_->kid(), key_->public_key()).ok());
  auto claims = seal::Open(attestation->qr_text(), ring, clock_.Now());
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->first_name, "Amina");
  ASSERT_EQ(claims->members.size(), 1u);
  EXPECT_EQ(claims->members[0].beneficiary_id, "100000017-01");

  auto verify = [&](const std::string& qr_text, const std::string& id) {
    v1::VerifyAttestationRequest r;
    r.set_qr_text(qr_text);
    r.set_attestation_id(id);
    auto v = rpc::Call(*stub_, &Stub::VerifyAttestation, r);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : v1::VerifyAttestationResponse{};
  };
  v1::VerifyAttestationResponse valid = verify(attestation->qr_text(), "");
  EXPECT_EQ(valid.status(), "VALID");
  EXPECT_EQ(valid.attestation_id(), attestation->attestation_id());
  EXPECT_EQ(valid.valid_until(), "2026-05-29");
  EXPECT_EQ(verify("", attestation->attestation_id()).status(), "VALID");
  EXPECT_EQ(verify("", "no-such-id").status(), "UNKNOWN");

  std::string changed = attestation->qr_text();
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  const std::string refused = verify(changed, "").status();
  EXPECT_TRUE(refused == "BAD_SIGNATURE" || refused == "MALFORMED") << refused;
  auto stranger = seal::SigningKey::FromSeed("other-1", std::string(32, '\x09'));
  seal::AttestationClaims forged = *claims;
  EXPECT_EQ(verify(*seal::Seal(forged, *stranger, clock_.Now()), "").status(), "UNKNOWN_KEY");

  // The family changes: the first attestation is superseded by the next one issued.
  ASSERT_TRUE(Remove("100000017-01", "OTHER", "2026-03-01").ok());
  auto next = rpc::Call(*stub_, &Stub::GetAttestation, get);
  ASSERT_TRUE(next.ok());
  v1::VerifyAttestationResponse superseded = verify(attestation->qr_text(), "");
  EXPECT_EQ(superseded.status(), "SUPERSEDED");
  EXPECT_EQ(superseded.superseded_by(), next->attestation_id());
  EXPECT_EQ(verify(next->qr_text(), "").status(), "VALID");
  clock_.Advance(absl::Hours(24 * 90));
  EXPECT_EQ(verify(next->qr_text(), "").status(), "EXPIRED");
  EXPECT_EQ(verify("", next->attestation_id()).status(), "EXPIRED");
  v1::VerifyAttestationRequest empty;
  EXPECT_EQ(rpc::Call(*stub_, &Stub::VerifyAttestation, empty).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(BeneficiaryServiceTest, AnAttestationNeedsTheInsuredsNamesFromRegistration) {
  v1::GetAttestationRequest get;
  get.set_registration_number("100000033");
  EXPECT_EQ(rpc::Call(*stub_, &Stub::GetAttestation, get).status().code(), absl::StatusCode::kNotFound);
  get.set_registration_number("100000017");
  registration_.FailWith(absl::UnavailableError("down"));
  EXPECT_EQ(rpc::Call(*stub_, &Stub::GetAttestation, get).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM attestations"), 0);
}

INSTANTIATE_BACKENDS(BeneficiaryServiceTest);

}  // namespace
}  // namespace himaya::beneficiary
