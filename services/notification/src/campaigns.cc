#include "notification/src/campaigns.h"

#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"
#include "notification/src/message.h"
#include "storage/bulk.h"

namespace himaya::notification {
namespace {

// A segment as stored with its campaign (JSON).
std::string SegmentJson(const Segment& segment) {
  nlohmann::json json = {{"program", segment.program},
                         {"category", segment.category},
                         {"city", segment.city},
                         {"region", segment.region},
                         {"not_activated", segment.not_activated}};
  if (segment.registered_before) json["registered_before_us"] = absl::ToUnixMicros(*segment.registered_before);
  return json.dump();
}

// Reads a stored segment back, every field checked for its type (nlohmann's accessors throw).
// DATA_LOSS naming what is wrong.
absl::StatusOr<Segment> ParseSegment(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return absl::DataLossError("segment: not a JSON object");
  Segment segment;
  for (auto [name, field] : {std::pair<const char*, std::string*>{"program", &segment.program},
                             {"category", &segment.category},
                             {"city", &segment.city},
                             {"region", &segment.region}}) {
    auto it = json.find(name);
    if (it == json.end()) continue;
    if (!it->is_string()) return absl::DataLossError(absl::StrCat("segment: ", name, " is not a string"));
    *field = it->get<std::string>();
  }
  if (segment.program.empty()) return absl::DataLossError("segment: no program");
  if (auto it = json.find("not_activated"); it != json.end()) {
    if (!it->is_boolean()) return absl::DataLossError("segment: not_activated is not a boolean");
    segment.not_activated = it->get<bool>();
  }
  if (auto it = json.find("registered_before_us"); it != json.end()) {
    if (!it->is_number_integer()) return absl::DataLossError("segment: registered_before_us is not an integer");
    segment.registered_before = absl::FromUnixMicros(it->get<int64_t>());
  }
  return segment;
}

}  // namespace

absl::StatusOr<std::string> Campaigns::Start(const std::string& template_key, const Segment& segment,
                                             const std::string& agent) {
  if (segment.program.empty()) return absl::InvalidArgumentError("segment.program: is required");
  if (agent.empty()) return absl::InvalidArgumentError("agent: who starts the campaign is required");
  if (!templates_.Has(template_key, "fr") || !templates_.Has(template_key, "ar")) {
    return absl::NotFoundError(absl::StrCat("template ", template_key, " does not exist in fr and ar"));
  }
  const std::string json = SegmentJson(segment);
  const std::string id = core::NewUuid(random_);
  RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) {
    return tx
        .Execute(
            "INSERT INTO campaigns (campaign_id, template, segment, state, created_by, created_at_us) "
            "VALUES ($1, $2, $3, 'RUNNING', $4, $5)",
            {id, template_key, json, agent, absl::ToUnixMicros(clock_.Now())})
        .status();
  }));
  log::Info("campaign started", {{"campaign_id", id}, {"template", template_key}, {"segment", json}});
  return id;
}

