-- A row may carry many events, a bundle (himaya.events.v1.OutboxBundle in its payload): `events`
-- says how many; 1 is a row holding one envelope, as every row before this migration. The
-- relay's index of pending rows carries the count, so that it reads how many events wait and
-- chooses its next batch from the index alone.
ALTER TABLE outbox ADD COLUMN events INTEGER NOT NULL DEFAULT 1;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (id, events) WHERE published_at_us IS NULL AND set_aside_at_us IS NULL;
