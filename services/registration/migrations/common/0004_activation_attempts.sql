-- Wrong activation attempts are counted per person over a window (from attempts_since_us),
-- which a new code does not reset: issuing codes is no way around the limit.
ALTER TABLE activation_codes ADD COLUMN attempts_since_us BIGINT;
UPDATE activation_codes SET attempts_since_us = issued_at_us;
