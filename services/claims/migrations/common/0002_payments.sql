-- Payment runs: one per value date (asking again for a date finds its run). state: OPEN
-- (instructions issued, the bank's confirmation awaited), CONFIRMED (every line confirmed).
CREATE TABLE payment_runs (
  run_id TEXT PRIMARY KEY,
  run_date TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  created_at_us BIGINT NOT NULL,
  confirmed_at_us BIGINT
);

-- One line per insured in a run, numbered from 1: the total of their files in the run.
-- status: PENDING, PAID, FAILED (with the bank's reason); confirmed_at_us once the bank said.
CREATE TABLE payment_lines (
  run_id TEXT NOT NULL,
  line INTEGER NOT NULL,
  registration_number TEXT NOT NULL,
  claims BIGINT NOT NULL,
  amount_centimes BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'PENDING',
  reason TEXT NOT NULL DEFAULT '',
  confirmed_at_us BIGINT,
  PRIMARY KEY (run_id, line)
);

-- Which file is in which line, with the amount it was put in the run for. A file of a failed
-- line stays listed in that run and is listed again in the run that takes it next.
CREATE TABLE payment_line_claims (
  run_id TEXT NOT NULL,
  line INTEGER NOT NULL,
  claim_id TEXT NOT NULL,
  amount_centimes BIGINT NOT NULL,
  PRIMARY KEY (run_id, claim_id)
);
CREATE INDEX payment_line_claims_by_line ON payment_line_claims (run_id, line);
