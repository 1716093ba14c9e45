// himaya family / eligibility / attestation: an insured's family (declare, list, remove),
// coverage on a date, and the registration certificate, asked of the beneficiary service; and
// `attestation verify`, offline: the certificate's QR code read out of the PDF and its seal
// checked against the issuer's public keys.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "attestation/pdf_qr_reader.h"
#include "commands.h"
#include "connection.h"
#include "day_flag.h"
#include "failure.h"
#include "google/protobuf/util/json_util.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "output.h"
#include "rpc/call.h"
#include "seal/seal.h"

ABSL_DECLARE_FLAG(std::string, beneficiary_address);
ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(std::string, cin);
ABSL_DECLARE_FLAG(std::string, last_name);
ABSL_DECLARE_FLAG(std::string, first_name);
ABSL_DECLARE_FLAG(std::string, birth_date);
ABSL_DECLARE_FLAG(std::string, sex);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_FLAG(std::string, relationship, "", "family declare: SPOUSE or CHILD");
ABSL_FLAG(std::string, studying_until, "", "family declare: a child's declared end of studies (YYYY-MM-DD)");
ABSL_FLAG(std::string, apprenticeship_until, "",
          "family declare: a child's declared end of apprenticeship (YYYY-MM-DD)");
ABSL_FLAG(bool, disabled, false, "family declare: the child is disabled (covered whatever the age)");
ABSL_FLAG(std::string, reason, "",
          "family remove: why (DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE or OTHER); claims review decide: a "
          "reason code kept with the decision (e.g. FORGED_DOCUMENT)");
ABSL_FLAG(std::string, end_date, "", "family remove: the last covered day (YYYY-MM-DD)");
ABSL_FLAG(std::string, date, "",
          "eligibility: the day asked (YYYY-MM-DD; default: today); claims pay: the run's value date");
ABSL_FLAG(std::string, keys, "",
          "attestation verify: the directory of the issuer's public keys (<kid>.pub); default: the local stack's, "
          "DATA_DIR/secrets/attestation");

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
using BeneficiaryStub = ben::BeneficiaryService::Stub;

// Exit code of `himaya eligibility` when the beneficiary is not covered on the date, and of
// `himaya attestation verify` when the certificate is refused.
constexpr int kNotCovered = 3;
constexpr int kRefused = 3;

absl::StatusOr<std::string> BeneficiaryAddress() {
  return ServiceAddress("beneficiary", absl::GetFlag(FLAGS_beneficiary_address));
}

// Who acts, as the service records it: the agent named by --agent, else the user running the
// command.
std::string Agent() {
  std::string agent = absl::GetFlag(FLAGS_agent);
  if (agent.empty() && std::getenv("USER") != nullptr) agent = std::getenv("USER");
  return absl::StrCat("AGENT:", agent.empty() ? "cli" : agent);
}

// The message as JSON with the proto's field names, every field present.
nlohmann::json ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) return nullptr;
  return nlohmann::json::parse(text, nullptr, false);
}

std::string RelationshipName(ben::Relationship r) {
  return std::string(absl::StripPrefix(ben::Relationship_Name(r), "RELATIONSHIP_"));
}

std::string Periods(const ben::Beneficiary& b) {
  std::vector<std::string> periods;
  for (const ben::CoveragePeriod& p : b.periods()) {
    periods.push_back(absl::StrCat(p.start_date(), "..", p.end_date().empty() ? "" : p.end_date(),
                                   p.end_reason().empty() ? "" : absl::StrCat(" ", p.end_reason())));
  }
  return absl::StrJoin(periods, ", ");
}

