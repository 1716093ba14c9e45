-- The dispatcher asks for due messages of one status in (next_attempt_at_us, created_at_us)
-- order: one index answers it without sorting, whatever the backlog (the partial indexes it
-- replaces left every pending message to be sorted on each pass).
CREATE INDEX messages_by_status_due ON messages (status, next_attempt_at_us, created_at_us);
DROP INDEX messages_due;
DROP INDEX messages_claims;
