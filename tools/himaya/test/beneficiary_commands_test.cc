// The `himaya family`, `eligibility` and `attestation get` commands as a user runs them: the real
// binary against a scripted beneficiary service over the suite's mutual TLS. Every flag reaches
// the request, tables and JSON show the answers, exit codes say covered (0) or not (3), and bad
// flags, refusals and errors are one line on standard error with a non-zero exit. And
// `attestation verify`, offline, on certificates drawn and sealed here: valid (0), or refused
// with the reason (3): a changed byte, an unknown key, another key under the same id, expired.
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "attestation/attestation_pdf.h"
#include "core/process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "scripted_service_test.h"
#include "seal/seal.h"
#include "stack/local_stack.h"

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kInsured[] = "100000017";

ben::Beneficiary Member(const std::string& id, ben::Relationship relationship, const std::string& first_name,
                        const std::string& birth_date, const std::string& sex) {
  ben::Beneficiary b;
  b.set_beneficiary_id(id);
  b.set_registration_number(kInsured);
  b.set_relationship(relationship);
  b.set_first_name(first_name);
  b.set_last_name("Alaoui");
  b.set_birth_date(birth_date);
  b.set_sex(sex);
  b.set_program("amo-tns");
  b.set_source("AGENT");
  ben::CoveragePeriod* p = b.add_periods();
  p->set_start_date("2022-03-15");
  b.set_covered_today(true);
  return b;
}

