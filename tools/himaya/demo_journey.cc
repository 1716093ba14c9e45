// The insured person's journey in `himaya demo`, through the gateway as the portal walks it: the
// activation SMS of a person the liaison batch registered, the account activated with a
// password, a login (the session cookie), the certificate downloaded, a child declared, a claim
// filed, decided, paid (himaya claims pay and confirm-payment, as an agent runs them) and seen
// PAID by the insured; then the portal's address.
#include "demo_journey.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "attestation/pdf_qr_reader.h"
#include "claims_file/dirhams.h"
#include "core/process.h"
#include "core/status_macros.h"
#include "datagen/claims_generator.h"
#include "day_flag.h"
#include "nlohmann/json.hpp"
#include "stack/gateway_client.h"
#include "stack/local_sms.h"

namespace himaya::cli {
namespace {

constexpr char kPassword[] = "Oranger-Settat-2026";

// `text` with each activation code in it masked but its first two characters.
std::string MaskCodes(const std::string& text) {
  static const std::regex kCode("([0-9A-Z]{2})[0-9A-Z]{2}-[0-9A-Z]{4}");
  return std::regex_replace(text, kCode, "$1**-****");
}

// A phone number with all but its last two digits masked.
std::string MaskPhone(const std::string& phone) {
  if (phone.size() < 4) return std::string(phone.size(), '*');
  return phone.substr(0, 4) + std::string(phone.size() - 6, '*') + phone.substr(phone.size() - 2);
}

// Runs this executable with `args` and --data_dir to its end, as an operator would type it,
// and prints the command and what it printed, indented. Its standard output, or an error with
// what it said when it fails.
absl::StatusOr<std::string> RunHimaya(const std::vector<std::string>& args, const std::string& data_dir,
                                      const std::string& work_dir) {
  std::printf("   $ himaya");
  for (const std::string& a : args) std::printf(" %s", a.c_str());
  std::printf("\n");
  std::fflush(stdout);
  core::ProcessOptions options;
  options.argv = {std::filesystem::read_symlink("/proc/self/exe").string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.argv.push_back(absl::StrCat("--data_dir=", data_dir));
  options.stdout_path = work_dir + "/command.out";
  options.stderr_path = work_dir + "/command.err";
  std::filesystem::remove(options.stdout_path);
  std::filesystem::remove(options.stderr_path);
  ASSIGN_OR_RETURN(core::Subprocess process, core::Subprocess::Start(options));
  std::optional<int> status = process.Wait(absl::Minutes(2));
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string out = read(options.stdout_path);
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::printf("     %.*s\n", static_cast<int>(line.size()), line.data());
  }
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat("himaya ", args[0], " failed: ", read(options.stderr_path)));
  }
  return out;
}

// The first SMS with an activation code sent to someone other than `not_these` (registered by
// hand earlier), waiting for it: the number it is about and the SMS.
absl::StatusOr<std::pair<std::string, stack::SentSms>> ActivationSms(const stack::LocalStack& s,
                                                                     const std::vector<std::string>& not_these) {
  static const std::regex kNumber("\\b([0-9]{9})\\b");
  std::pair<std::string, stack::SentSms> found;
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        for (const stack::SentSms& sms : stack::ReadSentSms(s.data_dir())) {
          std::smatch number;
          if (!std::regex_search(sms.text, number, kNumber) || absl::c_linear_search(not_these, number[1].str()) ||
              !stack::LastActivationCode(s.data_dir(), number[1].str()).ok()) {
            continue;
          }
          found = {number[1].str(), sms};
          return true;
        }
        return false;
      },
      absl::Seconds(120), "an activation SMS to a person of the batch"));
  return found;
}

// A JSON amount in centimes (proto JSON writes int64 as a string) in dirhams, "108.85".
std::string Dirhams(const nlohmann::json& centimes) {
  int64_t value = 0;
  if (centimes.is_number_integer()) value = centimes.get<int64_t>();
  if (centimes.is_string() && !absl::SimpleAtoi(centimes.get<std::string>(), &value)) return "?";
  return claims_file::FormatDirhams(value);
}

}  // namespace