// Prints beneficiaries as a table, or `json` as it is.
void PrintBeneficiaries(OutputFormat format, const std::vector<ben::Beneficiary>& beneficiaries,
                        const nlohmann::json& json) {
  std::vector<std::vector<std::string>> rows;
  for (const ben::Beneficiary& b : beneficiaries) {
    std::vector<std::string> notes;
    if (b.disabled()) notes.push_back("disabled");
    if (!b.studying_until().empty()) notes.push_back(absl::StrCat("studying until ", b.studying_until()));
    if (!b.apprenticeship_until().empty()) {
      notes.push_back(absl::StrCat("apprentice until ", b.apprenticeship_until()));
    }
    rows.push_back({b.beneficiary_id(), RelationshipName(b.relationship()),
                    std::string(absl::StripAsciiWhitespace(absl::StrCat(b.first_name(), " ", b.last_name()))),
                    b.birth_date(), b.sex(), b.covered_today() ? "yes" : absl::StrCat("no ", b.reason_today()),
                    Periods(b), absl::StrJoin(notes, ", ")});
  }
  PrintRows(format,
            {"BENEFICIARY_ID", "RELATIONSHIP", "NAME", "BIRTH_DATE", "SEX", "COVERED_TODAY", "PERIODS", "NOTES"}, rows,
            json);
}

int Declare(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) {
    return Fail(
        "usage: himaya family declare NUMBER --relationship=SPOUSE|CHILD --first_name=... --last_name=... "
        "--birth_date=YYYY-MM-DD --sex=M|F [--cin=...] [--studying_until=YYYY-MM-DD] "
        "[--apprenticeship_until=YYYY-MM-DD] [--disabled]");
  }
  ben::DeclareFamilyMemberRequest request;
  request.set_registration_number(args[1]);
  const std::string relationship = absl::GetFlag(FLAGS_relationship);
  if (relationship == "SPOUSE") {
    request.set_relationship(ben::RELATIONSHIP_SPOUSE);
  } else if (relationship == "CHILD") {
    request.set_relationship(ben::RELATIONSHIP_CHILD);
  } else {
    return Fail("--relationship: SPOUSE or CHILD");
  }
  if (absl::GetFlag(FLAGS_first_name).empty()) return Fail("--first_name is required");
  if (absl::GetFlag(FLAGS_last_name).empty()) return Fail("--last_name is required");
  if (absl::Status s = CheckDay("birth_date", absl::GetFlag(FLAGS_birth_date), true); !s.ok())
    return Fail(std::string(s.message()));
  if (absl::Status s = CheckDay("studying_until", absl::GetFlag(FLAGS_studying_until), false); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (absl::Status s = CheckDay("apprenticeship_until", absl::GetFlag(FLAGS_apprenticeship_until), false); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const std::string sex = absl::GetFlag(FLAGS_sex);
  if (sex != "M" && sex != "F") return Fail("--sex: M or F");
  request.set_first_name(absl::GetFlag(FLAGS_first_name));
  request.set_last_name(absl::GetFlag(FLAGS_last_name));
  request.set_birth_date(absl::GetFlag(FLAGS_birth_date));
  request.set_sex(sex);
  request.set_cin(absl::GetFlag(FLAGS_cin));
  request.set_studying_until(absl::GetFlag(FLAGS_studying_until));
  request.set_apprenticeship_until(absl::GetFlag(FLAGS_apprenticeship_until));
  request.set_disabled(absl::GetFlag(FLAGS_disabled));
  request.set_declared_by(Agent());
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  auto declared = rpc::Call(*address, &BeneficiaryStub::DeclareFamilyMember, request);
  if (!declared.ok()) return FailCall(declared.status());
  PrintBeneficiaries(format, {declared->beneficiary()}, ToJson(declared->beneficiary()));
  return 0;
}

int List(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya family list NUMBER");
  ben::ListFamilyRequest request;
  request.set_registration_number(args[1]);
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  auto family = rpc::Call(*address, &BeneficiaryStub::ListFamily, request);
  if (!family.ok()) return FailCall(family.status());
  PrintBeneficiaries(format, {family->beneficiaries().begin(), family->beneficiaries().end()}, ToJson(*family));
  return 0;
}

int Remove(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 3) {
    return Fail("usage: himaya family remove NUMBER BENEFICIARY_ID --reason=REASON --end_date=YYYY-MM-DD");
  }
  if (absl::GetFlag(FLAGS_reason).empty()) {
    return Fail("--reason is required (DIVORCE, DEATH, DECLARED_IN_ERROR, OWN_COVERAGE or OTHER)");
  }
  if (absl::Status s = CheckDay("end_date", absl::GetFlag(FLAGS_end_date), true); !s.ok())
    return Fail(std::string(s.message()));
  ben::RemoveFamilyMemberRequest request;
  request.set_registration_number(args[1]);
  request.set_beneficiary_id(args[2]);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  request.set_end_date(absl::GetFlag(FLAGS_end_date));
  request.set_removed_by(Agent());
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  auto removed = rpc::Call(*address, &BeneficiaryStub::RemoveFamilyMember, request);
  if (!removed.ok()) return FailCall(removed.status());
  PrintBeneficiaries(format, {removed->beneficiary()}, ToJson(removed->beneficiary()));
  return 0;
}

