-- Registered persons, and the sequence their registration numbers come from.
CREATE TABLE persons (
  registration_number TEXT PRIMARY KEY,
  cin TEXT NOT NULL UNIQUE,
  last_name TEXT NOT NULL,
  first_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,
  phone TEXT,
  city TEXT,
  preferred_language TEXT NOT NULL,
  program TEXT NOT NULL,
  category TEXT,
  registered_at_us BIGINT NOT NULL
);

CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  next_value BIGINT NOT NULL
);
INSERT INTO sequences (name, next_value) VALUES ('registration_number', 10000001);
