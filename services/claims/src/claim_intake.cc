#include "claims/src/claim_intake.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "claims/src/claim_store.h"
#include "claims_file/claim_row.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "identity/registration_number.h"

namespace himaya::claims {
namespace {

// The longest agent or partner id a channel names.
constexpr size_t kMaxChannelIdLength = 64;
// Ids given at random collide rarely; a few draws more, then the service gives up.
constexpr int kClaimIdDraws = 5;

absl::Status WithField(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

absl::StatusOr<std::string> CheckedChannel(absl::string_view channel) {
  if (channel.empty() || channel == "PORTAL") return std::string("PORTAL");
  // An agent at a desk, or a partner (a clinic, an insurer: the gateway's API client, FHIR).
  for (absl::string_view kind : {"AGENT:", "PARTNER:"}) {
    if (!absl::StartsWith(channel, kind)) continue;
    absl::string_view who = channel.substr(kind.size());
    const bool printable = std::all_of(who.begin(), who.end(), [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@';
    });
    if (!who.empty() && who.size() <= kMaxChannelIdLength && printable) return std::string(channel);
  }
  return absl::InvalidArgumentError(absl::StrCat("channel: PORTAL, AGENT:<id> or PARTNER:<id> (an id of 1 to ",
                                                 kMaxChannelIdLength, " of [A-Za-z0-9._@-])"));
}

absl::Status CheckIdempotencyKey(absl::string_view key) {
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (key.size() > kMaxIdempotencyKeyLength || !printable) {
    return absl::InvalidArgumentError(absl::StrCat("idempotency_key: at most ", kMaxIdempotencyKeyLength,
                                                   " printable ASCII characters without spaces"));
  }
  return absl::OkStatus();
}

absl::Status ClaimIdTaken(absl::string_view claim_id) {
  return absl::AlreadyExistsError(absl::StrCat("CLAIM_ID_TAKEN: claim_id ", claim_id, " is another file's"));
}

// A key is the insured's: the same key sent for another insured is another key, and never
// answers with their file. A partner's key (channel PARTNER:<id>) is the partner's: no insured
// can take it first, and the partner reusing it for another insured is refused.
std::string ScopedKey(absl::string_view registration_number, absl::string_view channel, absl::string_view key) {
  if (key.empty()) return std::string();
  if (absl::StartsWith(channel, "PARTNER:")) return absl::StrCat(channel, "/", key);
  return absl::StrCat(registration_number, "/", key);
}

// What the caller gave rather than the service chose: a retry compares only these.
struct Given {
  bool claim_id = false;
  bool filed_date = false;
};

// Whether `earlier` (the file recorded under a key) is what `again` asks for: the same insured,
// filing day when one was given, channel, id when one was given, and items.
bool SameFiling(const Claim& earlier, const Claim& again, Given given) {
  if (earlier.registration_number != again.registration_number ||
      (given.filed_date && earlier.filed_date != again.filed_date) || earlier.channel != again.channel ||
      (given.claim_id && earlier.claim_id != again.claim_id) || earlier.items.size() != again.items.size()) {
    return false;
  }
  for (size_t i = 0; i < earlier.items.size(); ++i) {
    const FiledItem& a = earlier.items[i].filed;
    const FiledItem& b = again.items[i].filed;
    if (a.beneficiary_id != b.beneficiary_id || a.care_date != b.care_date || a.act_code != b.act_code ||
        a.quantity != b.quantity || a.amount_paid_centimes != b.amount_paid_centimes ||
        a.ald_certificate != b.ald_certificate) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Claim> FirstAnswer(std::optional<Claim> earlier, const Claim& again, Given given) {
  if (!SameFiling(*earlier, again, given)) {
    return absl::AlreadyExistsError("IDEMPOTENCY_KEY_REUSED: idempotency_key: used for another file");
  }
  return *std::move(earlier);
}

}  // namespace

ClaimIntake::ClaimIntake(storage::Database& db, const core::Clock& clock, core::RandomSource& random,
                         IntakeOptions options, std::function<void()> on_received)
    : db_(db), clock_(clock), random_(random), options_(options), on_received_(std::move(on_received)) {}

absl::StatusOr<Claim> ClaimIntake::Checked(const ClaimSubmission& s) const {
  Claim claim;
  if (!s.claim_id.empty()) RETURN_IF_ERROR(claims_file::CheckClaimId(s.claim_id));
  claim.claim_id = s.claim_id;
  if (s.registration_number.empty()) return absl::InvalidArgumentError("registration_number: required");
  RETURN_IF_ERROR(identity::CheckRegistrationNumber(s.registration_number));
  claim.registration_number = s.registration_number;
  claim.received_at = clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(claim.received_at, options_.zone);
  if (s.filed_date.empty()) {
    // Filed the day it is received (the portal's claims: the deadline runs from the day the fund
    // has the file, never from a day the filer chose).
    claim.filed_date = today;
  } else {
    ASSIGN_OR_RETURN(claim.filed_date, claims_file::ParseClaimDay("filed_date", s.filed_date));
    RETURN_IF_ERROR(claims_file::CheckFiledBy(claim.filed_date, today));
  }
  ASSIGN_OR_RETURN(claim.channel, CheckedChannel(s.channel));
  RETURN_IF_ERROR(CheckIdempotencyKey(s.idempotency_key));
  claim.idempotency_key = s.idempotency_key;
  if (s.items.empty() || s.items.size() > static_cast<size_t>(claims_file::kMaxItemsPerClaim)) {
    return absl::InvalidArgumentError(absl::StrCat("items: 1 to ", claims_file::kMaxItemsPerClaim));
  }
  for (size_t n = 0; n < s.items.size(); ++n) {
    const SubmittedItem& in = s.items[n];
    const std::string prefix = absl::StrCat("items[", n, "].");
    ClaimItemRecord item;
    item.filed.item = static_cast<int>(n) + 1;
    item.filed.beneficiary_id = in.beneficiary_id;
    auto care_date = claims_file::ParseClaimDay("care_date", in.care_date);
    if (!care_date.ok()) return WithField(prefix, care_date.status());
    item.filed.care_date = *care_date;
    auto act = claims_file::NormalizeActCode(in.act_code);
    if (!act.ok()) return WithField(prefix, act.status());
    item.filed.act_code = *act;
    if (absl::Status q = claims_file::CheckQuantity(in.quantity); !q.ok()) return WithField(prefix, q);
    item.filed.quantity = static_cast<int>(in.quantity);
    item.filed.amount_paid_centimes = in.amount_paid_centimes;
    item.filed.ald_certificate = in.ald_certificate;
    if (absl::Status checked = claims_file::CheckFiledItem(claim.registration_number, claim.filed_date, item.filed);
        !checked.ok()) {
      return WithField(prefix, checked);
    }
    claim.items.push_back(std::move(item));
  }
  claim.claimed_centimes = ClaimedCentimes(claim.items);
  claim.due_date = today + options_.due_days;
  return claim;
}

std::string ClaimIntake::NewClaimId() {
  return absl::StrFormat("%s%012d", kGivenClaimIdPrefix, random_.Next() % 1000000000000ULL);
}

absl::StatusOr<Claim> ClaimIntake::Submit(const ClaimSubmission& submission) {
  ASSIGN_OR_RETURN(Claim claim, Checked(submission));
  const bool allocate = claim.claim_id.empty();
  claim.idempotency_key = ScopedKey(claim.registration_number, claim.channel, claim.idempotency_key);
  std::optional<Claim> earlier;
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    earlier.reset();
    if (!claim.idempotency_key.empty()) {
      ASSIGN_OR_RETURN(earlier, ClaimStore::FindByIdempotencyKey(tx, claim.idempotency_key));
      if (earlier) return absl::OkStatus();
    }
    for (int draw = 0; allocate && draw < kClaimIdDraws; ++draw) {
      claim.claim_id = NewClaimId();
      ASSIGN_OR_RETURN(bool taken, ClaimStore::Exists(tx, claim.claim_id));
      if (!taken) break;
      if (draw + 1 == kClaimIdDraws) return absl::UnavailableError("no free claim id found, try again");
    }
    if (!allocate) {
      ASSIGN_OR_RETURN(bool taken, ClaimStore::Exists(tx, claim.claim_id));
      if (taken && !claim.idempotency_key.empty()) {
        // A retry with the same key may have committed since the key's lookup (PostgreSQL reads
        // what is committed at each statement): its file is the answer, not CLAIM_ID_TAKEN.
        ASSIGN_OR_RETURN(earlier, ClaimStore::FindByIdempotencyKey(tx, claim.idempotency_key));
        if (earlier) return absl::OkStatus();
      }
      if (taken) return ClaimIdTaken(claim.claim_id);
    }
    absl::Status inserted = ClaimStore::Insert(tx, claim);
    if (absl::IsAlreadyExists(inserted)) {
      // Another file took the id in between: the same answer as if it had been first. With a key,
      // it may be a retry with the same key that committed in between: ABORTED makes Write run
      // this again, and the key's lookup (or the id's) then gives the answer.
      if (claim.idempotency_key.empty()) return ClaimIdTaken(claim.claim_id);
      return absl::AbortedError("claim recorded concurrently");
    }
    return inserted;
  }));
  if (earlier) {
    return FirstAnswer(std::move(earlier), claim,
                       Given{.claim_id = !allocate, .filed_date = !submission.filed_date.empty()});
  }
  log::Info(
      "claim received",
      {{"claim_id", claim.claim_id}, {"channel", claim.channel}, {"items", static_cast<int64_t>(claim.items.size())}});
  if (options_.metrics != nullptr) options_.metrics->FilesReceived(claim.channel, 1);
  if (on_received_) on_received_();
  return claim;
}

}  // namespace himaya::claims