// Where `attestation get` writes: --out when it names a file, else attestation-NUMBER.pdf in
// the directory it names (the current one by default).
std::string AttestationPath(const std::string& number) {
  const std::string out = absl::GetFlag(FLAGS_out);
  std::error_code error;
  if (out.empty() || std::filesystem::is_directory(out, error)) {
    return absl::StrCat(out.empty() ? "." : out, "/attestation-", number, ".pdf");
  }
  return out;
}

int GetAttestation(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya attestation get NUMBER --out=FILE.pdf");
  ben::GetAttestationRequest request;
  request.set_registration_number(args[1]);
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  auto attestation = rpc::Call(*address, &BeneficiaryStub::GetAttestation, request);
  if (!attestation.ok()) return FailCall(attestation.status());
  const std::string path = AttestationPath(args[1]);
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << attestation->pdf();
    if (!file.flush()) return Fail(absl::StrCat("--out: cannot write ", path));
  }
  nlohmann::json json = ToJson(*attestation);
  json.erase("pdf");
  json["file"] = path;
  PrintRows(format, {"ATTESTATION_ID", "REGISTRATION_NUMBER", "ISSUED_ON", "VALID_UNTIL", "FILE"},
            {{attestation->attestation_id(), attestation->registration_number(), attestation->issued_on(),
              attestation->valid_until(), path}},
            json);
  return 0;
}

