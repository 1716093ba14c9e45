-- A bundle's payload is large (up to a mebibyte) and read once: PostgreSQL would compress it on
-- the writer's path and decompress it on the relay's, for little gain on protobuf envelopes.
-- Stored out of line as it is. (SQLite has nothing to change: this version is PostgreSQL's own.)
ALTER TABLE outbox ALTER COLUMN payload SET STORAGE EXTERNAL;
