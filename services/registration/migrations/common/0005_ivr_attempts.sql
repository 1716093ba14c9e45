-- Failed IVR lookups, counted per subject (a keyed digest of a CIN, or of a caller) over a window
-- starting at since_us: the limit holds across replicas and restarts.
CREATE TABLE ivr_attempts (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  since_us BIGINT NOT NULL
);
CREATE INDEX ivr_attempts_by_age ON ivr_attempts (since_us);
