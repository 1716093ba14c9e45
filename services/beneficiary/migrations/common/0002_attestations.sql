-- Registration certificates issued: the family's version they show (a later change of the
-- family supersedes them) and the key id they were sealed with.
CREATE TABLE attestations (
  attestation_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  family_version BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  issued_at_us BIGINT NOT NULL
);
CREATE INDEX attestations_by_insured ON attestations (registration_number, issued_at_us);