absl::StatusOr<int> WalkPortalJourney(const stack::LocalStack& s, const std::vector<std::string>& not_these, int step) {
  const std::string data_dir = s.data_dir();
  const std::string today = absl::FormatCivilTime(ServiceToday());
  std::printf("%d. The SMS a person of the batch receives (the local stack's SMS go to %s/sms.jsonl) ...\n", step++,
              data_dir.c_str());
  std::fflush(stdout);
  ASSIGN_OR_RETURN(auto sms, ActivationSms(s, not_these));
  const std::string number = sms.first;
  std::printf("   to %s: \"%s\"\n", MaskPhone(sms.second.to).c_str(), MaskCodes(sms.second.text).c_str());
  ASSIGN_OR_RETURN(std::string code, stack::LastActivationCode(data_dir, number));

  stack::GatewayClient portal(s.endpoint("gateway").http);
  std::printf("%d. They open the portal and activate their account with the code and a password of their own ...\n",
              step++);
  RETURN_IF_ERROR(
      stack::Expecting(200, "POST /v1/accounts:activate",
                       portal.Post("/v1/accounts:activate",
                                   {{"registration_number", number}, {"code", code}, {"password", kPassword}}))
          .status());
  std::printf("   POST /v1/accounts:activate: activated (the code is spent; the password kept as an Argon2id hash)\n");
  ASSIGN_OR_RETURN(
      stack::GatewayAnswer login,
      stack::Expecting(201, "POST /v1/sessions",
                       portal.Post("/v1/sessions", {{"registration_number", number}, {"password", kPassword}})));
  std::string attributes = login.Header("set-cookie");
  attributes = attributes.substr(std::min(attributes.size(), attributes.find(';') + 1));
  std::printf("   POST /v1/sessions: logged in; the session is a cookie (%s), expires %s\n",
              std::string(absl::StripAsciiWhitespace(attributes)).c_str(),
              login.Json().value("expires_at", "?").c_str());

  std::printf("%d. They download their registration certificate ...\n", step++);
  ASSIGN_OR_RETURN(stack::GatewayAnswer pdf,
                   stack::Expecting(200, "GET /v1/me/attestation.pdf", portal.Get("/v1/me/attestation.pdf")));
  ASSIGN_OR_RETURN(int pages, attestation::CountPdfPages(pdf.body));
  std::printf("   GET /v1/me/attestation.pdf: %s, %zu bytes, %d page(s), with its sealed QR code\n",
              pdf.content_type.c_str(), pdf.body.size(), pages);

  std::printf("%d. They declare their daughter ...\n", step++);
  ASSIGN_OR_RETURN(stack::GatewayAnswer declared,
                   stack::Expecting(201, "POST /v1/me/family",
                                    portal.Post("/v1/me/family", {{"relationship", "RELATIONSHIP_CHILD"},
                                                                  {"first_name", "Sara"},
                                                                  {"last_name", "Demo"},
                                                                  {"birth_date", "2017-09-03"},
                                                                  {"sex", "F"}})));
  const std::string child = declared.Json()["beneficiary"].value("beneficiary_id", "");
  std::printf("   POST /v1/me/family: beneficiary %s, covered from today\n", child.c_str());

  std::printf(
      "%d. The fund imports the reference tariff (TNR), then they file a claim for a consultation and "
      "medicines ...\n",
      step++);
  const std::string tariff = data_dir + "/tnr_sample.csv";
  std::ofstream(tariff, std::ios::binary) << datagen::SampleTariffCsv();
  RETURN_IF_ERROR(RunHimaya({"tariff", "import", tariff, "--effective_from=2020-01-01", "--tariff_version=TNR-DEMO"},
                            data_dir, data_dir)
                      .status());
  nlohmann::json claim = {{"items",
                           {{{"beneficiary_id", number},
                             {"care_date", today},
                             {"act_code", "C"},
                             {"quantity", 1},
                             {"amount_paid_centimes", 10000}},
                            {{"beneficiary_id", child},
                             {"care_date", today},
                             {"act_code", "PH.GENERIQUE"},
                             {"quantity", 2},
                             {"amount_paid_centimes", 7550}}}}};
  ASSIGN_OR_RETURN(stack::GatewayAnswer filed,
                   stack::Expecting(201, "POST /v1/me/claims", portal.Post("/v1/me/claims", claim)));
  const std::string claim_id = filed.Json().value("claim_id", "");
  std::printf("   POST /v1/me/claims: claim %s, %s\n", claim_id.c_str(), filed.Json().value("state", "").c_str());

  std::printf("%d. The claims service decides it ...\n", step++);
  std::fflush(stdout);
  const std::string path = absl::StrCat("/v1/me/claims/", claim_id);
  nlohmann::json seen;
  bool reviewed = false;
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        auto got = portal.Get(path);
        if (!got.ok() || got->status != 200) return false;
        seen = got->Json();
        if (seen.value("state", "") == "IN_REVIEW" && !reviewed) {
          // Drawn for an agent's review: the agent confirms the rules' decision.
          reviewed = RunHimaya({"claims", "review", "decide", claim_id, "--decision=confirm", "--agent=agent.demo"},
                               data_dir, data_dir)
                         .ok();
        }
        return seen.value("state", "") == "DECIDED";
      },
      absl::Seconds(120), "the claim to be decided"));
  std::printf("   GET %s: %s %s, %s dirhams reimbursed of %s claimed\n", path.c_str(), seen.value("state", "").c_str(),
              seen.value("outcome", "").c_str(), Dirhams(seen["reimbursed_centimes"]).c_str(),
              Dirhams(seen["claimed_centimes"]).c_str());

  std::printf("%d. The fund pays the day's claims and the bank confirms the transfer ...\n", step++);
  const std::string bank = data_dir + "/bank";
  std::filesystem::create_directories(bank);
  RETURN_IF_ERROR(
      RunHimaya({"claims", "pay", absl::StrCat("--date=", today), absl::StrCat("--out=", bank)}, data_dir, data_dir)
          .status());
  // The bank's answer: every line of the run's instructions PAID.
  std::string confirmation = "run_id,line,registration_number,status,reason\n";
  for (const auto& entry : std::filesystem::directory_iterator(bank)) {
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::vector<std::string> f = absl::StrSplit(line, ',');
      if (f.size() == 5) absl::StrAppend(&confirmation, f[0], ",", f[1], ",", f[2], ",PAID,\n");
    }
  }
  const std::string confirmation_path = data_dir + "/bank-confirmation.csv";
  std::ofstream(confirmation_path) << confirmation;
  RETURN_IF_ERROR(RunHimaya({"claims", "confirm-payment", confirmation_path}, data_dir, data_dir).status());
  ASSIGN_OR_RETURN(stack::GatewayAnswer paid, stack::Expecting(200, absl::StrCat("GET ", path), portal.Get(path)));
  std::printf("   GET %s: %s (payment run %s)\n", path.c_str(), paid.Json().value("state", "").c_str(),
              paid.Json().value("payment_run_id", "").c_str());
  if (paid.Json().value("state", "") != "PAID") return absl::InternalError("the claim was not seen PAID");

  std::printf("%d. The portal, in French and Arabic, for phones: %s/\n", step++, s.gateway_url().c_str());
  return step;
}

}  // namespace himaya::cli
