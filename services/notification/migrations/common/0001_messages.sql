-- Messages to send to persons. One event yields at most one message per channel.
CREATE TABLE messages (
  message_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  channel TEXT NOT NULL,
  template TEXT NOT NULL,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  UNIQUE (source_event_id, channel)
);
CREATE INDEX messages_by_person ON messages (registration_number, created_at_us);
CREATE INDEX messages_by_status ON messages (status, created_at_us);
