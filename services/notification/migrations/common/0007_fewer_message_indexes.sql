-- Every recorded message paid for two index entries that no query needs:
--   messages_by_status (status, created_at_us): the dispatcher reads messages_by_status_due,
--   whose first column is the same; the figures count the whole table.
--   messages_by_campaign (campaign_id, status) for activation messages, whose campaign_id is
--   NULL: the campaign count asks `campaign_id = $1`, which no NULL matches, so a partial
--   index serves it on both backends.
DROP INDEX messages_by_status;
DROP INDEX messages_by_campaign;
CREATE INDEX messages_by_campaign ON messages (campaign_id, status) WHERE campaign_id IS NOT NULL;
