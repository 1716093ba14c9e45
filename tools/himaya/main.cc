// himaya: the command line of the suite (local stack, lookups, demo).
#include <cstdio>
#include <map>

#include "commands.h"
#include "connection.h"
#include "core/flags.h"
#include "core/signals.h"
#include "failure.h"

namespace {

constexpr char kUsage[] = R"(himaya COMMAND [flags]

Local stack (data directory: --data_dir or HIMAYA_DATA_DIR, default ./var):
  up [--prometheus]       start broker and services in the foreground, restarting a service
                          that crashes (with back-off); Ctrl-C stops them. --prometheus: also
                          Debian's Prometheus server, scraping every service with the rules of
                          deploy/prometheus (its address printed)
  status                  health and restarts of each component of the running stack
                          (--output=json)
  health --address=HOST:PORT [--service=NAME] [--timeout=5s]
                          one server's gRPC health (grpc.health.v1): exit 0 when SERVING, for
                          container health checks and probes (with --tls_cert of the pod)
  figures [--by=program|category|region] [--prometheus_address=HOST:PORT] [--output=json]
                          the press conference's table (registered, accounts, spouses,
                          children, beneficiaries, claim files, processing time, past due,
                          SMS), live from Prometheus's recording rules (default: the local
                          stack's, himaya up --prometheus)
  demo [--prometheus]     start a stack, register a person end to end, show what happened
                          (--prometheus: and the figures read from Prometheus at the end)

