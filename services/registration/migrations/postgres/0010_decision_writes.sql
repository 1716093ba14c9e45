-- The transactions that changed what a batch's chunk query reads beyond the batch's own staged
-- rows (persons, CIN aliases, coverages, outcomes), by transaction id, noted by the database
-- itself so that no writer can forget. The applier reads a batch's next chunk ahead, on its own
-- snapshot (chunk_prefetch.h), and uses what it read only when no transaction noted here but
-- its own previous chunk committed after that snapshot. Rows older than a few minutes are of
-- no use and are deleted by the applier. PostgreSQL only: on SQLite the applier never reads
-- ahead (this version is PostgreSQL's own).
CREATE TABLE decision_writes (
  xid xid8 PRIMARY KEY,
  noted_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION note_decision_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO decision_writes (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER persons_decision_write AFTER INSERT OR UPDATE OR DELETE ON persons
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER cin_aliases_decision_write AFTER INSERT OR UPDATE OR DELETE ON cin_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER coverages_decision_write AFTER INSERT OR UPDATE OR DELETE ON coverages
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
CREATE TRIGGER batch_outcomes_decision_write AFTER INSERT OR UPDATE OR DELETE ON batch_outcomes
  FOR EACH STATEMENT EXECUTE FUNCTION note_decision_write();
