-- One call per insured, program and period (YYYY-MM): what was billed, to whom (payer INSURED or
-- STATE), by when (due_date, YYYY-MM-DD), and how much of it payments settled so far. The
-- insured's category and region are kept as they were called (the figures count by them).
CREATE TABLE calls (
  registration_number TEXT NOT NULL,
  program TEXT NOT NULL,
  period TEXT NOT NULL,
  payer TEXT NOT NULL,
  category TEXT NOT NULL,
  region TEXT NOT NULL,
  amount_centimes BIGINT NOT NULL,
  paid_centimes BIGINT NOT NULL DEFAULT 0,
  due_date TEXT NOT NULL,
  called_at_us BIGINT NOT NULL,
  PRIMARY KEY (registration_number, program, period)
);
CREATE INDEX calls_by_period ON calls (period, program);
CREATE INDEX calls_unpaid_by_due_date ON calls (due_date) WHERE paid_centimes < amount_centimes;
