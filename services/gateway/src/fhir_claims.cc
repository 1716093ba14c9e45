#include "gateway/src/fhir_claims.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "gateway/src/fhir_terminology.h"

namespace himaya::gateway::fhir {
namespace {

namespace cv1 = claims::v1;

constexpr char kType[] = "Claim";
constexpr int64_t kMaxQuantity = 999;
constexpr char kAdjudicationSystem[] = "http://terminology.hl7.org/CodeSystem/adjudication";

std::string At(absl::string_view path, absl::string_view name) { return absl::StrCat(path, ".", name); }

absl::Status CheckInsurance(const nlohmann::json& claim) {
  ASSIGN_OR_RETURN(std::vector<const nlohmann::json*> insurance, ArrayOf(claim, kType, "insurance", 1, 8));
  for (size_t i = 0; i < insurance.size(); ++i) {
    const std::string at = absl::StrCat(kType, ".insurance[", i, "]");
    const nlohmann::json& entry = *insurance[i];
    if (!entry.is_object()) return ErrorAt(at, "must be an object");
    ASSIGN_OR_RETURN(const nlohmann::json* sequence, Required(entry, at, "sequence"));
    RETURN_IF_ERROR(PositiveIntegerOf(*sequence, At(at, "sequence"), 99).status());
    ASSIGN_OR_RETURN(const nlohmann::json* focal, Required(entry, at, "focal"));
    if (!focal->is_boolean()) return ErrorAt(At(at, "focal"), "must be true or false");
    RETURN_IF_ERROR(ObjectOf(entry, at, "coverage", true).status());
  }
  return absl::OkStatus();
}

// Claim.identifier[0], its value bounded and printable: the idempotency key's part.
absl::StatusOr<nlohmann::json> IdentifierOf(const nlohmann::json& claim) {
  ASSIGN_OR_RETURN(nlohmann::json identifier, FirstIdentifier(claim, kType));
  if (identifier.is_null()) return identifier;
  const std::string& value = identifier["value"].get_ref<const std::string&>();
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (value.size() > kMaxClaimIdentifierLength || !printable) {
    return ErrorAt("Claim.identifier[0].value",
                   absl::StrCat("at most ", kMaxClaimIdentifierLength, " printable ASCII characters without spaces"));
  }
  return identifier;
}

absl::Status ReadItem(const nlohmann::json& item, const std::string& at, cv1::ClaimItem* out) {
  if (!item.is_object()) return ErrorAt(at, "must be an object");
  ASSIGN_OR_RETURN(const nlohmann::json* sequence, Required(item, at, "sequence"));
  RETURN_IF_ERROR(PositiveIntegerOf(*sequence, At(at, "sequence"), kMaxClaimItems * 100).status());
  ASSIGN_OR_RETURN(const nlohmann::json* product, Required(item, at, "productOrService"));
  ASSIGN_OR_RETURN(std::string act, CodeIn(*product, At(at, "productOrService"), kTnrActSystem));
  out->set_act_code(act);
  ASSIGN_OR_RETURN(std::string day, DateOf(item, at, "servicedDate"));
  out->set_care_date(day);
  int64_t quantity = 1;
  ASSIGN_OR_RETURN(const nlohmann::json* quantity_element, ObjectOf(item, at, "quantity", false));
  if (quantity_element != nullptr) {
    ASSIGN_OR_RETURN(const nlohmann::json* value, Required(*quantity_element, At(at, "quantity"), "value"));
    ASSIGN_OR_RETURN(quantity, PositiveIntegerOf(*value, At(at, "quantity.value"), kMaxQuantity));
  }
  out->set_quantity(static_cast<int32_t>(quantity));
  if (const nlohmann::json* net = Find(item, "net"); net != nullptr) {
    ASSIGN_OR_RETURN(int64_t paid, CentimesOf(*net, At(at, "net")));
    out->set_amount_paid_centimes(paid);
  } else if (const nlohmann::json* unit = Find(item, "unitPrice"); unit != nullptr) {
    ASSIGN_OR_RETURN(int64_t unit_price, CentimesOf(*unit, At(at, "unitPrice")));
    out->set_amount_paid_centimes(unit_price * quantity);
  } else {
    return ErrorAt(At(at, "net"), "required (what was paid, in MAD), or unitPrice");
  }
  return absl::OkStatus();
}

std::string Outcome(const cv1::Claim& claim) {
  const bool decided = claim.state() == "DECIDED" || claim.state() == "IN_PAYMENT" || claim.state() == "PAID";
  if (!decided) return "queued";
  return claim.outcome() == "PARTIAL" ? "partial" : "complete";
}

nlohmann::json Adjudication(absl::string_view category) {
  return {{"category", Concept(kAdjudicationSystem, category)}};
}

nlohmann::json ItemOf(const cv1::ClaimItem& item) {
  nlohmann::json submitted = Adjudication("submitted");
  submitted["amount"] = Money(item.amount_paid_centimes());
  nlohmann::json adjudication = nlohmann::json::array({std::move(submitted)});
  if (!item.outcome().empty()) {
    if (item.tnr_amount_centimes() > 0) {
      nlohmann::json eligible = Adjudication("eligible");
      eligible["amount"] =
          Money(std::min<int64_t>(item.amount_paid_centimes(), item.tnr_amount_centimes() * item.quantity()));
      adjudication.push_back(std::move(eligible));
    }
    if (item.outcome() == "ACCEPTED") {
      nlohmann::json rate = Adjudication("eligpercent");
      rate["value"] = item.rate_percent();
      adjudication.push_back(std::move(rate));
    }
    nlohmann::json benefit = Adjudication("benefit");
    benefit["amount"] = Money(item.reimbursed_centimes());
    if (!item.reason().empty()) {
      nlohmann::json reason = Concept(kClaimReasonSystem, item.reason(), ClaimReasonDisplay(item.reason()));
      // NOT_COVERED names beneficiary's reason; other details (a field, an earlier claim) as text.
      if (item.reason() == "NOT_COVERED" && !item.reason_detail().empty()) {
        reason["coding"].push_back(Coding(kEligibilityReasonSystem, item.reason_detail()));
      } else if (!item.reason_detail().empty()) {
        reason["text"] = item.reason_detail();
      }
      benefit["reason"] = std::move(reason);
    }
    adjudication.push_back(std::move(benefit));
  }
  return {{"itemSequence", item.item()}, {"adjudication", std::move(adjudication)}};
}

// The patient of a file: the one beneficiary of all its items, else the insured.
std::string PatientOf(const cv1::Claim& claim) {
  if (claim.items_size() == 0) return claim.registration_number();
  const std::string& first = claim.items(0).beneficiary_id();
  for (const cv1::ClaimItem& item : claim.items()) {
    if (item.beneficiary_id() != first) return claim.registration_number();
  }
  return first;
}

std::string ElementOfField(absl::string_view field) {
  if (field == "registration_number") return "Claim.patient";
  if (field == "filed_date") return "Claim.created";
  if (field == "idempotency_key") return "Claim.identifier";
  if (field == "items") return "Claim.item";
  if (!absl::StartsWith(field, "items[")) return "Claim";
  const size_t close = field.find("].");
  if (close == absl::string_view::npos) return "Claim.item";
  const std::string item = absl::StrCat("Claim.item[", field.substr(6, close - 6), "]");
  absl::string_view name = field.substr(close + 2);
  if (name == "care_date") return item + ".servicedDate";
  if (name == "act_code") return item + ".productOrService";
  if (name == "quantity") return item + ".quantity";
  if (absl::StartsWith(name, "amount_paid")) return item + ".net";
  if (name == "beneficiary_id") return "Claim.patient";
  return item;
}

}  // namespace

std::string PartnerChannel(absl::string_view client) { return absl::StrCat("PARTNER:", client); }

absl::StatusOr<ClaimFiling> ReadClaim(absl::string_view body, absl::string_view client) {
  ASSIGN_OR_RETURN(nlohmann::json claim, ReadResource(body, kType));
  ClaimFiling filing;
  cv1::SubmitClaimRequest& request = filing.request;
  ASSIGN_OR_RETURN(std::optional<std::string> status, StringOf(claim, kType, "status", true));
  if (*status != "active") return ErrorAt("Claim.status", "only an active claim is filed");
  RETURN_IF_ERROR(ObjectOf(claim, kType, "type", true).status());
  ASSIGN_OR_RETURN(std::optional<std::string> use, StringOf(claim, kType, "use", true));
  if (*use != "claim") return ErrorAt("Claim.use", "only claim is filed (not preauthorization or predetermination)");
  ASSIGN_OR_RETURN(const nlohmann::json* patient, Required(claim, kType, "patient"));
  ASSIGN_OR_RETURN(std::string beneficiary_id, BeneficiaryOfReference(*patient, "Claim.patient"));
  ASSIGN_OR_RETURN(std::string filed_date, DayOfDateTime(claim, kType, "created"));
  RETURN_IF_ERROR(ObjectOf(claim, kType, "provider", true).status());
  RETURN_IF_ERROR(ObjectOf(claim, kType, "priority", true).status());
  RETURN_IF_ERROR(CheckInsurance(claim));
  ASSIGN_OR_RETURN(filing.identifier, IdentifierOf(claim));
  ASSIGN_OR_RETURN(std::vector<const nlohmann::json*> items, ArrayOf(claim, kType, "item", 1, kMaxClaimItems));
  for (size_t i = 0; i < items.size(); ++i) {
    cv1::ClaimItem* item = request.add_items();
    RETURN_IF_ERROR(ReadItem(*items[i], absl::StrCat("Claim.item[", i, "]"), item));
    item->set_beneficiary_id(beneficiary_id);
  }
  request.set_registration_number(InsuredOf(beneficiary_id));
  request.set_filed_date(filed_date);
  request.set_channel(PartnerChannel(client));
  if (!filing.identifier.is_null()) {
    request.set_idempotency_key(absl::StrCat("fhir:", client, ":", filing.identifier["value"].get<std::string>()));
  }
  return filing;
}

nlohmann::json ClaimResponse(const cv1::Claim& claim, const Fund& fund, const nlohmann::json& identifier) {
  const std::string outcome = Outcome(claim);
  nlohmann::json items = nlohmann::json::array();
  for (const cv1::ClaimItem& item : claim.items()) items.push_back(ItemOf(item));
  nlohmann::json submitted = Adjudication("submitted");
  submitted["amount"] = Money(claim.claimed_centimes());
  nlohmann::json totals = nlohmann::json::array({std::move(submitted)});
  if (outcome != "queued") {
    nlohmann::json benefit = Adjudication("benefit");
    benefit["amount"] = Money(claim.reimbursed_centimes());
    totals.push_back(std::move(benefit));
  }
  const absl::Time received = absl::FromUnixSeconds(claim.received_at().seconds());
  nlohmann::json response = {
      {"resourceType", "ClaimResponse"},
      {"id", claim.claim_id()},
      {"identifier", nlohmann::json::array({{{"system", kClaimIdSystem}, {"value", claim.claim_id()}}})},
      {"status", "active"},
      {"type", Concept("http://terminology.hl7.org/CodeSystem/claim-type", "professional")},
      {"use", "claim"},
      {"patient", PatientReference(PatientOf(claim))},
      {"created", DateTimeOf(received)},
      {"insurer", FundReference(fund)},
      {"outcome", outcome},
      {"disposition", outcome == "queued" ? claim.state() : claim.outcome()},
      {"item", std::move(items)},
      {"total", std::move(totals)}};
  if (!identifier.is_null()) response["request"] = {{"type", "Claim"}, {"identifier", identifier}};
  if (claim.state() == "PAID") {
    response["payment"] = {
        {"type", Concept("http://terminology.hl7.org/CodeSystem/ex-paymenttype", "complete")},
        {"amount", Money(claim.reimbursed_centimes())},
        {"date", absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(claim.paid_at().seconds()), absl::UTCTimeZone())}};
  }
  return response;
}

ApiError ClaimFilingError(const grpc::Status& status) {
  ApiError error = ErrorFromGrpc(status);
  if (absl::StrContains(error.message, "IDEMPOTENCY_KEY_REUSED")) {
    error.field = "Claim.identifier";
    error.message = "Claim.identifier: IDEMPOTENCY_KEY_REUSED, already used for another claim";
    return error;
  }
  if (error.field.empty()) return error;
  const std::string element = ElementOfField(error.field);
  error.message = absl::StrCat(element, error.message.substr(error.field.size()));
  error.field = element;
  return error;
}

}  // namespace himaya::gateway::fhir
