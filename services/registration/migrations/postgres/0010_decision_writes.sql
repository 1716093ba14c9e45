-- The transactions that changed what a batch's chunk query reads beyond the batch's own staged
-- rows (persons, CIN aliases, coverages, outcomes), by transaction id, noted by the database
-- itself so that no writer can forget (statement triggers; a session that disables triggers,
-- such as a restore run with --disable-triggers, must not run beside batches). The applier
-- reads a batch's next chunk ahead, on a snapshot of its own (chunk_prefetch.h), and uses what
-- it read only when no transaction noted here but its own previous chunk committed after that
-- snapshot. A note becomes visible when its transaction commits; the applier stamps it
-- `seen_at` the first time it sees it, and deletes it ten minutes later (a read ahead is used
-- within a minute). PostgreSQL only: on SQLite the applier never reads ahead (this version is
-- PostgreSQL's own).
CREATE TABLE decision_writes (
  xid xid8 PRIMARY KEY,
  seen_at TIMESTAMPTZ
);

CREATE FUNCTION note_decision_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_writes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER persons_decision_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON persons
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER cin_aliases_decision_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cin_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER coverages_decision_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON coverages
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER batch_outcomes_decision_write AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON batch_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
