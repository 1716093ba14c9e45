// What the claims end-to-end tests share, on a real local stack: people registered through a
// liaison batch (and known to beneficiary), a small tariff imported, a bulk claims file written
// and sent with its manifest, reviews a sampled file waits on confirmed, and the claims events
// read back from Kafka.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/envelope.h"
#include "himaya/claims/v1/claims.grpc.pb.h"
#include "stack/local_stack.h"

namespace himaya::e2e {

namespace cl = himaya::claims::v1;

// Today where the services count days (Africa/Casablanca), YYYY-MM-DD.
std::string CasablancaToday();

// Registers `count` new amo-tns people (a liaison batch whose every row is registered, each with
// a mobile number and `language`, fr or ar) and waits until beneficiary knows each as insured.
// Returns their registration numbers in the batch's order.
absl::StatusOr<std::vector<std::string>> RegisterInsured(const stack::LocalStack& stack, const std::string& dir,
                                                         int64_t count, uint64_t seed, const std::string& language);

// The tariff the tests decide against (ImportTestTariff), effective from 2020-01-01:
// C (consultation, 80.00, at most 1), PH.GENERIQUE (pharmacy, 45.00, at most 10),
// B.GLY (biology, 11.00, at most 1), CS (specialist, 150.00, at most 1), HOSP (surgery in
// hospital, 9000.00, at most 1: one item reimbursed past the review threshold).
inline constexpr char kTestTariffCsv[] =
    "act_code,label,category,tnr_amount,max_quantity,min_days_between\n"
    "C,Consultation medecin generaliste,CONSULTATION,80.00,1,0\n"
    "PH.GENERIQUE,Medicament generique,PHARMACY,45.00,10,0\n"
    "B.GLY,Glycemie,BIOLOGY,11.00,1,0\n"
    "CS,Consultation specialiste,SPECIALIST,150.00,1,0\n"
    "HOSP,Chirurgie en hospitalisation,HOSPITAL,9000.00,1,0\n";
absl::StatusOr<cl::TariffImportResult> ImportTestTariff(cl::ClaimsService::Stub& claims);

// One row of a bulk claims file (docs/claims-file.md): one item.
struct ClaimsFileRow {
  std::string claim_id;
  std::string registration_number;
  std::string beneficiary_id;
  std::string care_date;
  std::string filed_date;
  std::string act_code;
  int quantity = 1;
  std::string amount_paid;  // dirhams, "100.00"
};
// The data file of `rows`, its header first.
std::string ClaimsCsv(const std::vector<ClaimsFileRow>& rows);
// Sends `csv` (of `rows` data rows) as bulk file `batch_id` of `sender`, with its manifest.
// Returns what SubmitClaimBatch answers.
absl::StatusOr<cl::ClaimBatchStatus> SubmitClaimsFile(cl::ClaimsService::Stub& claims, const std::string& sender,
                                                      const std::string& batch_id, const std::string& csv,
                                                      int64_t rows);

// The report of bulk file `batch_id` of `sender`: its CSV, the header first.
absl::StatusOr<std::string> ClaimBatchReport(cl::ClaimsService::Stub& claims, const std::string& sender,
                                             const std::string& batch_id);

// Confirms, as agent `agent`, every file waiting on a review (the rules' decision stands), so
// that sampling does not hold a file back; returns how many.
absl::StatusOr<int> ConfirmPendingReviews(cl::ClaimsService::Stub& claims, const std::string& agent);

// The events on himaya.claims.<program>.v1, as the broker holds them (a crash may have
// published some twice: the same event id).
absl::StatusOr<std::vector<events::Envelope>> ClaimsEventsOnKafka(const stack::LocalStack& stack,
                                                                  const std::string& program);

}  // namespace himaya::e2e
