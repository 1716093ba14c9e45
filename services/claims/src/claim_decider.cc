#include "claims/src/claim_decider.h"

#include <map>
#include <set>
#include <utility>

#include "claims/src/claim_events.h"
#include "claims/src/tariff.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "events/outbox.h"
#include "identity/registration_number.h"

namespace himaya::claims {
namespace {

prometheus::Family<prometheus::Counter>& Counter(prometheus::Registry& registry, const std::string& name,
                                                 const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

// Whether an item can be asked about at all (a row that could not be read cannot).
bool Askable(const FiledItem& item) { return item.invalid_field.empty() && !item.beneficiary_id.empty(); }

// What the chunk's files are decided on: the beneficiary service's answers to the chunk's
// distinct questions, the tariff, the certificates, and the accepted history, to which each
// decided file adds its accepted items for the files after it.
class ChunkFacts {
 public:
  // The distinct questions of `claims`: each insured whose registration number is valid on the
  // filing day (their program), each readable item's beneficiary on its care date. A file with
  // an invalid number is not asked about (its items are INVALID_ROW already).
  explicit ChunkFacts(const std::vector<ClaimToDecide>& claims) {
    for (const ClaimToDecide& c : claims) {
      if (identity::CheckRegistrationNumber(c.registration_number).ok()) Ask({c.registration_number, c.filed_date});
      for (const FiledItem& i : c.items) {
        if (!Askable(i)) continue;
        Ask({i.beneficiary_id, i.care_date});
        beneficiaries_.insert(i.beneficiary_id);
        act_codes_.insert(i.act_code);
        if (!i.ald_certificate.empty()) certificates_.insert(i.ald_certificate);
      }
    }
  }
  const std::vector<CoverageQuestion>& questions() const { return questions_; }

  // Reads the tariff, certificates and history the chunk needs (a few queries).
  absl::Status Read(storage::Database& db) {
    std::vector<TariffVersion> versions;
    std::vector<AldCertificateValidity> certificates;
    std::vector<AcceptedItem> accepted;
    RETURN_IF_ERROR(db.Read([&](storage::Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(versions, ClaimDecisionStore::TariffFor(tx, {act_codes_.begin(), act_codes_.end()}));
      ASSIGN_OR_RETURN(certificates,
                       ClaimDecisionStore::AldCertificates(tx, {certificates_.begin(), certificates_.end()}));
      ASSIGN_OR_RETURN(accepted, ClaimDecisionStore::AcceptedOf(tx, {beneficiaries_.begin(), beneficiaries_.end()}));
      return absl::OkStatus();
    }));
    tariff_.emplace(std::move(versions));
    for (AldCertificateValidity& c : certificates) certificates_held_[c.certificate] = std::move(c);
    for (AcceptedItem& a : accepted) Remember(std::move(a));
    return absl::OkStatus();
  }

  // The answer that gives the file its program (and its insured's category and region): the
  // insured's, else the first item's answer naming one; none when the beneficiary service knows
  // none of them.
  const CoverageAnswer* GroupOf(const ClaimToDecide& c, const std::vector<CoverageAnswer>& answers) const {
    const auto insured = asked_.find({c.registration_number, c.filed_date});
    if (insured == asked_.end()) return nullptr;  // an invalid registration number: not asked
    if (!answers[insured->second].program.empty()) return &answers[insured->second];
    for (const FiledItem& i : c.items) {
      if (!Askable(i)) continue;
      const CoverageAnswer& a = answers[asked_.at({i.beneficiary_id, i.care_date})];
      if (!a.program.empty()) return &a;
    }
    return nullptr;
  }

  // The facts of each item of `c`, in order.
  std::vector<ItemFacts> FactsOf(const ClaimToDecide& c, const std::vector<CoverageAnswer>& answers) const {
    std::vector<ItemFacts> out;
    out.reserve(c.items.size());
    for (const FiledItem& i : c.items) {
      ItemFacts f;
      if (Askable(i)) {
        const CoverageAnswer& a = answers[asked_.at({i.beneficiary_id, i.care_date})];
        f.covered = a.covered;
        f.not_covered_reason = a.reason;
        f.covered_through = a.covered_through;
        f.act_known = tariff_->Knows(i.act_code);
        f.act = tariff_->ActOn(i.act_code, i.care_date);
        f.ald_valid = AldValid(i);
        History(c.claim_id, i, f);
      }
      out.push_back(std::move(f));
    }
    return out;
  }

  // The accepted items of a decided file count for the files after it.
  void Accepted(const ClaimToDecide& c, const FileDecision& d) {
    for (size_t k = 0; k < c.items.size() && k < d.items.size(); ++k) {
      const FiledItem& i = c.items[k];
      if (d.items[k].accepted) {
        Remember({c.claim_id, i.beneficiary_id, i.act_code, i.care_date, i.amount_paid_centimes});
      }
    }
  }

 private:
  void Ask(const CoverageQuestion& q) {
    if (asked_.emplace(q, questions_.size()).second) questions_.push_back(q);
  }
  void Remember(AcceptedItem a) {
    const std::pair<std::string, std::string> key{a.beneficiary_id, a.act_code};
    history_[key].push_back(std::move(a));
  }
  bool AldValid(const FiledItem& i) const {
    if (i.ald_certificate.empty()) return false;
    const auto at = certificates_held_.find(i.ald_certificate);
    return at != certificates_held_.end() && at->second.beneficiary_id == i.beneficiary_id &&
           at->second.valid_from <= i.care_date && i.care_date <= at->second.valid_until;
  }
  // The accepted care date of the act nearest to this one in other files (the rules reject
  // within min_days_between either side), and the same item accepted in another file (earlier
  // items of the same file are the rules' to count).
  void History(const std::string& claim_id, const FiledItem& i, ItemFacts& f) const {
    const auto at = history_.find({i.beneficiary_id, i.act_code});
    if (at == history_.end()) return;
    const auto apart = [&](absl::CivilDay day) {
      const int64_t days = i.care_date - day;
      return days < 0 ? -days : days;
    };
    for (const AcceptedItem& a : at->second) {
      if (a.claim_id == claim_id) continue;
      if (!f.previous_care_date || apart(a.care_date) < apart(*f.previous_care_date)) {
        f.previous_care_date = a.care_date;
        f.previous_claim_id = a.claim_id;
      }
      if (a.care_date == i.care_date && f.duplicate_of.empty()) {
        f.duplicate_of = a.claim_id;
      }
    }
  }

  std::vector<CoverageQuestion> questions_;
  std::map<CoverageQuestion, size_t> asked_;
  std::set<std::string> beneficiaries_;
  std::set<std::string> act_codes_;
  std::set<std::string> certificates_;
  std::optional<Tariff> tariff_;
  std::map<std::string, AldCertificateValidity> certificates_held_;
  std::map<std::pair<std::string, std::string>, std::vector<AcceptedItem>> history_;
};

// The answer to a question the beneficiary service refused as malformed (INVALID_ARGUMENT).
constexpr char kRefusedQuestion[] = "QUESTION_REFUSED";

// Asks `questions` of `directory`; when it refuses them as malformed (INVALID_ARGUMENT, a bug
// in the questions, not an outage), asks each half again, down to the single questions refused,
// which are answered not covered (kRefusedQuestion): one bad question never blocks the queue.
// Any other error (UNAVAILABLE, DEADLINE_EXCEEDED) is returned: the chunk waits.
absl::StatusOr<std::vector<CoverageAnswer>> AskAround(BeneficiaryDirectory& directory,
                                                      const std::vector<CoverageQuestion>& questions, int& refused) {
  absl::StatusOr<std::vector<CoverageAnswer>> answers = directory.CoverageOn(questions);
  if (!absl::IsInvalidArgument(answers.status())) return answers;
  if (questions.size() <= 1) {
    refused += static_cast<int>(questions.size());
    return std::vector<CoverageAnswer>(questions.size(), CoverageAnswer{.reason = kRefusedQuestion});
  }
  const auto middle = questions.begin() + static_cast<std::ptrdiff_t>(questions.size() / 2);
  ASSIGN_OR_RETURN(std::vector<CoverageAnswer> out,
                   AskAround(directory, std::vector<CoverageQuestion>(questions.begin(), middle), refused));
  ASSIGN_OR_RETURN(std::vector<CoverageAnswer> rest,
                   AskAround(directory, std::vector<CoverageQuestion>(middle, questions.end()), refused));
  out.insert(out.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return out;
}

int CountAccepted(const FileDecision& d) {
  int n = 0;
  for (const ItemDecision& i : d.items) n += i.accepted ? 1 : 0;
  return n;
}

}  // namespace

ClaimDecider::ClaimDecider(storage::Database& db, const ClaimRules& rules, BeneficiaryDirectory& directory,
                           const core::Clock& clock, events::EventSource source, prometheus::Registry& registry,
                           ProcessingTime& processing_time, ClaimDeciderOptions options,
                           std::function<void()> on_published)
    : db_(db),
      rules_(rules),
      directory_(directory),
      clock_(clock),
      source_(std::move(source)),
      processing_time_(processing_time),
      options_(options),
      on_published_(std::move(on_published)),
      decided_(Counter(registry, "himaya_claims_decided_total",
                       "Files decided by the rules (not sent to review), by program and outcome")),
      review_queued_(Counter(registry, "himaya_claims_review_queued_total",
                             "Files sent to an agent's review by the rules, by program and reason")),
      waits_(Counter(registry, "himaya_claims_decider_waits_total",
                     "Chunks of files left RECEIVED because the beneficiary service could not answer")
                 .Add({})) {}

absl::StatusOr<ChunkResult> ClaimDecider::DecideChunk() {
  std::vector<ClaimToDecide> claims;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(claims, ClaimDecisionStore::Received(tx, options_.chunk_files));
    return absl::OkStatus();
  }));
  ChunkResult result;
  if (claims.empty()) {
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      return ClaimDecisionStore::CompleteDecidedBatches(tx, clock_.Now()).status();
    }));
    return result;
  }
  ChunkFacts facts(claims);
  int refused = 0;
  absl::StatusOr<std::vector<CoverageAnswer>> answers = AskAround(directory_, facts.questions(), refused);
  if (!answers.ok()) {
    waits_.Increment();
    return answers.status();
  }
  if (refused > 0) {
    log::Warn("claims questions refused by the beneficiary service decided not covered", {{"questions", refused}});
  }
  RETURN_IF_ERROR(facts.Read(db_));
  const absl::Time now = clock_.Now();
  std::vector<Decided> decided;
  decided.reserve(claims.size());
  for (const ClaimToDecide& c : claims) {
    const CoverageAnswer* group = facts.GroupOf(c, *answers);
    const std::string program = group != nullptr ? group->program : "";
    FileDecision d =
        rules_.Decide(c.claim_id, c.registration_number, c.filed_date, program, c.items, facts.FactsOf(c, *answers));
    facts.Accepted(c, d);
    const bool in_review = !d.review_reason.empty();
    const bool settled = !in_review && d.reimbursed_centimes == 0;
    decided.push_back({&c,
                       {c.claim_id, program, group != nullptr ? group->category : "",
                        group != nullptr ? group->region : "", std::move(d), in_review, now, settled}});
  }
  // A short chunk took the last RECEIVED files: the batches they finish complete with it.
  ASSIGN_OR_RETURN(std::vector<const Decided*> written,
                   RecordChunk(decided, claims.size() < static_cast<size_t>(options_.chunk_files)));
  for (const Decided* d : written) {
    const DecisionToRecord& r = d->record;
    if (r.in_review) {
      ++result.in_review;
      review_queued_.Add({{"program", r.program}, {"reason", r.decision.review_reason}}).Increment();
      continue;
    }
    ++result.decided;
    decided_.Add({{"program", r.program}, {"outcome", std::string(OutcomeName(r.decision.outcome))}}).Increment();
    if (r.settled) processing_time_.Observe(r.program, d->claim->received_at, r.decided_at);
  }
  result.skipped = static_cast<int>(claims.size() - written.size());
  if (!written.empty()) on_published_();
  return result;
}

