-- Payment files imported, with the result answered (the same file again answers it): their id
-- and sha256 from the manifest, and the rows by outcome.
CREATE TABLE payment_files (
  file_id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  rows_total BIGINT NOT NULL,
  applied BIGINT NOT NULL,
  unknown_insured BIGINT NOT NULL,
  duplicate_payment BIGINT NOT NULL,
  invalid BIGINT NOT NULL,
  applied_centimes BIGINT NOT NULL,
  imported_at_us BIGINT NOT NULL
);

-- Every row's outcome (APPLIED, UNKNOWN_INSURED, DUPLICATE_PAYMENT, INVALID with its reason),
-- written a page at a time as the file is applied.
CREATE TABLE payment_file_rows (
  file_id TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  payment_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (file_id, row_number)
);

-- Payments applied, one per payment_id (the file and row that brought it): what was left once
-- the insured's unpaid calls were settled stays as credit (unapplied_centimes).
CREATE TABLE payments (
  payment_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  amount_centimes BIGINT NOT NULL,
  unapplied_centimes BIGINT NOT NULL,
  paid_on TEXT NOT NULL,
  file_id TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  applied_at_us BIGINT NOT NULL
);
CREATE INDEX payments_by_insured ON payments (registration_number);
