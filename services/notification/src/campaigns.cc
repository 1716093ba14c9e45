#include "notification/src/campaigns.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "notification/src/audience_store.h"
#include "notification/src/campaign_store.h"
#include "notification/src/message_store.h"

namespace himaya::notification {

absl::StatusOr<std::string> Campaigns::Start(const std::string& template_key, const Segment& segment,
                                             const std::string& agent) {
  if (segment.program.empty()) return absl::InvalidArgumentError("segment.program: is required");
  if (agent.empty()) return absl::InvalidArgumentError("agent: who starts the campaign is required");
  if (!templates_.Has(template_key, "fr") || !templates_.Has(template_key, "ar")) {
    return absl::NotFoundError(absl::StrCat("template ", template_key, " does not exist in fr and ar"));
  }
  if (templates_.NeedsEventValues(template_key)) {
    return absl::FailedPreconditionError(
        absl::StrCat("template ", template_key, " is sent on its event only, not to a campaign"));
  }
  const std::string id = core::NewUuid(random_);
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return CampaignStore::Insert(tx, id, template_key, segment, agent, clock_.Now());
  }));
  log::Info("campaign started", {{"campaign_id", id}, {"template", template_key}, {"segment", SegmentJson(segment)}});
  return id;
}

absl::StatusOr<int64_t> Campaigns::Advance(int chunk) {
  std::vector<std::string> running;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(running, CampaignStore::Running(tx));
    return absl::OkStatus();
  }));
  int64_t total = 0;
  for (const std::string& id : running) {
    int64_t queued = 0;
    std::string program, template_used;
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      queued = 0;
      ASSIGN_OR_RETURN(std::optional<StoredCampaign> c, CampaignStore::Find(tx, id));
      if (!c || c->state != "RUNNING") return absl::OkStatus();
      const absl::Time now = clock_.Now();
      if (!c->segment.ok()) {
        // Nothing this campaign could send is known: it stops, and the others go on.
        log::Warn("campaign stopped: its segment cannot be read",
                  {{"campaign_id", id}, {"error", c->segment.status()}});
        return CampaignStore::Fail(tx, id, now);
      }
      const Segment& s = *c->segment;
      program = s.program;
      template_used = c->template_key;
      ASSIGN_OR_RETURN(std::vector<AudienceMember> people, AudienceStore::InSegment(tx, s, c->cursor, chunk));
      std::vector<Message> messages;
      messages.reserve(people.size());
      for (const AudienceMember& p : people) {
        Message m;
        m.message_id = core::NewUuid(random_);
        m.registration_number = p.registration_number;
        m.program = p.program;
        m.channel = kChannelSms;
        m.template_key = c->template_key;
        m.language = p.preferred_language;
        m.status = MessageStatus::kPending;
        m.source_event_id = absl::StrCat("campaign:", id, ":", p.registration_number);
        m.created_at = now;
        m.campaign_id = id;
        messages.push_back(std::move(m));
      }
      ASSIGN_OR_RETURN(queued, MessageStore::InsertManyOnce(tx, messages));
      const bool done = static_cast<int>(people.size()) < chunk;
      return CampaignStore::Advanced(tx, id, people.empty() ? c->cursor : people.back().registration_number, queued,
                                     done, now);
    }));
    total += queued;
    if (queued > 0) on_queued_(program, template_used, queued);
  }
  return total;
}

absl::StatusOr<CampaignStatus> Campaigns::Status(const std::string& campaign_id) {
  CampaignStatus status;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<StoredCampaign> c, CampaignStore::Find(tx, campaign_id));
    if (!c) return absl::NotFoundError(absl::StrCat("campaign ", campaign_id, " is unknown"));
    status.campaign_id = campaign_id;
    status.template_key = c->template_key;
    status.state = c->state;
    status.queued = c->queued;
    ASSIGN_OR_RETURN(status.by_status, MessageStore::CountByStatus(tx, campaign_id));
    return absl::OkStatus();
  }));
  return status;
}

void Campaigns::Start() { loop_.Start(); }

void Campaigns::Stop() { loop_.Stop(); }

absl::Duration Campaigns::Pass() {
  absl::StatusOr<int64_t> queued = Advance();
  if (!queued.ok()) log::Warn("campaigns did not advance", {{"error", queued.status()}});
  return queued.ok() && *queued > 0 ? absl::Milliseconds(10) : absl::Seconds(1);
}

}  // namespace himaya::notification