absl::StatusOr<std::vector<const ClaimDecider::Decided*>> ClaimDecider::RecordChunk(const std::vector<Decided>& decided,
                                                                                    bool last_of_queue) {
  std::vector<const Decided*> written;
  int without_program = 0;
  // THE transaction boundary of a chunk: before its commit no file of the chunk is decided,
  // after it every file is, with its events.
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
    written.clear();
    without_program = 0;
    std::vector<events::OutgoingEvent> out;
    for (const Decided& d : decided) {
      ASSIGN_OR_RETURN(bool recorded, ClaimDecisionStore::RecordDecision(tx, d.record));
      if (!recorded) continue;  // decided meanwhile by another replica
      written.push_back(&d);
      const DecisionToRecord& r = d.record;
      if (r.program.empty()) {
        ++without_program;  // no topic to publish on: the insured is unknown to the beneficiary service
        continue;
      }
      out.push_back(ClaimSubmittedEvent(source_, *d.claim, r.program));
      if (r.in_review) continue;
      const int accepted = CountAccepted(r.decision);
      out.push_back(ClaimDecidedEvent(
          source_,
          {d.claim->claim_id, d.claim->registration_number, r.program, std::string(OutcomeName(r.decision.outcome)),
           accepted, static_cast<int>(r.decision.items.size()) - accepted, r.decision.claimed_centimes,
           r.decision.reimbursed_centimes, false, d.claim->received_at, r.decided_at, d.claim->due_date}));
    }
    if (!out.empty()) RETURN_IF_ERROR(events::AppendManyToOutbox(tx, out, clock_));
    if (last_of_queue) RETURN_IF_ERROR(ClaimDecisionStore::CompleteDecidedBatches(tx, clock_.Now()).status());
    return absl::OkStatus();
  }));
  log::Info("claims chunk decided",
            {{"files", static_cast<int64_t>(decided.size())}, {"written", static_cast<int64_t>(written.size())}});
  if (without_program > 0) {
    log::Warn("claims decided without a program publish no event", {{"files", without_program}});
  }
  return written;
}

absl::Duration ClaimDecider::Pass() {
  absl::StatusOr<ChunkResult> chunk = DecideChunk();
  if (!chunk.ok()) {
    log::Warn(
        "claims wait: their facts could not be gathered",
        {{"error", std::string(chunk.status().message())}, {"code", absl::StatusCodeToString(chunk.status().code())}});
    return options_.retry_after;
  }
  return chunk->files() > 0 ? absl::ZeroDuration() : options_.period;
}

}  // namespace himaya::claims
