-- Coverage suspended for arrears past the grace period, per insured and program: from_date is
-- the first day not covered; restored_from the first day covered again (NULL while suspended),
-- with the payment that restored it.
CREATE TABLE suspensions (
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  from_date TEXT NOT NULL,
  arrears_centimes BIGINT NOT NULL,
  oldest_unpaid_period TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  suspended_at_us BIGINT NOT NULL,
  restored_from TEXT,
  restored_by TEXT NOT NULL DEFAULT '',
  restored_at_us BIGINT,
  PRIMARY KEY (registration_number, program, from_date)
);
CREATE INDEX suspensions_open ON suspensions (registration_number, program) WHERE restored_from IS NULL;
