-- Bulk claims files as received (docs/claims-file.md), checked whole against their manifest.
-- state: RECEIVING, DECIDING, COMPLETED, REFUSED.
CREATE TABLE claim_batches (
  sender TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  record_count BIGINT NOT NULL,
  state TEXT NOT NULL,
  rows_received BIGINT NOT NULL DEFAULT 0,
  refusal TEXT NOT NULL DEFAULT '',
  received_at_us BIGINT NOT NULL,
  completed_at_us BIGINT,
  -- While RECEIVING: the upload holding it may be taken over by another once this has passed
  -- (its process died).
  lease_until_us BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sender, batch_id)
);
CREATE INDEX claim_batches_by_id ON claim_batches (batch_id);

-- Every data row of a bulk file, staged as it streams in and kept for the report: read by
-- ReadClaimRow (invalid_field names the field at fault). Once the whole file matched its
-- manifest, a row becomes an item of its file (claim_items.row_number), or it belongs to no file
-- and keeps the reason (rejection: INVALID_ROW:claim_id, INVALID_ROW:row, CLAIM_ID_TAKEN).
CREATE TABLE claim_batch_rows (
  sender TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  claim_id TEXT NOT NULL,
  registration_number TEXT NOT NULL,
  filed_date TEXT NOT NULL,
  beneficiary_id TEXT NOT NULL,
  care_date TEXT NOT NULL,
  act_code TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  amount_paid_centimes BIGINT NOT NULL,
  ald_certificate TEXT NOT NULL,
  invalid_field TEXT NOT NULL,
  -- Whether the row's own registration_number and filed_date are valid (a file takes its first
  -- row's).
  registration_valid INTEGER NOT NULL,
  filed_date_valid INTEGER NOT NULL,
  rejection TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sender, batch_id, row_number)
);
CREATE INDEX claim_batch_rows_by_claim ON claim_batch_rows (sender, batch_id, claim_id, row_number);

-- Reimbursement files. state: RECEIVED, IN_REVIEW, DECIDED, IN_PAYMENT, PAID. outcome (once the
-- rules decided): ACCEPTED, PARTIAL, REJECTED. Times in microseconds since the epoch, days
-- YYYY-MM-DD in the service's time zone.
CREATE TABLE claims (
  claim_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  -- Known once eligibility answered; '' before.
  program TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  -- The bulk file it came in, '' for SubmitClaim.
  sender TEXT NOT NULL DEFAULT '',
  batch_id TEXT NOT NULL DEFAULT '',
  filed_date TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT '',
  claimed_centimes BIGINT NOT NULL,
  reimbursed_centimes BIGINT NOT NULL DEFAULT 0,
  received_at_us BIGINT NOT NULL,
  due_date TEXT NOT NULL,
  decided_at_us BIGINT,
  -- Settled: decided REJECTED (or nothing to pay), or PAID. The nine-day clock stops here.
  settled_at_us BIGINT,
  review_reason TEXT NOT NULL DEFAULT '',
  reviewed_by TEXT NOT NULL DEFAULT '',
  review_note TEXT NOT NULL DEFAULT '',
  escalated INTEGER NOT NULL DEFAULT 0,
  payment_run_id TEXT NOT NULL DEFAULT '',
  paid_at_us BIGINT,
  idempotency_key TEXT UNIQUE
);
CREATE INDEX claims_by_state ON claims (state, received_at_us);
CREATE INDEX claims_by_insured ON claims (registration_number, received_at_us);
CREATE INDEX claims_by_batch ON claims (sender, batch_id);
CREATE INDEX claims_open_by_due ON claims (due_date) WHERE settled_at_us IS NULL;

-- The items of a file, as filed and as decided. outcome '' until decided, then ACCEPTED or
-- REJECTED with a reason code. `row_number` is the bulk file's row (0 for SubmitClaim).
CREATE TABLE claim_items (
  claim_id TEXT NOT NULL,
  item INTEGER NOT NULL,
  row_number BIGINT NOT NULL DEFAULT 0,
  beneficiary_id TEXT NOT NULL,
  care_date TEXT NOT NULL,
  act_code TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  amount_paid_centimes BIGINT NOT NULL,
  ald_certificate TEXT NOT NULL DEFAULT '',
  invalid_field TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  reason_detail TEXT NOT NULL DEFAULT '',
  tnr_centimes BIGINT NOT NULL DEFAULT 0,
  rate_percent INTEGER NOT NULL DEFAULT 0,
  reimbursed_centimes BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (claim_id, item)
);
-- History for DUPLICATE and REPEATED_TOO_SOON: accepted acts of a beneficiary by date.
CREATE INDEX claim_items_history ON claim_items (beneficiary_id, act_code, care_date) WHERE outcome = 'ACCEPTED';

-- TNR versions (effective for care from effective_from until the next version's) and their acts.
CREATE TABLE tariff_versions (
  version TEXT PRIMARY KEY,
  effective_from TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  acts BIGINT NOT NULL,
  imported_at_us BIGINT NOT NULL
);
CREATE TABLE tariff_acts (
  version TEXT NOT NULL,
  act_code TEXT NOT NULL,
  label TEXT NOT NULL,
  category TEXT NOT NULL,
  tnr_centimes BIGINT NOT NULL,
  max_quantity INTEGER NOT NULL,
  min_days_between INTEGER NOT NULL,
  PRIMARY KEY (version, act_code)
);

-- Long-term-illness (ALD) certificates: the higher rate for care within their validity.
CREATE TABLE ald_certificates (
  certificate TEXT PRIMARY KEY,
  beneficiary_id TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  registered_at_us BIGINT NOT NULL
);
