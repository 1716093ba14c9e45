// himaya bench gateway: what the gateway costs in front of a service. On a local stack of its
// own, N insured persons registered (RegisterPerson), the first one's portal account activated
// with the code of their SMS and logged in (the session cookie); then, at the same concurrency
// and for the same time, wrk drives an authenticated GET /v1/me/eligibility (session, rate
// limit, transcoding, a CheckEligibility call with its deadline), beside (a) a static answer of
// the same server that touches no backend (GET /openapi.json) and (b) CheckEligibility called
// directly over gRPC about the same person. Each as requests/s with p50 and p99, and the ratios
// gateway / static and gateway / direct gRPC. A table, or JSON with --output=json.
#include <algorithm>
#include <cstdio>
#include <thread>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench_directory.h"
#include "commands.h"
#include "core/status_macros.h"
#include "failure.h"
#include "himaya/beneficiary/v1/beneficiary.grpc.pb.h"
#include "himaya/registration/v1/registration.grpc.pb.h"
#include "load_figures.h"
#include "nlohmann/json.hpp"
#include "output.h"
#include "rpc/call.h"
#include "rpc/client.h"
#include "rpc/status.h"
#include "stack/gateway_client.h"
#include "stack/local_sms.h"
#include "stack/local_stack.h"
#include "wrk_load.h"

ABSL_DECLARE_FLAG(absl::Duration, duration);
ABSL_DECLARE_FLAG(int, concurrency);
ABSL_FLAG(int, registered, 100, "bench gateway: insured persons registered (the first one logs in)");

namespace himaya::cli {
namespace {

namespace ben = himaya::beneficiary::v1;
namespace reg = himaya::registration::v1;

constexpr char kPassword[] = "Bench-Gateway-Pass-1";
// The static answer: served by the gateway itself, PUBLIC, no backend called.
constexpr char kStaticPath[] = "/openapi.json";
constexpr char kEligibilityPath[] = "/v1/me/eligibility";

// A name of letters only for `i` (names hold no digits): "Ba", "Bb", ..., "Bba", ...
std::string LettersOf(int i) {
  std::string letters;
  do {
    letters.insert(letters.begin(), static_cast<char>('a' + i % 26));
    i /= 26;
  } while (i > 0);
  return absl::StrCat("B", letters);
}

// Insured `i`: a farmer of amo-tns with a mobile phone (so that the activation SMS is sent).
reg::RegisterPersonRequest Insured(int i) {
  reg::RegisterPersonRequest request;
  request.set_cin(absl::StrFormat("BG%06d", i + 1));
  request.set_last_name(LettersOf(i));
  request.set_first_name("Amina");
  request.set_birth_date("1980-05-17");
  request.set_sex("F");
  request.set_phone(absl::StrFormat("06%08d", 10000000 + i));
  request.set_program("amo-tns");
  request.set_category("AGRI");
  request.set_city("Settat");
  request.set_preferred_language(i % 2 ? "ar" : "fr");
  return request;
}

// Registers the insured, waits until beneficiary covers the last one and the first one's SMS
// is sent, activates the first one's account and logs in. The Cookie header of the session and
// the first insured's number.
absl::StatusOr<std::pair<std::string, std::string>> LoggedInInsured(const stack::LocalStack& s, int insured) {
  auto registration = reg::RegistrationService::NewStub(rpc::NewChannel(s.endpoint("registration").grpc));
  std::string first, last;
  for (int i = 0; i < insured; ++i) {
    ASSIGN_OR_RETURN(reg::RegisterPersonResponse registered,
                     rpc::Call(*registration, &reg::RegistrationService::Stub::RegisterPerson, Insured(i)));
    (i == 0 ? first : last) = registered.person().registration_number();
  }
  if (last.empty()) last = first;
  auto beneficiary = ben::BeneficiaryService::NewStub(rpc::NewChannel(s.endpoint("beneficiary").grpc));
  ben::EligibilityQuestion about_last;
  about_last.set_beneficiary_id(last);
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        auto answer = rpc::Call(*beneficiary, &ben::BeneficiaryService::Stub::CheckEligibility, about_last);
        return answer.ok() && answer->covered();
      },
      absl::Minutes(5), "beneficiary to cover every insured"));
  std::string code;
  RETURN_IF_ERROR(stack::WaitUntil(
      [&] {
        auto sent = stack::LastActivationCode(s.data_dir(), first);
        if (sent.ok()) code = *sent;
        return sent.ok();
      },
      absl::Minutes(2), "the activation SMS"));
  stack::GatewayClient portal(s.endpoint("gateway").http);
  RETURN_IF_ERROR(
      stack::Expecting(200, "POST /v1/accounts:activate",
                       portal.Post("/v1/accounts:activate",
                                   {{"registration_number", first}, {"code", code}, {"password", kPassword}}))
          .status());
  RETURN_IF_ERROR(
      stack::Expecting(201, "POST /v1/sessions",
                       portal.Post("/v1/sessions", {{"registration_number", first}, {"password", kPassword}}))
          .status());
  if (portal.session().empty()) return absl::InternalError("POST /v1/sessions: no session cookie in the answer");
  // One question through the gateway before the load: the person must be covered.
  ASSIGN_OR_RETURN(stack::GatewayAnswer asked,
                   stack::Expecting(200, absl::StrCat("GET ", kEligibilityPath), portal.Get(kEligibilityPath)));
  if (asked.Json().value("covered", false) != true) {
    return absl::InternalError(absl::StrCat("GET ", kEligibilityPath, ": not covered: ", asked.body));
  }
  return std::pair{portal.CookieHeader(), first};
}

