-- The insured's category and region, set with the program when a file is decided: the groups
-- operations count files by ('' until decided, or when the beneficiary service knows neither).
ALTER TABLE claims ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN region TEXT NOT NULL DEFAULT '';
