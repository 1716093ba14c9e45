-- Transactional outbox: events written with the state change that caused them, published by
-- the relay. Inbox: events already applied, per consumer. Dead letters: events that can never
-- be applied, with the reason, so that every consumed event ends in a recorded outcome.
CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  message_key TEXT NOT NULL,
  payload BYTEA NOT NULL,
  created_at_us BIGINT NOT NULL,
  published_at_us BIGINT
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at_us IS NULL;
CREATE INDEX outbox_published ON outbox (published_at_us) WHERE published_at_us IS NOT NULL;

CREATE TABLE inbox (
  consumer TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  processed_at_us BIGINT NOT NULL,
  PRIMARY KEY (consumer, event_id)
);

CREATE TABLE dead_letters (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer TEXT NOT NULL,
  topic TEXT NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset BIGINT NOT NULL,
  event_id TEXT,
  reason TEXT NOT NULL,
  payload BYTEA NOT NULL,
  recorded_at_us BIGINT NOT NULL,
  UNIQUE (consumer, topic, kafka_partition, kafka_offset)
);
