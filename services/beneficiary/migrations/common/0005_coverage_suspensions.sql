-- Days an insured is not covered for unpaid contributions, from the contributions service's
-- CoverageSuspended and CoverageRestored: from_day to to_day, both included (YYYY-MM-DD); no
-- to_day while suspended. Keyed by number alone: a suspension may come before the insured's
-- registration event (another topic), and applies to the insured and their family.
CREATE TABLE coverage_suspensions (
  registration_number TEXT NOT NULL,
  from_day TEXT NOT NULL,
  to_day TEXT,
  program TEXT NOT NULL,
  PRIMARY KEY (registration_number, from_day)
);
