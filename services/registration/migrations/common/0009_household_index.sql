-- Only programs with households stage a household_id; the rows of other batches hold NULL there
-- and need no entry in this index. Every query that reads it asks for a household_id.
DROP INDEX batch_rows_household;
CREATE INDEX batch_rows_household ON batch_rows (batch_key, household_id, relationship)
  WHERE household_id IS NOT NULL;
