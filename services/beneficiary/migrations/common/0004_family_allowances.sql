-- A child's declared end of apprenticeship (family allowances: a right up to 18 while in it).
ALTER TABLE beneficiaries ADD COLUMN apprenticeship_until TEXT;
-- The households of a program (family allowances runs over its families with children).
CREATE INDEX beneficiaries_by_program ON beneficiaries (program, relationship, registration_number);

-- Family allowance runs, one per month (run_id ALW-YYYYMM). state: DRAFT (computed a page of
-- households at a time: `cursor` is the last household computed, `complete` once all are),
-- APPROVED (by an agent), IN_PAYMENT (payment lines written, `pay_cursor` the last household
-- given one; the bank's confirmation awaited), PAID (every line confirmed). `generation` is
-- bumped by each recomputation of a draft: a page of an older one is not written.
CREATE TABLE allowance_runs (
  run_id TEXT PRIMARY KEY,
  month TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  generation INTEGER NOT NULL DEFAULT 1,
  cursor TEXT NOT NULL DEFAULT '',
  complete INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL DEFAULT '',
  created_at_us BIGINT NOT NULL,
  computed_at_us BIGINT,
  approved_by TEXT NOT NULL DEFAULT '',
  approved_at_us BIGINT,
  pay_cursor TEXT NOT NULL DEFAULT '',
  paying INTEGER NOT NULL DEFAULT 0,
  paid_at_us BIGINT
);

-- Every household a run considered, with its amount or the reason it gets none. net = amount +
-- arrears - recovery; `line` once the payment instructions give it one (status PENDING, then
-- PAID or FAILED with the bank's reason), with the account it is paid to.
CREATE TABLE allowance_households (
  run_id TEXT NOT NULL,
  registration_number TEXT NOT NULL,
  region TEXT NOT NULL,
  children_with_right INTEGER NOT NULL,
  amount_centimes BIGINT NOT NULL,
  arrears_centimes BIGINT NOT NULL,
  recovery_centimes BIGINT NOT NULL,
  reason TEXT NOT NULL,
  line INTEGER,
  method TEXT NOT NULL DEFAULT '',
  account TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  bank_reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, registration_number)
);
CREATE UNIQUE INDEX allowance_households_by_line ON allowance_households (run_id, line);

-- The arrears of a run's household, by the month they are for.
CREATE TABLE allowance_arrears (
  run_id TEXT NOT NULL,
  registration_number TEXT NOT NULL,
  month TEXT NOT NULL,
  centimes BIGINT NOT NULL,
  PRIMARY KEY (run_id, registration_number, month)
);

-- The ledger, written by confirmed PAID lines only: what was credited to a household for each
-- month (that month's amount, arrears paid later for it), and how much of its debts was
-- recovered in all. Each run compares what is due with it, recomputed with today's data.
CREATE TABLE allowance_credits (
  registration_number TEXT NOT NULL,
  month TEXT NOT NULL,
  credited_centimes BIGINT NOT NULL,
  PRIMARY KEY (registration_number, month)
);
CREATE TABLE allowance_recoveries (
  registration_number TEXT PRIMARY KEY,
  recovered_centimes BIGINT NOT NULL
);
