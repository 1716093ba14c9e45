-- One open suspension per insured and program. The suspension pass and a payment applied at the
-- same time are ordered by their locks on the insured's calls (CoverageSuspensions::SuspendIfInArrears);
-- this index keeps a second open suspension out whatever else runs.
-- Two passes at once could open a second one before (PostgreSQL, replicas): of an insured's open
-- suspensions in a program, the earliest stays, the later ones are closed from their own first
-- day (covered as if never suspended), by 'migration-0005'.
UPDATE suspensions SET restored_from = from_date, restored_by = 'migration-0005'
  WHERE restored_from IS NULL AND EXISTS (
    SELECT 1 FROM suspensions earlier
    WHERE earlier.registration_number = suspensions.registration_number AND earlier.program = suspensions.program
      AND earlier.restored_from IS NULL AND earlier.from_date < suspensions.from_date);
DROP INDEX suspensions_open;
CREATE UNIQUE INDEX suspensions_open ON suspensions (registration_number, program) WHERE restored_from IS NULL;
-- The pass reads a program's unpaid calls billed to the insured, a page of numbers at a time, in
-- number order.
CREATE INDEX calls_unpaid_by_insured ON calls (program, registration_number)
  WHERE paid_centimes < amount_centimes AND payer = 'INSURED';
