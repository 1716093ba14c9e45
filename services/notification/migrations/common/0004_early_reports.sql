-- A delivery report that arrives while its message is still SENDING (the provider answered the
-- report before the dispatcher recorded the submission) is kept here, and applied when the
-- submission, with its parts, is recorded.
ALTER TABLE messages ADD COLUMN early_report TEXT;
ALTER TABLE messages ADD COLUMN early_report_reason TEXT;