Talking to the running stack:
  register --cin=... --last_name=... --first_name=... --birth_date=YYYY-MM-DD --sex=M|F
           [--phone=...] --program=amo-tns [--category=AGRI] [--city=...] [--language=fr|ar]
  person get NUMBER|CIN   a registered person, by registration number or CIN
  payment-mode NUMBER [--rib=RIB | --wallet=PHONE] [--agent=ID]
                          the insured's payment mode (account masked); with --rib (24 digits)
                          or --wallet (06/07...), chosen on the insured's behalf
  messages NUMBER         the messages recorded for a person
  messages resend NUMBER  send the activation SMS again (with a new code)
  messages opt-out|opt-in NUMBER
  campaign start --template_key=reminder --program=P [--category=C] [--city=X] [--region=R]
           [--registered_before=YYYY-MM-DD] [--not_activated] --agent_name=NAME
  campaign status ID
  batch submit FILE.csv   send a liaison batch (manifest: FILE.manifest.json or --manifest)
  batch status [BODY/]ID  where a batch stands
  batch report [BODY/]ID  its reconciliation report (CSV on standard output)
  coverage import FILE    load another scheme's coverage reference file
  review list             look-alikes waiting for an agent, every page (--page_token: one page;
                          --output=json)
  review decide ID new|merge --agent=NAME
  ivr lookup CIN DATE     the registration number, as the voice server asks it
  account code NUMBER     issue a portal activation code
  account activate NUMBER CODE [--password_file=FILE]
                          open the portal account; the new password is read from FILE's first
                          line or from standard input (not echoed)
  account resend-code NUMBER
                          a new activation code by SMS, within the limits per number and phone
  family declare NUMBER --relationship=SPOUSE|CHILD --first_name=... --last_name=...
           --birth_date=YYYY-MM-DD --sex=M|F [--cin=...] [--studying_until=YYYY-MM-DD]
           [--apprenticeship_until=YYYY-MM-DD] [--disabled]
                          declare a spouse or child (prints the beneficiary id; a refusal its reason)
  family list NUMBER      the insured and their family, with coverage periods
  family remove NUMBER BENEFICIARY_ID --reason=DIVORCE|DEATH|... --end_date=YYYY-MM-DD
  eligibility NUMBER|BENEFICIARY_ID [--date=YYYY-MM-DD]
                          covered on that day (exit 0), or not and why (exit 3)
  attestation get NUMBER [--out=FILE.pdf]
                          the registration certificate, with its signed QR code
  attestation verify FILE.pdf [--keys=DIR]
                          offline: its QR code's signature and expiry (exit 0 valid, 3 refused
                          with the reason: MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, ...)
  allowances run --month=YYYY-MM
                          the month's family allowance run computed as a draft (again while
                          it is one), and its totals
  allowances show RUN_ID  a run's state and totals
  allowances report RUN_ID [--out=FILE]
                          registration_number,children_with_right,amount_centimes,
                          arrears_centimes,recovery_centimes,reason (CSV)
  allowances approve RUN_ID --agent=ID
  allowances pay RUN_ID [--out=DIR]
                          the approved run's payment file for the bank, DIR/allowances-RUN_ID.csv
                          (run_id,line,registration_number,method,account,amount_centimes);
                          waits as long as the lines take (no deadline; asked again, resumes)
  allowances confirm-payment FILE.csv
                          the bank's confirmation (run_id,line,registration_number,status,
                          reason): PAID lines credited, FAILED lines owed next month
  claims submit FILE.csv  send a bulk claims file (manifest: FILE.manifest.json or --manifest);
                          waits until every file is decided (--wait=false: only received)
  claims report [SENDER/]BATCH_ID
                          its report: claim_id,item,outcome,reason,reimbursed_centimes (CSV)
  claims status CLAIM_ID  a file and its items: decision, reason, amounts
  claims review list [--state=PENDING|DECIDED]
  claims review decide CLAIM_ID --decision=confirm|reject --agent=ID [--reason=CODE]
  claims overdue          files past their due date, oldest first
  claims ald add --certificate=C --beneficiary=ID --from=YYYY-MM-DD --until=YYYY-MM-DD
  claims pay --date=YYYY-MM-DD [--out=DIR]
                          the date's payment run (made once: asking again finds it) and its
                          instructions for the bank, DIR/payment-RUN_ID.csv (run_id,line,
                          registration_number,claims,amount_centimes: one line per insured)
  claims confirm-payment FILE.csv
                          the bank's confirmation (run_id,line,registration_number,status,
                          reason): PAID lines' files paid, FAILED lines' files to the next run
  contributions call --period=YYYY-MM
                          call a month's contributions for every insured registered by its
                          last day and not yet called (calling again adds only those missing)
  contributions import FILE.csv [--manifest=FILE.manifest.json]
                          a payment file (payment_id,registration_number,amount_centimes,paid_on)
                          with its manifest {"file_id","sha256","row_count"}; each row's outcome
  contributions status NUMBER
                          an insured's calls, paid amounts, balance, arrears and suspensions
  tariff import FILE.csv --tariff_version=V --effective_from=YYYY-MM-DD
                          a TNR version (act_code,label,category,tnr_amount,max_quantity,
                          min_days_between)
  agent add ID --name=NAME --roles=support,supervisor [--password_file=F]
                          an agent's account at the gateway (the password from the file, else
                          standard input; at least 12 characters)
  agent list | agent disable ID
                          agents and their state; disabling ends the agent's sessions at once
  apikey add CLIENT --scopes=ivr,fhir
                          an API key for the IVR or a partner, printed once
  apikey list | apikey revoke KEY_ID
  audit [--agent=ID] [--subject=NUMBER] [--since=2026-11-29T08:00:00Z]
                          agents' reads of persons' files (who, what, whom, why), newest first
  events outbox           each service's events pending and set aside
  events replay --since=2026-11-29T08:00:00Z [--until=2026-11-29T09:00:00Z] [--service=NAME]
                          publish again what was published in that window (consumers skip
                          what they already applied)

Commands that print data print a table, or JSON with --output=json.

Data:
  gen liaison --records=N --program=P [--out=DIR] [--seed=S] [--body=B]
  gen claims --from_batch=[BODY/]BATCH_ID | --insured=FILE [--claims=N] [--filed_date=YYYY-MM-DD]
           [--not_covered=%] [--unknown_act=%] [--late=%] [--duplicate=%] [--over_quantity=%]
           [--too_soon=%] [--sender=S] [--out=DIR] [--seed=S] [--tariff=FILE]
                          a bulk claims file and its manifest for people the stack registered
                          (--from_batch, families asked of beneficiary) or a file lists