// The beneficiary service as the commands see it: the insured 100000017 with a spouse (-01), a
// child removed on 2023-06-30 (-02); declarations of a third spouse are refused.
class ScriptedBeneficiary final : public ben::BeneficiaryService::CallbackService, public ScriptedRequests {
 public:
  grpc::ServerUnaryReactor* DeclareFamilyMember(grpc::CallbackServerContext* context,
                                                const ben::DeclareFamilyMemberRequest* request,
                                                ben::DeclareFamilyMemberResponse* response) override {
    Record(request->DebugString());
    if (request->first_name() == "Zineb") {
      return Finish(context, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                          "SPOUSE_LIMIT: this insured has the most spouses the program allows"));
    }
    *response->mutable_beneficiary() =
        Member(absl::StrCat(request->registration_number(), "-03"), request->relationship(), request->first_name(),
               request->birth_date(), request->sex());
    response->mutable_beneficiary()->set_studying_until(request->studying_until());
    response->mutable_beneficiary()->set_apprenticeship_until(request->apprenticeship_until());
    response->mutable_beneficiary()->set_disabled(request->disabled());
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* RemoveFamilyMember(grpc::CallbackServerContext* context,
                                               const ben::RemoveFamilyMemberRequest* request,
                                               ben::RemoveFamilyMemberResponse* response) override {
    Record(request->DebugString());
    if (request->beneficiary_id() != "100000017-01") {
      return Finish(context, grpc::Status(grpc::StatusCode::NOT_FOUND, "beneficiary_id: not in this family"));
    }
    *response->mutable_beneficiary() = Member("100000017-01", ben::RELATIONSHIP_SPOUSE, "Fatima", "1978-06-06", "F");
    ben::CoveragePeriod* p = response->mutable_beneficiary()->mutable_periods(0);
    p->set_end_date(request->end_date());
    p->set_end_reason(request->reason());
    response->mutable_beneficiary()->set_covered_today(false);
    response->mutable_beneficiary()->set_reason_today("REMOVED");
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ListFamily(grpc::CallbackServerContext* context, const ben::ListFamilyRequest* request,
                                       ben::ListFamilyResponse* response) override {
    Record(request->DebugString());
    if (request->registration_number() != kInsured) {
      return Finish(context, grpc::Status(grpc::StatusCode::NOT_FOUND, "registration_number: no insured has it"));
    }
    *response->add_beneficiaries() = Member(kInsured, ben::RELATIONSHIP_INSURED, "Ahmed", "1975-05-05", "M");
    *response->add_beneficiaries() = Member("100000017-01", ben::RELATIONSHIP_SPOUSE, "Fatima", "1978-06-06", "F");
    ben::Beneficiary child = Member("100000017-02", ben::RELATIONSHIP_CHILD, "Youssef", "2001-07-07", "M");
    child.mutable_periods(0)->set_end_date("2023-06-30");
    child.mutable_periods(0)->set_end_reason("DECLARED_IN_ERROR");
    child.set_covered_today(false);
    child.set_reason_today("REMOVED");
    *response->add_beneficiaries() = child;
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* CheckEligibility(grpc::CallbackServerContext* context,
                                             const ben::EligibilityQuestion* request,
                                             ben::EligibilityAnswer* response) override {
    Record(request->DebugString());
    response->set_beneficiary_id(request->beneficiary_id());
    response->set_date(request->date().empty() ? "2026-11-29" : request->date());
    if (request->beneficiary_id() == "100000017-01") {
      response->set_covered(true);
      response->set_registration_number(kInsured);
      response->set_program("amo-tns");
      response->set_relationship(ben::RELATIONSHIP_SPOUSE);
    } else if (request->beneficiary_id() == "100000017-02") {
      response->set_registration_number(kInsured);
      response->set_program("amo-tns");
      response->set_relationship(ben::RELATIONSHIP_CHILD);
      response->set_reason("AGE_LIMIT");
    } else {
      response->set_reason("NOT_REGISTERED");
    }
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetAttestation(grpc::CallbackServerContext* context,
                                           const ben::GetAttestationRequest* request,
                                           ben::Attestation* response) override {
    Record(request->DebugString());
    response->set_attestation_id("att-1");
    response->set_registration_number(request->registration_number());
    response->set_issued_on("2026-11-29");
    response->set_valid_until("2027-02-27");
    response->set_pdf(std::string("%PDF-1.5\n\0binary\n", 17));
    response->set_qr_text("HC1:QR");
    return Finish(context, grpc::Status::OK);
  }
};

class BeneficiaryCommandsTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("beneficiary", &service_); }

  // As every command fails, and not with 3, kept for "not covered".
  static void ExpectOneLineError(const CliRun& run, const std::string& says) {
    ScriptedServiceTest::ExpectOneLineError(run, says);
    EXPECT_NE(run.code, 3) << "3 is kept for 'not covered'";
  }

  ScriptedBeneficiary service_;
};

TEST_F(BeneficiaryCommandsTest, FamilyDeclareSendsEveryFlagAndPrintsTheBeneficiaryId) {
  CliRun run =
      Himaya({"family", "declare", kInsured, "--relationship=CHILD", "--first_name=Sara", "--last_name=Alaoui",
              "--birth_date=2004-01-31", "--sex=F", "--cin=BK998877", "--studying_until=2027-06-30",
              "--apprenticeship_until=2022-01-31", "--disabled"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << run.out;
  EXPECT_THAT(lines[0], StartsWith("BENEFICIARY_ID"));
  EXPECT_THAT(lines[1], ContainsRegex("^100000017-03 +CHILD "));
  EXPECT_THAT(lines[1], HasSubstr("Sara Alaoui"));
  EXPECT_THAT(lines[1], HasSubstr("disabled, studying until 2027-06-30, apprentice until 2022-01-31"));
  ASSERT_EQ(service_.requests().size(), 1u);
  const std::string request = service_.requests()[0];
  for (const char* field :
       {"registration_number: \"100000017\"", "relationship: RELATIONSHIP_CHILD", "first_name: \"Sara\"",
        "last_name: \"Alaoui\"", "birth_date: \"2004-01-31\"", "sex: \"F\"", "cin: \"BK998877\"",
        "studying_until: \"2027-06-30\"", "apprenticeship_until: \"2022-01-31\"", "disabled: true",
        "declared_by: \"AGENT:agent.amal\""}) {
    EXPECT_THAT(request, HasSubstr(field));
  }

  run = Himaya({"family", "declare", kInsured, "--relationship=SPOUSE", "--first_name=Fatima", "--last_name=Alaoui",
                "--birth_date=1978-06-06", "--sex=F", "--agent=agent.omar", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("beneficiary_id", ""), "100000017-03");
  EXPECT_EQ(json.value("relationship", ""), "RELATIONSHIP_SPOUSE");
  EXPECT_EQ(json.value("disabled", true), false) << "every field is present";
  EXPECT_THAT(service_.requests().back(), HasSubstr("declared_by: \"AGENT:agent.omar\""));
}

TEST_F(BeneficiaryCommandsTest, ARefusalPrintsItsReasonCode) {
  CliRun run = Himaya({"family", "declare", kInsured, "--relationship=SPOUSE", "--first_name=Zineb",
                       "--last_name=Alaoui", "--birth_date=1990-01-01", "--sex=F"});
  ExpectOneLineError(run, "refused: SPOUSE_LIMIT: ");
}

TEST_F(BeneficiaryCommandsTest, BadFlagsAreOneLineAndNothingIsSent) {
  const std::vector<std::string> declare = {"family", "declare", kInsured};
  auto with = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = declare;
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  };
  const std::vector<std::string> good = {"--relationship=CHILD", "--first_name=Sara", "--last_name=Alaoui",
                                         "--birth_date=2004-01-31", "--sex=F"};
  auto but = [&](const std::string& flag, const std::string& value) {
    std::vector<std::string> flags;
    for (const std::string& f : good) flags.push_back(absl::StartsWith(f, flag + "=") ? flag + "=" + value : f);
    return with(flags);
  };
  ExpectOneLineError(Himaya(but("--relationship", "COUSIN")), "--relationship: SPOUSE or CHILD");
  ExpectOneLineError(Himaya(but("--sex", "X")), "--sex: M or F");
  ExpectOneLineError(Himaya(but("--birth_date", "2004-02-30")), "--birth_date: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya(but("--birth_date", "31/01/2004")), "--birth_date: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya(but("--birth_date", "")), "--birth_date=YYYY-MM-DD is required");
  ExpectOneLineError(Himaya(but("--first_name", "")), "--first_name is required");
  ExpectOneLineError(Himaya(with({"--relationship=CHILD"})), "--first_name is required");
  std::vector<std::string> studying = with(good);
  studying.push_back("--studying_until=2027-6-30");
  ExpectOneLineError(Himaya(studying), "--studying_until: a day written YYYY-MM-DD");
  std::vector<std::string> apprentice = with(good);
  apprentice.push_back("--apprenticeship_until=2027-02-30");
  ExpectOneLineError(Himaya(apprentice), "--apprenticeship_until: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya({"family", "declare"}), "usage: himaya family declare NUMBER");
  ExpectOneLineError(Himaya({"family", "remove", kInsured, "100000017-01", "--end_date=2026-11-30"}),
                     "--reason is required");
  ExpectOneLineError(Himaya({"family", "remove", kInsured, "100000017-01", "--reason=DIVORCE"}),
                     "--end_date=YYYY-MM-DD is required");
  ExpectOneLineError(Himaya({"family", "remove", kInsured}), "usage: himaya family remove");
  ExpectOneLineError(Himaya({"family", "adopt", kInsured}), "usage: himaya family declare");
  ExpectOneLineError(Himaya({"eligibility", kInsured, "--date=tomorrow"}), "--date: a day written YYYY-MM-DD");
  ExpectOneLineError(Himaya({"eligibility"}), "usage: himaya eligibility");
  ExpectOneLineError(Himaya({"family", "list", kInsured, "--output=xml"}), "--output: table or json");
  ExpectOneLineError(Himaya({"attestation", "fetch", kInsured}), "usage: himaya attestation");
  EXPECT_TRUE(service_.requests().empty()) << "nothing reaches the service";
}

TEST_F(BeneficiaryCommandsTest, FamilyListShowsEachMemberWithItsPeriods) {
  CliRun run = Himaya({"family", "list", kInsured});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  std::vector<std::string> lines = absl::StrSplit(run.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_THAT(lines[1], ContainsRegex("^100000017 +INSURED +Ahmed Alaoui +1975-05-05 +M +yes +2022-03-15\\.\\. *$"));
  EXPECT_THAT(lines[2], ContainsRegex("^100000017-01 +SPOUSE +Fatima Alaoui"));
  EXPECT_THAT(lines[3], ContainsRegex("^100000017-02 +CHILD +Youssef Alaoui"));
  EXPECT_THAT(lines[3], HasSubstr("no REMOVED"));
  EXPECT_THAT(lines[3], HasSubstr("2022-03-15..2023-06-30 DECLARED_IN_ERROR"));
  EXPECT_THAT(lines[2], HasSubstr("2022-03-15.."));

  run = Himaya({"family", "list", kInsured, "--output=json"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json family = Json(run)["beneficiaries"];
  ASSERT_EQ(family.size(), 3u) << run.out;
  EXPECT_EQ(family[2]["periods"][0].value("end_reason", ""), "DECLARED_IN_ERROR");
  EXPECT_EQ(family[2].value("covered_today", true), false);

  ExpectOneLineError(Himaya({"family", "list", "100000025"}), "NOT_FOUND: registration_number: no insured has it");
}

TEST_F(BeneficiaryCommandsTest, FamilyRemoveEndsThePeriodWithTheReason) {
  CliRun run = Himaya(
      {"family", "remove", kInsured, "100000017-01", "--reason=DIVORCE", "--end_date=2026-11-30", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json removed = Json(run);
  EXPECT_EQ(removed.value("beneficiary_id", ""), "100000017-01");
  EXPECT_EQ(removed["periods"][0].value("end_date", ""), "2026-11-30");
  const std::string request = service_.requests().back();
  for (const char* field : {"registration_number: \"100000017\"", "beneficiary_id: \"100000017-01\"",
                            "reason: \"DIVORCE\"", "end_date: \"2026-11-30\"", "removed_by: \"AGENT:agent.amal\""}) {
    EXPECT_THAT(request, HasSubstr(field));
  }
  run = Himaya({"family", "remove", kInsured, "100000017-01", "--reason=DIVORCE", "--end_date=2026-11-30"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("2022-03-15..2026-11-30 DIVORCE"));
  ExpectOneLineError(Himaya({"family", "remove", kInsured, "100000017-09", "--reason=DEATH", "--end_date=2026-11-30"}),
                     "NOT_FOUND: beneficiary_id: not in this family");
}

TEST_F(BeneficiaryCommandsTest, EligibilityExitsZeroWhenCoveredAndThreeWithTheReasonWhenNot) {
  CliRun covered = Himaya({"eligibility", "100000017-01", "--date=2026-12-01"});
  EXPECT_EQ(covered.code, 0) << covered.out << covered.err;
  EXPECT_THAT(covered.out, ContainsRegex("\n100000017-01 +2026-12-01 +yes +100000017 +amo-tns +SPOUSE *\n"));
  EXPECT_THAT(service_.requests().back(), HasSubstr("date: \"2026-12-01\""));

  CliRun not_covered = Himaya({"eligibility", "100000017-02", "--date=2026-12-01", "--output=json"});
  EXPECT_EQ(not_covered.code, 3) << not_covered.out << not_covered.err;
  EXPECT_EQ(not_covered.err, "");
  nlohmann::json answer = Json(not_covered);
  EXPECT_EQ(answer.value("covered", true), false);
  EXPECT_EQ(answer.value("reason", ""), "AGE_LIMIT");
  EXPECT_EQ(answer.value("registration_number", ""), kInsured);

  CliRun unknown = Himaya({"eligibility", "999999999"});
  EXPECT_EQ(unknown.code, 3);
  EXPECT_THAT(unknown.out, HasSubstr("NOT_REGISTERED"));
  EXPECT_THAT(service_.requests().back(), Not(HasSubstr("date:"))) << "no --date: the service's today";
}

TEST_F(BeneficiaryCommandsTest, AttestationGetWritesThePdf) {
  CliRun run = Himaya({"attestation", "get", kInsured, "--out=" + dir_.path() + "/a.pdf"});
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_EQ(ReadFile(dir_.path() + "/a.pdf"), std::string("%PDF-1.5\n\0binary\n", 17)) << "the bytes as sent";
  EXPECT_THAT(run.out, ContainsRegex("\natt-1 +100000017 +2026-11-29 +2027-02-27 +.*/a\\.pdf\n"));

  run = Himaya({"attestation", "get", kInsured, "--output=json"});  // --out: the current directory
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("file", ""), "./attestation-100000017.pdf");
  EXPECT_EQ(json.value("qr_text", ""), "HC1:QR");
  EXPECT_FALSE(json.contains("pdf")) << "the PDF goes to the file only";
  EXPECT_EQ(ReadFile(dir_.path() + "/attestation-100000017.pdf").size(), 17u);

  ExpectOneLineError(Himaya({"attestation", "get", kInsured, "--out=" + dir_.path() + "/no/such/dir/a.pdf"}),
                     "--out: cannot write");
}

TEST_F(BeneficiaryCommandsTest, WithoutARunningServiceTheErrorSaysWhatToCheck) {
  ExpectOneLineError(Himaya({"family", "list", kInsured}, /*with_address=*/false),
                     "cannot find the beneficiary service in " + data_dir_ + "/run");
  ExpectOneLineError(Himaya({"eligibility", kInsured, "--beneficiary_address=127.0.0.1:1"}, false), "UNAVAILABLE");
}

// A certificate of 100000017 and one child, sealed by `key` at `sealed_at`, valid until
// `valid_until`; `change` alters the QR text before it is drawn.
std::string SealedCertificatePdf(
    const seal::SigningKey& key, absl::Time sealed_at, absl::CivilDay valid_until,
    const std::function<void(std::string&)>& change = [](std::string&) {}) {
  const absl::CivilDay issued_on = absl::ToCivilDay(sealed_at, absl::UTCTimeZone());
  seal::AttestationClaims claims{
      "att-7",
      kInsured,
      "Ahmed",
      "Alaoui",
      "amo-tadamon",
      issued_on,
      valid_until,
      {{"100000017-01", seal::MemberRelationship::kChild, "Sara", "Alaoui", absl::CivilDay(2012, 4, 4)}}};
  absl::StatusOr<std::string> text = seal::Seal(claims, key, sealed_at);
  EXPECT_TRUE(text.ok()) << text.status();
  attestation::AttestationDocument document;
  document.attestation_id = "att-7";
  document.registration_number = kInsured;
  document.insured = {"Ahmed", "Alaoui", "", ""};
  document.program = "amo-tadamon";
  document.program_label = "AMO Tadamon";
  document.fund_name = "Caisse nationale";
  document.issued_on = issued_on;
  document.valid_until = valid_until;
  document.members = {
      {attestation::Relationship::kChild, {"Sara", "Alaoui", "", ""}, absl::CivilDay(2012, 4, 4), "100000017-01"}};
  document.qr_text = text.value_or("");
  change(document.qr_text);
  absl::StatusOr<std::string> pdf = attestation::RenderAttestationPdf(document);
  EXPECT_TRUE(pdf.ok()) << pdf.status();
  return pdf.value_or("");
}

class AttestationVerifyTest : public BeneficiaryCommandsTest {
 protected:
  void SetUp() override {
    BeneficiaryCommandsTest::SetUp();
    keys_ = data_dir_ + "/secrets/attestation";
    auto key = seal::CreateSigningKey(keys_, "k2026");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = std::make_unique<seal::SigningKey>(*key);
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  absl::CivilDay InDays(int days) { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + days; }

  std::string keys_;
  std::unique_ptr<seal::SigningKey> key_;
};

TEST_F(AttestationVerifyTest, AValidCertificateIsShownWithItsFamily) {
  const std::string pdf = Write("valid.pdf", SealedCertificatePdf(*key_, absl::Now(), InDays(90)));
  // Offline: no service and no certificate of the CLI (the data directory holds the keys only).
  std::filesystem::remove_all(data_dir_ + "/tls");
  CliRun run = Himaya({"attestation", "verify", pdf}, /*with_address=*/false);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, ContainsRegex("\nVALID +att-7 +100000017 +Ahmed Alaoui +amo-tadamon +[0-9-]+ +[0-9-]+ +1 *\n"));

  run = Himaya({"attestation", "verify", pdf, "--keys=" + keys_, "--output=json"}, false);
  ASSERT_EQ(run.code, 0) << run.out << run.err;
  nlohmann::json json = Json(run);
  EXPECT_EQ(json.value("status", ""), "VALID");
  EXPECT_EQ(json.value("valid_until", ""), absl::FormatCivilTime(InDays(90)));
  ASSERT_EQ(json["members"].size(), 1u);
  EXPECT_EQ(json["members"][0].value("beneficiary_id", ""), "100000017-01");
  EXPECT_EQ(json["members"][0].value("birth_date", ""), "2012-04-04");
  EXPECT_TRUE(service_.requests().empty()) << "nothing asked of the service";
}

TEST_F(AttestationVerifyTest, ARefusedCertificateExitsThreeWithTheReason) {
  auto refused = [&](const std::string& name, const std::string& pdf, const std::string& keys) {
    CliRun run = Himaya({"attestation", "verify", Write(name, pdf), "--keys=" + keys}, false);
    EXPECT_EQ(run.code, 3) << name << ": " << run.out << run.err;
    EXPECT_EQ(run.err, "") << name;
    return run.out;
  };
  // One character of the QR text changed (in its Base45 body).
  EXPECT_THAT(refused("changed.pdf",
                      SealedCertificatePdf(*key_, absl::Now(), InDays(90),
                                           [](std::string& text) { text[20] = text[20] == 'A' ? 'B' : 'A'; }),
                      keys_),
              ContainsRegex("\n(MALFORMED|BAD_SIGNATURE) "));
  // Sealed by a key the verifier does not hold.
  const std::string other = dir_.path() + "/other-keys";
  auto stranger = seal::CreateSigningKey(other, "k1999");
  ASSERT_TRUE(stranger.ok());
  EXPECT_THAT(refused("stranger.pdf", SealedCertificatePdf(*stranger, absl::Now(), InDays(90)), keys_),
              HasSubstr("\nUNKNOWN_KEY "));
  // Another key under the verifier's key id.
  auto impostor = seal::SigningKey::Generate("k2026");
  ASSERT_TRUE(impostor.ok());
  EXPECT_THAT(refused("impostor.pdf", SealedCertificatePdf(*impostor, absl::Now(), InDays(90)), keys_),
              HasSubstr("\nBAD_SIGNATURE "));
  // Valid until yesterday.
  nlohmann::json expired = nlohmann::json::parse(
      Himaya({"attestation", "verify",
              Write("expired.pdf", SealedCertificatePdf(*key_, absl::Now() - absl::Hours(24 * 100), InDays(-1))),
              "--keys=" + keys_, "--output=json"},
             false)
          .out,
      nullptr, false);
  EXPECT_EQ(expired.value("status", ""), "EXPIRED");
}

TEST_F(AttestationVerifyTest, WhatIsNotACertificateIsOneLineAndExitOne) {
  const std::string valid = Write("valid.pdf", SealedCertificatePdf(*key_, absl::Now(), InDays(90)));
  auto error = [&](std::vector<std::string> args, const std::string& says) {
    args.insert(args.begin(), {"attestation", "verify"});
    CliRun run = Himaya(args, false);
    EXPECT_EQ(run.code, 1) << run.out << run.err;
    EXPECT_THAT(run.err, StartsWith("himaya: "));
    EXPECT_THAT(run.err, HasSubstr(says));
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  };
  error({dir_.path() + "/none.pdf"}, "cannot read " + dir_.path() + "/none.pdf");
  error({dir_.path()}, "cannot read");
  error({Write("text.pdf", "hello, not a PDF")}, "text.pdf: ");
  error({Write("plain.pdf", SealedCertificatePdf(*key_, absl::Now(), InDays(90),
                                                 [](std::string& text) { text = "https://example.org/x"; }))},
        "no registration certificate's QR code in it");
  error({valid, "--keys=" + dir_.path() + "/no-keys"}, "--keys: ");
  error({}, "usage: himaya attestation verify FILE.pdf");
}

}  // namespace
}  // namespace himaya::cli
