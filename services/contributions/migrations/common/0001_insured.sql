-- The contributions service's copy of the insured, kept from registration's events (programs
-- with contributions only): one row per insured and program. registered_on: the day
-- (YYYY-MM-DD, the service's time zone) from which they owe a contribution.
CREATE TABLE insured (
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  registered_on TEXT NOT NULL,
  source_event TEXT NOT NULL,
  PRIMARY KEY (registration_number, program)
);
CREATE INDEX insured_by_program ON insured (program, registered_on);
