// himaya payment-mode: an insured's payment mode at the agent's desk, shown (its account masked)
// or chosen (a RIB or a mobile wallet) by the agent on the insured's behalf.
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "commands.h"
#include "connection.h"
#include "failure.h"
#include "google/protobuf/util/time_util.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "output.h"
#include "rpc/call.h"

ABSL_DECLARE_FLAG(std::string, registration_address);
ABSL_DECLARE_FLAG(std::string, agent);
ABSL_FLAG(std::string, rib, "", "payment-mode: choose a bank transfer to this RIB (24 digits, spaces allowed)");
ABSL_FLAG(std::string, wallet, "", "payment-mode: choose a mobile wallet, by its phone number (06/07...)");

namespace himaya::cli {
namespace {

namespace reg = himaya::registration::v1;
using RegistrationStub = reg::RegistrationService::Stub;

constexpr char kUsage[] = "usage: himaya payment-mode NUMBER [--rib=RIB | --wallet=PHONE] [--agent=ID]";

void PrintMode(OutputFormat format, const reg::PaymentMode& mode) {
  const std::string method(absl::StripPrefix(reg::PaymentMethod_Name(mode.method()), "PAYMENT_METHOD_"));
  const std::string chosen_at =
      mode.has_chosen_at() ? google::protobuf::util::TimeUtil::ToString(mode.chosen_at()) : "";
  PrintRows(format, {"REGISTRATION_NUMBER", "METHOD", "ACCOUNT", "CHOSEN_AT", "CHOSEN_BY"},
            {{mode.registration_number(), method, mode.account_masked(), chosen_at, mode.chosen_by()}},
            nlohmann::json{{"registration_number", mode.registration_number()},
                           {"method", method},
                           {"account_masked", mode.account_masked()},
                           {"chosen_at", chosen_at},
                           {"chosen_by", mode.chosen_by()}});
}

}  // namespace

int PaymentMode(const std::vector<std::string>& args) {
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(std::string(format.status().message()));
  if (args.size() != 1) return Fail(kUsage);
  const std::string rib = absl::GetFlag(FLAGS_rib);
  const std::string wallet = absl::GetFlag(FLAGS_wallet);
  if (!rib.empty() && !wallet.empty()) return Fail("payment-mode: give --rib or --wallet, not both");
  absl::StatusOr<std::string> address = ServiceAddress("registration", absl::GetFlag(FLAGS_registration_address));
  if (!address.ok()) return Fail(address.status());
  absl::StatusOr<reg::PaymentMode> mode;
  if (rib.empty() && wallet.empty()) {
    reg::GetPaymentModeRequest request;
    request.set_registration_number(args[0]);
    mode = rpc::Call(*address, &RegistrationStub::GetPaymentMode, request);
  } else {
    reg::ChoosePaymentModeRequest request;
    request.set_registration_number(args[0]);
    request.set_method(rib.empty() ? reg::PAYMENT_METHOD_MOBILE_WALLET : reg::PAYMENT_METHOD_BANK_TRANSFER);
    request.set_rib(rib);
    request.set_wallet_phone(wallet);
    const std::string agent = absl::GetFlag(FLAGS_agent);
    request.set_chosen_by(absl::StrCat("AGENT:", agent.empty() ? "cli" : agent));
    mode = rpc::Call(*address, &RegistrationStub::ChoosePaymentMode, request);
  }
  if (!mode.ok()) return FailCall(mode.status());
  PrintMode(*format, *mode);
  return 0;
}

}  // namespace himaya::cli
