-- Spouses and children whose head went to review: held, with their row, until an agent decides
-- the head's review, then attached to the person the decision gives (and the row removed).
CREATE TABLE held_dependents (
  batch_key TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  head_row_number BIGINT NOT NULL,
  relationship TEXT NOT NULL,
  row_data TEXT NOT NULL,
  PRIMARY KEY (batch_key, row_number)
);
CREATE INDEX held_dependents_by_head ON held_dependents (batch_key, head_row_number);
