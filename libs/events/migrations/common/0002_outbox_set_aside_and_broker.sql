-- An event the broker can never take (too large, malformed) is set aside with its reason, so
-- that the events behind it flow; an operator reads it there. It is neither published nor
-- pending, and retention never deletes it.
ALTER TABLE outbox ADD COLUMN set_aside_at_us BIGINT;
ALTER TABLE outbox ADD COLUMN set_aside_reason TEXT;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at_us IS NULL AND set_aside_at_us IS NULL;
CREATE INDEX outbox_set_aside ON outbox (id) WHERE set_aside_at_us IS NOT NULL;

-- What the relay remembers between runs: the identity of the broker it last published to, so
-- that a new broker (one that forgot what it had) gets the retained events again.
CREATE TABLE outbox_relay_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