Benchmarks (each starts its own stack in a temporary directory):
  bench intake --records=N [--backend=sqlite|postgres]
                                 [--statements]: on postgres, the server's time by statement
  bench notify --messages=N      events to queued messages, and messages to a local Kannel
  bench eligibility [--beneficiaries=1000000] [--concurrency=8] [--duration=10s]
                                 registration events applied, then CheckEligibility beside the
                                 health Check of the same server, and the batch form
  bench claims --claims=N [--insured_count=N]
                                 a bulk claims file decided end to end (to the last ClaimDecided
                                 on Kafka), beside raw inserts of its items
  bench allowances [--households=1000000]
                                 a month's family allowance run (draft computed, report written)
                                 beside raw inserts of as many rows, then at a tenth of the size:
                                 the ratio and the service's peak memory at both
  bench gateway [--registered=100] [--concurrency=8] [--duration=10s] [--output=json]
                                 GET /v1/me/eligibility through the gateway (wrk, one session)
                                 beside a static answer of the gateway and CheckEligibility
                                 called directly over gRPC: requests/s, p50, p99, ratios

Run 'himaya --helpfull' for every flag.)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args = himaya::core::ParseFlags(argc, argv, kUsage);
  // `up` waits for Ctrl-C or SIGTERM itself, to stop its stack in order; every other command
  // ends at once on them (the processes it started follow, being tied to it).
  if (!args.empty() && args[0] == "up") himaya::core::BlockTerminationSignals();
  if (args.empty()) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 2;
  }
  namespace cli = himaya::cli;
  // Each command, by area: one file per area (commands.h).
  const std::map<std::string, int (*)(const std::vector<std::string>&)> commands = {
      // stack_commands.cc
      {"up", cli::Up},
      {"status", cli::Status},
      {"health", cli::Health},
      {"figures", cli::FiguresTable},
      // demo_commands.cc
      {"demo", cli::Demo},
      // person_commands.cc
      {"register", cli::Register},
      {"person", cli::Person},
      // payment_mode_command.cc
      {"payment-mode", cli::PaymentMode},
      // messages_commands.cc
      {"messages", cli::Messages},
      {"campaign", cli::Campaign},
      // batch_commands.cc
      {"batch", cli::Batch},
      {"coverage", cli::Coverage},
      {"gen", cli::Gen},
      {"review", cli::Review},
      {"ivr", cli::Ivr},
      {"account", cli::Account},
      // beneficiary_commands.cc
      {"family", cli::Family},
      {"eligibility", cli::Eligibility},
      {"attestation", cli::Attestation},
      // allowances_commands.cc
      {"allowances", cli::Allowances},
      // events_commands.cc
      {"events", cli::Events},
      // claims_commands.cc
      {"claims", cli::Claims},
      {"tariff", cli::Tariff},
      // contributions_commands.cc
      {"contributions", cli::Contributions},
      // gateway_commands.cc
      {"agent", cli::Agent},
      {"apikey", cli::ApiKey},
      {"audit", cli::Audit},
      // bench_commands.cc
      {"bench", cli::Bench},
  };
  auto it = commands.find(args[0]);
  if (it == commands.end()) {
    std::fprintf(stderr, "himaya: unknown command '%s'\n\n%s\n", args[0].c_str(), kUsage);
    return 2;
  }
  // Commands that start their own stack call it with its certificates; the others use the CLI's,
  // but for those that call no service.
  // figures reads Prometheus (plain HTTP), not a service.
  const bool offline =
      args[0] == "gen" || args[0] == "figures" || (args[0] == "attestation" && args.size() > 1 && args[1] == "verify");
  if (args[0] != "up" && args[0] != "demo" && args[0] != "bench" && !offline) {
    absl::Status credentials = cli::UseCliCredentials();
    // status still reports what it can reach (nothing, then).
    if (!credentials.ok() && args[0] != "status") return cli::Fail(credentials);
  }
  return it->second(std::vector<std::string>(args.begin() + 1, args.end()));
}
