-- Dispatch: each message's attempts, its provider's id, parts, and its final state. The text
-- is never stored (it may hold an activation code); it is rendered at send time.
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at_us BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN last_error TEXT;
ALTER TABLE messages ADD COLUMN provider TEXT;
ALTER TABLE messages ADD COLUMN provider_message_id TEXT;
ALTER TABLE messages ADD COLUMN parts INTEGER;
ALTER TABLE messages ADD COLUMN encoding TEXT;
ALTER TABLE messages ADD COLUMN template_version INTEGER;
ALTER TABLE messages ADD COLUMN submitted_at_us BIGINT;
ALTER TABLE messages ADD COLUMN finished_at_us BIGINT;
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
CREATE INDEX messages_due ON messages (next_attempt_at_us) WHERE status = 'PENDING';
CREATE INDEX messages_sending ON messages (claimed_by) WHERE status = 'SENDING';
-- A SENDING message's next_attempt_at_us is when its claim expires.
CREATE INDEX messages_claims ON messages (next_attempt_at_us) WHERE status = 'SENDING';

CREATE TABLE opt_outs (
  registration_number TEXT NOT NULL,
  channel TEXT NOT NULL,
  opted_out_at_us BIGINT NOT NULL,
  PRIMARY KEY (registration_number, channel)
);
