-- Portal passwords: libsodium's crypto_pwhash_str (Argon2id, its parameters in the string), kept
-- with the account opened by the code. An account without one (opened before passwords, never in
-- production) cannot log in.
ALTER TABLE accounts ADD COLUMN password_hash TEXT;

-- Logins per registration number, known or not (so that a lock-out tells nothing of whether the
-- number exists): the attempts of the window that began at since_us, and the end of a lock-out.
CREATE TABLE login_attempts (
  registration_number TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL,
  since_us BIGINT NOT NULL,
  locked_until_us BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_attempts_by_age ON login_attempts (since_us);

-- Requests for a new activation code (the portal's "resend"), each with its time, counted per
-- number and per phone over a window. phone_subject: a digest of the phone the code goes to;
-- NULL when nothing was sent (an unknown number, an active account, no phone).
CREATE TABLE code_requests (
  request_id TEXT PRIMARY KEY,
  registration_number TEXT NOT NULL,
  phone_subject TEXT,
  requested_at_us BIGINT NOT NULL
);
CREATE INDEX code_requests_by_number ON code_requests (registration_number, requested_at_us);
CREATE INDEX code_requests_by_phone ON code_requests (phone_subject, requested_at_us);
CREATE INDEX code_requests_by_age ON code_requests (requested_at_us);
-- One row per number or phone being counted, taken (written) before counting, so that concurrent
-- requests for one number or phone queue instead of all passing the limit.
CREATE TABLE code_request_subjects (
  subject TEXT PRIMARY KEY,
  last_us BIGINT NOT NULL
);
CREATE INDEX code_request_subjects_by_age ON code_request_subjects (last_us);
