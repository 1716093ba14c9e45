#include "notification/src/campaign_store.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "nlohmann/json.hpp"

namespace himaya::notification {

std::string SegmentJson(const Segment& segment) {
  nlohmann::json json = {{"program", segment.program},
                         {"category", segment.category},
                         {"city", segment.city},
                         {"region", segment.region},
                         {"not_activated", segment.not_activated}};
  if (segment.registered_before) json["registered_before_us"] = absl::ToUnixMicros(*segment.registered_before);
  return json.dump();
}

// Every field is checked for its type: nlohmann's accessors throw.
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

absl::Status CampaignStore::Insert(storage::Transaction& tx, const std::string& campaign_id,
                                   const std::string& template_key, const Segment& segment, const std::string& agent,
                                   absl::Time at) {
  return tx
      .Execute(
          "INSERT INTO campaigns (campaign_id, template, segment, state, created_by, created_at_us) "
          "VALUES ($1, $2, $3, 'RUNNING', $4, $5)",
          {campaign_id, template_key, SegmentJson(segment), agent, absl::ToUnixMicros(at)})
      .status();
}

absl::StatusOr<std::vector<std::string>> CampaignStore::Running(storage::Transaction& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT campaign_id FROM campaigns WHERE state = 'RUNNING' "
                                       "ORDER BY created_at_us"));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

absl::StatusOr<std::optional<StoredCampaign>> CampaignStore::Find(storage::Transaction& tx,
                                                                  const std::string& campaign_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT template, state, segment, cursor_number, queued FROM campaigns "
                                       "WHERE campaign_id = $1",
                                       {campaign_id}));
  if (rows.empty()) return std::nullopt;
  const storage::Row& r = rows[0];
  return StoredCampaign{campaign_id, r.Text(0), r.Text(1), ParseSegment(r.Text(2)), r.Text(3), r.Int(4)};
}

absl::Status CampaignStore::Advanced(storage::Transaction& tx, const std::string& campaign_id,
                                     const std::string& cursor, int64_t queued, bool done, absl::Time at) {
  return tx
      .Execute(
          "UPDATE campaigns SET cursor_number = $2, queued = queued + $3, state = $4, "
          "completed_at_us = $5 WHERE campaign_id = $1",
          {campaign_id, cursor, queued, done ? "COMPLETED" : "RUNNING",
           done ? storage::Value(absl::ToUnixMicros(at)) : storage::Value()})
      .status();
}

absl::Status CampaignStore::Fail(storage::Transaction& tx, const std::string& campaign_id, absl::Time at) {
  return tx
      .Execute("UPDATE campaigns SET state = 'FAILED', completed_at_us = $2 WHERE campaign_id = $1",
               {campaign_id, absl::ToUnixMicros(at)})
      .status();
}

}  // namespace himaya::notification
