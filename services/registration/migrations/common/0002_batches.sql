-- Liaison batches: received rows are staged, then applied in chunks; each row gets exactly one
-- outcome. Coverage reference data, activities, household members, the review queue, portal
-- activation codes.
ALTER TABLE persons ADD COLUMN last_name_ar TEXT;
ALTER TABLE persons ADD COLUMN first_name_ar TEXT;
ALTER TABLE persons ADD COLUMN email TEXT;
ALTER TABLE persons ADD COLUMN address TEXT;
ALTER TABLE persons ADD COLUMN name_key TEXT;
CREATE INDEX persons_lookalike ON persons (birth_date, sex, name_key);

CREATE TABLE batches (
  batch_key TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL,
  liaison_body TEXT NOT NULL,
  program TEXT NOT NULL,
  record_count BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  produced_at TEXT,
  state TEXT NOT NULL,
  refusal TEXT,
  rows_received BIGINT NOT NULL DEFAULT 0,
  rows_applied BIGINT NOT NULL DEFAULT 0,
  apply_phase INTEGER NOT NULL DEFAULT 0,
  apply_cursor BIGINT NOT NULL DEFAULT 0,
  processing_date TEXT,
  lease_owner TEXT,
  lease_until_us BIGINT,
  received_at_us BIGINT NOT NULL,
  completed_at_us BIGINT,
  outcome_counts TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX batches_by_state ON batches (state);
CREATE INDEX batches_by_id ON batches (batch_id);

CREATE TABLE batch_rows (
  batch_key TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  record_id TEXT,
  cin TEXT,
  last_name TEXT,
  first_name TEXT,
  last_name_ar TEXT,
  first_name_ar TEXT,
  birth_date TEXT,
  sex TEXT,
  phone TEXT,
  email TEXT,
  preferred_language TEXT,
  address TEXT,
  city TEXT,
  category TEXT,
  professional_id TEXT,
  household_id TEXT,
  relationship TEXT,
  name_key TEXT,
  reasons TEXT,
  PRIMARY KEY (batch_key, row_number)
);
CREATE INDEX batch_rows_cin ON batch_rows (batch_key, cin, row_number);
CREATE INDEX batch_rows_record ON batch_rows (batch_key, record_id, row_number);
CREATE INDEX batch_rows_household ON batch_rows (batch_key, household_id, relationship);
CREATE INDEX batch_rows_members ON batch_rows (batch_key, row_number)
  WHERE relationship IN ('SPOUSE', 'CHILD');

CREATE TABLE batch_outcomes (
  batch_key TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  record_id TEXT,
  outcome TEXT NOT NULL,
  registration_number TEXT,
  reasons TEXT,
  PRIMARY KEY (batch_key, row_number)
);

CREATE TABLE activities (
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  category TEXT,
  liaison_body TEXT,
  professional_id TEXT,
  batch_key TEXT,
  recorded_at_us BIGINT NOT NULL
);
CREATE INDEX activities_by_person ON activities (registration_number);

CREATE TABLE coverages (
  cin TEXT NOT NULL,
  scheme TEXT NOT NULL,
  operator TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  source_batch TEXT NOT NULL,
  updated_at_us BIGINT NOT NULL,
  PRIMARY KEY (cin, scheme, operator)
);

CREATE TABLE coverage_staging (
  operator TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  line BIGINT NOT NULL,
  cin TEXT NOT NULL,
  scheme TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  PRIMARY KEY (operator, batch_id, line)
);
CREATE INDEX coverage_staging_key ON coverage_staging (operator, batch_id, cin, scheme, line);

CREATE TABLE coverage_imports (
  operator TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  rows_received BIGINT NOT NULL,
  coverages_added BIGINT NOT NULL,
  coverages_updated BIGINT NOT NULL,
  rows_invalid BIGINT NOT NULL,
  errors TEXT,
  imported_at_us BIGINT NOT NULL,
  PRIMARY KEY (operator, batch_id)
);

CREATE TABLE household_members (
  member_id TEXT PRIMARY KEY,
  head_registration_number TEXT NOT NULL,
  relationship TEXT NOT NULL,
  cin TEXT,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,
  program TEXT NOT NULL,
  batch_key TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  UNIQUE (batch_key, row_number)
);
CREATE INDEX household_members_by_head ON household_members (head_registration_number);

CREATE TABLE reviews (
  review_id TEXT PRIMARY KEY,
  batch_key TEXT NOT NULL,
  row_number BIGINT NOT NULL,
  record_id TEXT,
  candidate_registration_number TEXT NOT NULL,
  state TEXT NOT NULL,
  row_data TEXT NOT NULL,
  decided_by TEXT,
  decided_at_us BIGINT,
  registration_number TEXT,
  created_at_us BIGINT NOT NULL,
  UNIQUE (batch_key, row_number)
);
CREATE INDEX reviews_by_state ON reviews (state, created_at_us);

CREATE TABLE cin_aliases (
  cin TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  reason TEXT NOT NULL
);

CREATE TABLE activation_codes (
  registration_number TEXT PRIMARY KEY,
  code_hash BYTEA NOT NULL,
  issued_at_us BIGINT NOT NULL,
  expires_at_us BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at_us BIGINT
);

CREATE TABLE accounts (
  registration_number TEXT PRIMARY KEY,
  activated_at_us BIGINT NOT NULL
);
