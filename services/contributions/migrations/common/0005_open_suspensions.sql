-- One open suspension per insured and program. The suspension pass and a payment applied at the
-- same time are ordered by their locks on the insured's calls (SuspensionStore::ArrearsOfForUpdate);
-- this index keeps a second open suspension out whatever else runs.
DROP INDEX suspensions_open;
CREATE UNIQUE INDEX suspensions_open ON suspensions (registration_number, program) WHERE restored_from IS NULL;
-- The pass reads a program's unpaid calls billed to the insured, a page of numbers at a time, in
-- number order.
CREATE INDEX calls_unpaid_by_insured ON calls (program, registration_number)
  WHERE paid_centimes < amount_centimes AND payer = 'INSURED';
