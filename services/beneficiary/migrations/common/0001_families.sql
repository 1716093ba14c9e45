-- Insured persons (from registration's PersonRegistered, or first seen in a merge), with the
-- family's version (bumped by every change an attestation shows) and the next dependent rank.
CREATE TABLE insured (
  registration_number TEXT PRIMARY KEY,
  program TEXT NOT NULL,
  category TEXT NOT NULL,
  city TEXT NOT NULL,
  region TEXT NOT NULL,
  -- YYYY-MM-DD: the first covered day.
  registered_on TEXT NOT NULL,
  -- 0 while only a merge or a household event named this person.
  registered INTEGER NOT NULL,
  family_version BIGINT NOT NULL DEFAULT 0,
  next_rank INTEGER NOT NULL DEFAULT 1
);

-- Every program an insured is enrolled in: their registration's and each merge's.
CREATE TABLE enrolments (
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  category TEXT NOT NULL,
  -- PersonRegistered or PersonMerged.
  source_event TEXT NOT NULL,
  since TEXT NOT NULL,
  PRIMARY KEY (registration_number, program)
);

-- Spouses and children. A liaison household member is DETAILS_PENDING until registration tells
-- who they are, then ACTIVE or REFUSED (with the rule's code).
CREATE TABLE beneficiaries (
  beneficiary_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  relationship TEXT NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,
  cin TEXT,
  -- "One insured at a time": the CIN when known, else the normalised names and birth date.
  identity_key TEXT,
  disabled INTEGER NOT NULL,
  studying_until TEXT,
  program TEXT NOT NULL,
  source TEXT NOT NULL,
  member_id TEXT UNIQUE,
  state TEXT NOT NULL,
  refusal TEXT,
  declared_at_us BIGINT NOT NULL
);
CREATE INDEX beneficiaries_by_insured ON beneficiaries (registration_number, beneficiary_id);
CREATE INDEX beneficiaries_by_identity ON beneficiaries (identity_key);
CREATE INDEX beneficiaries_pending ON beneficiaries (declared_at_us) WHERE state = 'DETAILS_PENDING';

-- Coverage as periods: end_date is the last covered day (NULL while open), so that the past
-- stays answerable after a removal.
CREATE TABLE coverage_periods (
  beneficiary_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  end_reason TEXT,
  note TEXT,
  PRIMARY KEY (beneficiary_id, start_date)
);

-- DeclareFamilyMember's idempotency keys: the same key again answers with the first result.
CREATE TABLE declaration_keys (
  idempotency_key TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  beneficiary_id TEXT NOT NULL,
  created_at_us BIGINT NOT NULL
);