nlohmann::json FiguresJson(const LoadFigures& f) {
  return {{"requests", f.requests}, {"requests_per_second", f.per_second}, {"p50_ms", f.p50_ms}, {"p99_ms", f.p99_ms}};
}

}  // namespace

int BenchGateway() {
  const int insured = absl::GetFlag(FLAGS_registered);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  absl::StatusOr<OutputFormat> format = OutputFormatFromFlag();
  if (!format.ok()) return Fail(format.status());
  if (insured < 1 || insured > 100000) return Fail("--registered: from 1 to 100,000");
  if (concurrency < 1 || concurrency > 1000) return Fail("--concurrency: from 1 to 1,000");
  if (duration < absl::Seconds(1)) return Fail("--duration: at least 1s (wrk counts in seconds)");
  const bool table = *format == OutputFormat::kTable;
  absl::StatusOr<BenchDirectory> dir = BenchDirectory::Make();
  if (!dir.ok()) return Fail(dir.status());
  auto progress = [table](const std::string& line) {
    if (!table) return;
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  progress(absl::StrCat("bench gateway: ", insured, " insured, ", concurrency, " connections, ",
                        absl::FormatDuration(duration), " per load, sqlite, in ", dir->path()));

  stack::StackOptions options;
  options.data_dir = dir->path() + "/stack";
  // One account drives the whole load: its limits must not be what is measured.
  options.extra_flags["gateway"] = {"--rate_client_per_second=1000000", "--rate_client_burst=1000000",
                                    "--rate_account_per_second=1000000", "--rate_account_burst=1000000"};
  auto s = stack::LocalStack::Start(options);
  if (!s.ok()) return Fail(s.status());
  absl::Time t = absl::Now();
  auto logged_in = LoggedInInsured(**s, insured);
  if (!logged_in.ok()) return Fail(logged_in.status());
  const auto& [cookie, number] = *logged_in;
  progress(absl::StrFormat("  %d insured registered and covered, one account activated and logged in, in %.1f s",
                           insured, absl::ToDoubleSeconds(absl::Now() - t)));

  const std::string url = (*s)->gateway_url();
  WrkLoad load;
  load.connections = concurrency;
  load.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  load.work_dir = dir->path();
  WrkLoad through_gateway = load;
  through_gateway.url = url + kEligibilityPath;
  through_gateway.headers = {{"Cookie", cookie}};
  WrkLoad static_answer = load;
  static_answer.url = url + kStaticPath;
  const std::string address = (*s)->endpoint("beneficiary").grpc;
  const std::string who = number;
  GrpcCall direct = [who](const std::shared_ptr<grpc::Channel>& channel, std::mt19937_64&) {
    ben::EligibilityQuestion question;
    question.set_beneficiary_id(who);
    ben::EligibilityAnswer answer;
    grpc::Status status = ben::BeneficiaryService::NewStub(channel)->CheckEligibility(
        rpc::NewContext(absl::Seconds(10)).get(), question, &answer);
    if (status.ok() && !answer.covered()) return grpc::Status(grpc::StatusCode::INTERNAL, "not covered");
    return status;
  };

  // A second of each first (connections, caches), then each load for --duration.
  for (WrkLoad* warm : {&static_answer, &through_gateway}) {
    WrkLoad w = *warm;
    w.duration = absl::Seconds(1);
    if (auto warmed = RunWrk(w); !warmed.ok()) return Fail(warmed.status());
  }
  MeasureGrpc(address, concurrency, absl::Seconds(1), direct);
  static_answer.duration = through_gateway.duration = duration;
  progress("  static answer (GET /openapi.json) ...");
  auto static_figures = RunWrk(static_answer);
  if (!static_figures.ok()) return Fail(static_figures.status());
  progress("  GET /v1/me/eligibility through the gateway ...");
  auto gateway_figures = RunWrk(through_gateway);
  if (!gateway_figures.ok()) return Fail(gateway_figures.status());
  progress("  CheckEligibility over gRPC, directly ...");
  const LoadFigures direct_figures = MeasureGrpc(address, concurrency, duration, direct).Summary();
  (*s)->Stop();
  for (const auto& [what, f] : {std::pair<const char*, const LoadFigures*>{"static answer", &*static_figures},
                                {"gateway", &*gateway_figures},
                                {"direct gRPC", &direct_figures}}) {
    if (f->failures > 0) {
      return Fail(absl::StrCat(what, ": ", f->failures, " requests failed, the first: ", f->first_failure));
    }
    if (f->requests == 0) return Fail(absl::StrCat(what, ": no request answered"));
  }

  const double to_static = gateway_figures->per_second / static_figures->per_second;
  const double to_direct = gateway_figures->per_second / direct_figures.per_second;
  if (!table) {
    nlohmann::json out = {{"concurrency", concurrency},
                          {"duration_seconds", absl::ToDoubleSeconds(duration)},
                          {"insured", insured},
                          {"static", FiguresJson(*static_figures)},
                          {"gateway", FiguresJson(*gateway_figures)},
                          {"direct_grpc", FiguresJson(direct_figures)},
                          {"ratios", {{"gateway_to_static", to_static}, {"gateway_to_direct_grpc", to_direct}}}};
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [what, f] :
       {std::pair<const char*, const LoadFigures*>{"static answer (GET /openapi.json)", &*static_figures},
        {"gateway (GET /v1/me/eligibility)", &*gateway_figures},
        {"direct gRPC (CheckEligibility)", &direct_figures}}) {
    rows.push_back({what, absl::StrFormat("%.0f", f->per_second), absl::StrFormat("%.2f", f->p50_ms),
                    absl::StrFormat("%.2f", f->p99_ms)});
  }
  PrintRows(OutputFormat::kTable, {"LOAD", "REQUESTS/S", "P50 MS", "P99 MS"}, rows, nlohmann::json::array());
  std::printf("gateway: %.2f of the static answer's rate, %.2f of direct gRPC's; p50 %.2f ms more than direct gRPC\n",
              to_static, to_direct, gateway_figures->p50_ms - direct_figures.p50_ms);
  return 0;
}

}  // namespace himaya::cli
