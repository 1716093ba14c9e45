// The subcommands of the himaya CLI. Each returns the process's exit code and prints errors
// as one line on standard error.
#pragma once

#include <string>
#include <vector>

namespace himaya::cli {

// stack_commands.cc
// Starts the local stack in the foreground until Ctrl-C, SIGINT or SIGTERM.
int Up(const std::vector<std::string>& args);
// Prints each component's health; non-zero when one is down.
int Status(const std::vector<std::string>& args);

// health_command.cc
// health --address=HOST:PORT [--service=NAME]: exit 0 when the server answers SERVING.
int Health(const std::vector<std::string>& args);
int FiguresTable(const std::vector<std::string>& args);

// person_commands.cc
// Registers one person from --cin, --last_name, ... flags.
int Register(const std::vector<std::string>& args);
// `person get NUMBER|CIN`.
int Person(const std::vector<std::string>& args);

// payment_mode_command.cc
// `payment-mode NUMBER` shows the insured's payment mode; with --rib or --wallet, chooses it.
int PaymentMode(const std::vector<std::string>& args);

// messages_commands.cc
// `messages NUMBER` | messages resend|opt-out|opt-in NUMBER
int Messages(const std::vector<std::string>& args);
// campaign start ... | campaign status ID
int Campaign(const std::vector<std::string>& args);

// demo_commands.cc
// Starts a stack, walks a registration through it end to end, prints what happened, stops.
int Demo(const std::vector<std::string>& args);

// events_commands.cc
// events outbox: each service's pending and set-aside events; events replay --since=T:
// publish again what each service published since T (after a consumer lost events).
int Events(const std::vector<std::string>& args);

// batch_commands.cc
// batch submit FILE | batch status ID | batch report ID
int Batch(const std::vector<std::string>& args);
// coverage import FILE
int Coverage(const std::vector<std::string>& args);
// gen liaison --records N --program P ... | gen claims ... (GenClaims)
int Gen(const std::vector<std::string>& args);
// review list | review decide ID new|merge --agent=NAME
int Review(const std::vector<std::string>& args);
// ivr lookup CIN BIRTH_DATE
int Ivr(const std::vector<std::string>& args);
// account code NUMBER | account activate NUMBER CODE [--password_file=FILE] | account resend-code NUMBER
int Account(const std::vector<std::string>& args);

// beneficiary_commands.cc
// family declare NUMBER ... | family list NUMBER | family remove NUMBER BENEFICIARY_ID ...
int Family(const std::vector<std::string>& args);
// eligibility NUMBER|BENEFICIARY_ID [--date=D]: exit 0 when covered, 3 when not.
int Eligibility(const std::vector<std::string>& args);
// attestation get NUMBER --out=FILE.pdf | attestation verify FILE.pdf [--keys=DIR]
int Attestation(const std::vector<std::string>& args);

// claims_commands.cc
// claims submit FILE.csv | report [SENDER/]BATCH_ID | status CLAIM_ID | review list |
// review decide CLAIM_ID --decision=confirm|reject --agent=ID | overdue | ald add ...
int Claims(const std::vector<std::string>& args);
// allowances_commands.cc
// allowances run --month=YYYY-MM | show | report | approve | pay | confirm-payment: family
// allowance runs.
int Allowances(const std::vector<std::string>& args);

// claim_payment_commands.cc
// claims pay --date=YYYY-MM-DD [--out=DIR]: the date's payment run, its instructions written to
// DIR/payment-RUN_ID.csv.
int ClaimsPay(const std::vector<std::string>& args);
// claims confirm-payment FILE.csv: the bank's confirmation of a run.
int ClaimsConfirmPayment(const std::vector<std::string>& args);
// tariff import FILE.csv --tariff_version=V --effective_from=YYYY-MM-DD
int Tariff(const std::vector<std::string>& args);

// gateway_commands.cc
// agent add ID --name=... --roles=support,supervisor [--password_file=F] | agent list | agent disable ID
int Agent(const std::vector<std::string>& args);
// apikey add CLIENT --scopes=ivr,fhir | apikey list | apikey revoke KEY_ID
int ApiKey(const std::vector<std::string>& args);
// audit [--agent=ID] [--subject=NUMBER] [--since=RFC3339]: agents' reads of persons, newest first
int Audit(const std::vector<std::string>& args);

// gen_claims_command.cc
// gen claims --from_batch=[BODY/]ID | --insured=FILE [--claims=N] [rejection percentages]
int GenClaims(const std::vector<std::string>& args);

// bench_commands.cc
// bench intake --records=N [--backend=sqlite|postgres] | bench notify | bench eligibility | bench claims |
// bench gateway
int Bench(const std::vector<std::string>& args);
// bench_allowances.cc
// bench allowances [--households=N]: a family allowance run over N households, then N/10, beside
// raw inserts, with the service's peak memory at both.
int BenchAllowances();

// bench_eligibility.cc
// bench eligibility [--beneficiaries=N] [--concurrency=C] [--duration=D]
int BenchEligibility();
// bench_claims.cc
// bench claims [--claims=N] [--insured_count=N]
int BenchClaims();
// bench_gateway.cc
// bench gateway [--registered=N] [--concurrency=C] [--duration=D]: GET /v1/me/eligibility through
// the gateway beside a static answer and a direct gRPC call.
int BenchGateway();

// contributions_commands.cc
// contributions call --period=YYYY-MM | import FILE.csv [--manifest=M] | status NUMBER
int Contributions(const std::vector<std::string>& args);

}  // namespace himaya::cli