absl::StatusOr<int64_t> Campaigns::Advance(int chunk) {
  std::vector<std::string> running;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT campaign_id FROM campaigns WHERE state = 'RUNNING' "
                                         "ORDER BY created_at_us"));
    for (const auto& r : rows) running.push_back(r.Text(0));
    return absl::OkStatus();
  }));
  int64_t total = 0;
  for (const std::string& id : running) {
    int64_t queued = 0;
    std::string program, template_used;
    RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> absl::Status {
      queued = 0;
      ASSIGN_OR_RETURN(auto c, tx.Query("SELECT template, segment, cursor_number, state FROM campaigns "
                                        "WHERE campaign_id = $1",
                                        {id}));
      if (c.empty() || c[0].Text(3) != "RUNNING") return absl::OkStatus();
      const std::string template_key = c[0].Text(0);
      const int64_t now = absl::ToUnixMicros(clock_.Now());
      absl::StatusOr<Segment> s = ParseSegment(c[0].Text(1));
      if (!s.ok()) {
        // Nothing this campaign could send is known: it stops, and the others go on.
        log::Warn("campaign stopped: its segment cannot be read", {{"campaign_id", id}, {"error", s.status()}});
        return tx
            .Execute("UPDATE campaigns SET state = 'FAILED', completed_at_us = $2 WHERE campaign_id = $1", {id, now})
            .status();
      }
      program = s->program;
      template_used = template_key;
      // The segment's filters, each either given or skipped ($N = '' or a NULL bound).
      const std::string sql =
          "SELECT registration_number, program, preferred_language FROM audience "
          "WHERE program = $1 AND registration_number > $2 "
          "AND ($3 = '' OR category = $3) AND ($4 = '' OR city = $4) AND ($5 = '' OR region = $5) "
          "AND registered_at_us < $6 AND ($7 = 0 OR activated_at_us IS NULL) "
          "ORDER BY registration_number LIMIT $8";
      ASSIGN_OR_RETURN(auto people, tx.Query(sql, {s->program, c[0].Text(2), s->category, s->city, s->region,
                                                   s->registered_before ? absl::ToUnixMicros(*s->registered_before)
                                                                        : std::numeric_limits<int64_t>::max(),
                                                   int64_t{s->not_activated ? 1 : 0}, int64_t{chunk}}));
      std::vector<std::vector<storage::Value>> messages;
      for (const auto& p : people) {
        messages.push_back({core::NewUuid(random_), p.Text(0), p.Text(1), kChannelSms, template_key, p.Text(2),
                            "PENDING", absl::StrCat("campaign:", id, ":", p.Text(0)), now, id});
      }
      ASSIGN_OR_RETURN(queued,
                       storage::InsertRows(tx, "messages",
                                           {"message_id", "registration_number", "program", "channel", "template",
                                            "language", "status", "source_event_id", "created_at_us", "campaign_id"},
                                           messages, "ON CONFLICT (source_event_id, channel) DO NOTHING"));
      const bool done = static_cast<int>(people.size()) < chunk;
      return tx
          .Execute(
              "UPDATE campaigns SET cursor_number = $2, queued = queued + $3, state = $4, "
              "completed_at_us = $5 WHERE campaign_id = $1",
              {id, people.empty() ? c[0].Text(2) : people.back().Text(0), queued, done ? "COMPLETED" : "RUNNING",
               done ? storage::Value(now) : storage::Value()})
          .status();
    }));
    total += queued;
    if (queued > 0) on_queued_(program, template_used, queued);
  }
  return total;
}

absl::StatusOr<CampaignStatus> Campaigns::Status(const std::string& campaign_id) {
  CampaignStatus status;
  RETURN_IF_ERROR(db_.Read([&](storage::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto c,
                     tx.Query("SELECT template, state, queued FROM campaigns WHERE campaign_id = $1", {campaign_id}));
    if (c.empty()) return absl::NotFoundError(absl::StrCat("campaign ", campaign_id, " is unknown"));
    status.campaign_id = campaign_id;
    status.template_key = c[0].Text(0);
    status.state = c[0].Text(1);
    status.queued = c[0].Int(2);
    ASSIGN_OR_RETURN(auto counts, tx.Query("SELECT status, COUNT(*) FROM messages WHERE campaign_id = $1 "
                                           "GROUP BY status",
                                           {campaign_id}));
    for (const auto& r : counts) status.by_status[r.Text(0)] = r.Int(1);
    return absl::OkStatus();
  }));
  return status;
}

void Campaigns::Start() {
  thread_ = std::thread([this] {
    while (true) {
      absl::StatusOr<int64_t> queued = Advance();
      if (!queued.ok()) log::Warn("campaigns did not advance", {{"error", queued.status()}});
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(queued.ok() && *queued > 0 ? 10 : 1000),
                       [&] { return stop_; })) {
        return;
      }
    }
  });
}

void Campaigns::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace himaya::notification
