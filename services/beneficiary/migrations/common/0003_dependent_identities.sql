-- One row per identity key ever declared ("NAME:..." always, "CIN:..." when a CIN is given):
-- a declaration or a household decision takes each of its keys' rows (an upsert) before it
-- checks whether another family holds the person, so that two of them for one person run one
-- after the other on every backend.
CREATE TABLE dependent_identities (
  identity_key TEXT PRIMARY KEY
);

-- Dependents found by CIN too: beneficiaries.identity_key is the name key, the CIN is a second.
CREATE INDEX beneficiaries_by_cin ON beneficiaries (cin);