std::string ReadWholeFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  *ok = static_cast<bool>(in) || in.eof();
  return bytes;
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Checks the certificate in a PDF offline: exit 0 when its seal is valid now, kRefused with the
// reason (MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID) when not; 1 when the
// file or the keys cannot be read, or the PDF holds no certificate's QR code.
int VerifyAttestation(OutputFormat format, const std::vector<std::string>& args) {
  if (args.size() != 2) return Fail("usage: himaya attestation verify FILE.pdf [--keys=DIR]");
  std::error_code error;
  if (!std::filesystem::is_regular_file(args[1], error)) return Fail(absl::StrCat("cannot read ", args[1]));
  if (std::filesystem::file_size(args[1], error) > attestation::kMaxPdfBytes) {
    return Fail(absl::StrCat(args[1], ": larger than a certificate may be (", attestation::kMaxPdfBytes, " bytes)"));
  }
  bool read = false;
  const std::string pdf = ReadWholeFile(args[1], &read);
  if (!read) return Fail(absl::StrCat("cannot read ", args[1]));
  std::string keys = absl::GetFlag(FLAGS_keys);
  if (keys.empty()) keys = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/secrets/attestation");
  absl::StatusOr<seal::KeyRing> ring = seal::LoadKeyRing(keys);
  if (!ring.ok()) return Fail(absl::StrCat("--keys: ", ring.status().message()));
  absl::StatusOr<std::vector<std::string>> codes = attestation::ReadQrCodes(pdf);
  if (!codes.ok()) return Fail(absl::StrCat(args[1], ": ", codes.status().message()));
  const std::string* sealed = nullptr;
  for (const std::string& code : *codes) {
    if (absl::StartsWith(code, seal::kSealPrefix)) {
      sealed = &code;
      break;
    }
  }
  if (sealed == nullptr) return Fail(absl::StrCat(args[1], ": no registration certificate's QR code in it"));
  absl::StatusOr<seal::AttestationClaims> claims = seal::Open(*sealed, *ring, absl::Now());
  if (!claims.ok()) {
    std::optional<seal::Refusal> refusal = seal::RefusalOf(claims.status());
    if (!refusal) return Fail(claims.status());
    const std::string status(seal::RefusalName(*refusal));
    PrintRows(format, {"STATUS", "DETAIL"}, {{status, std::string(claims.status().message())}},
              {{"status", status}, {"detail", std::string(claims.status().message())}});
    return kRefused;
  }
  const seal::AttestationClaims& c = *claims;
  nlohmann::json members = nlohmann::json::array();
  for (const seal::AttestationMember& m : c.members) {
    members.push_back({{"beneficiary_id", m.beneficiary_id},
                       {"relationship", m.relationship == seal::MemberRelationship::kSpouse ? "SPOUSE" : "CHILD"},
                       {"first_name", m.first_name},
                       {"last_name", m.last_name},
                       {"birth_date", Day(m.birth_date)}});
  }
  PrintRows(
      format,
      {"STATUS", "ATTESTATION_ID", "REGISTRATION_NUMBER", "NAME", "PROGRAM", "ISSUED_ON", "VALID_UNTIL", "MEMBERS"},
      {{"VALID", c.attestation_id, c.registration_number, absl::StrCat(c.first_name, " ", c.last_name), c.program,
        Day(c.issued_on), Day(c.valid_until), absl::StrCat(c.members.size())}},
      {{"status", "VALID"},
       {"attestation_id", c.attestation_id},
       {"registration_number", c.registration_number},
       {"first_name", c.first_name},
       {"last_name", c.last_name},
       {"program", c.program},
       {"issued_on", Day(c.issued_on)},
       {"valid_until", Day(c.valid_until)},
       {"members", members}});
  return 0;
}

}  // namespace

int Family(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (!args.empty() && args[0] == "declare") return Declare(*format, args);
  if (!args.empty() && args[0] == "list") return List(*format, args);
  if (!args.empty() && args[0] == "remove") return Remove(*format, args);
  return Fail("usage: himaya family declare NUMBER ... | family list NUMBER | family remove NUMBER BENEFICIARY_ID ...");
}

int Eligibility(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (args.size() != 1) return Fail("usage: himaya eligibility NUMBER|BENEFICIARY_ID [--date=YYYY-MM-DD]");
  if (absl::Status s = CheckDay("date", absl::GetFlag(FLAGS_date), false); !s.ok())
    return Fail(std::string(s.message()));
  ben::EligibilityQuestion question;
  question.set_beneficiary_id(args[0]);
  question.set_date(absl::GetFlag(FLAGS_date));
  absl::StatusOr<std::string> address = BeneficiaryAddress();
  if (!address.ok()) return Fail(address.status());
  auto answer = rpc::Call(*address, &BeneficiaryStub::CheckEligibility, question);
  if (!answer.ok()) return FailCall(answer.status());
  const ben::EligibilityAnswer& a = *answer;
  PrintRows(*format, {"BENEFICIARY_ID", "DATE", "COVERED", "THROUGH", "PROGRAM", "RELATIONSHIP", "UNTIL", "REASON"},
            {{a.beneficiary_id(), a.date(), a.covered() ? "yes" : "no", a.registration_number(), a.program(),
              a.relationship() == ben::RELATIONSHIP_UNSPECIFIED ? "" : RelationshipName(a.relationship()),
              a.covered_until(), a.reason()}},
            ToJson(a));
  return a.covered() ? 0 : kNotCovered;
}

int Attestation(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (!args.empty() && args[0] == "get") return GetAttestation(*format, args);
  if (!args.empty() && args[0] == "verify") return VerifyAttestation(*format, args);
  return Fail("usage: himaya attestation get NUMBER --out=FILE.pdf | attestation verify FILE.pdf [--keys=DIR]");
}

}  // namespace himaya::cli
