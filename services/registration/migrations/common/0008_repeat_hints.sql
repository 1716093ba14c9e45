-- Found while receiving: whether an earlier row of the batch may carry the same record_id, and
-- whether an earlier row valid when staged may carry the same CIN (1 may, 0 cannot). Applying
-- looks for an earlier row only where one may exist. NULL, for rows staged before these
-- columns: not known, so looked for.
ALTER TABLE batch_rows ADD COLUMN record_id_may_repeat INTEGER;
ALTER TABLE batch_rows ADD COLUMN cin_may_repeat INTEGER;
