-- How each insured pays contributions and is paid allowances: one current mode per person.
-- method: BANK_TRANSFER or MOBILE_WALLET; account: the RIB's 24 digits or the wallet's phone in
-- E.164; chosen_by: PORTAL or AGENT:<id>.
CREATE TABLE payment_modes (
  registration_number TEXT PRIMARY KEY,
  method TEXT NOT NULL,
  account TEXT NOT NULL,
  chosen_at_us BIGINT NOT NULL,
  chosen_by TEXT NOT NULL
);

-- The modes a new choice replaced, with when: which account a past payment went to can still be
-- told.
CREATE TABLE payment_mode_history (
  registration_number TEXT NOT NULL,
  method TEXT NOT NULL,
  account TEXT NOT NULL,
  chosen_at_us BIGINT NOT NULL,
  chosen_by TEXT NOT NULL,
  replaced_at_us BIGINT NOT NULL
);
CREATE INDEX payment_mode_history_by_number ON payment_mode_history (registration_number, replaced_at_us);
