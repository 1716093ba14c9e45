-- Notification's own copy of who can be reached and how (from registration's events), and
-- campaigns that message a segment of it, each person once, resumably.
CREATE TABLE audience (
  registration_number TEXT PRIMARY KEY,
  program TEXT NOT NULL,
  category TEXT,
  city TEXT,
  region TEXT,
  preferred_language TEXT NOT NULL,
  registered_at_us BIGINT NOT NULL,
  activated_at_us BIGINT
);
CREATE INDEX audience_by_program ON audience (program, registration_number);

CREATE TABLE campaigns (
  campaign_id TEXT PRIMARY KEY,
  template TEXT NOT NULL,
  segment TEXT NOT NULL,
  state TEXT NOT NULL,
  cursor_number TEXT NOT NULL DEFAULT '',
  queued BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  completed_at_us BIGINT
);

ALTER TABLE messages ADD COLUMN campaign_id TEXT;
CREATE INDEX messages_by_campaign ON messages (campaign_id, status);
