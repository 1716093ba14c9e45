-- Each payment file's sha256 as its first import began: an import stopped halfway (its pages
-- applied, no result recorded yet) is finished only by the same bytes; another file under the
-- same id is refused before any of its rows is applied.
CREATE TABLE payment_file_starts (
  file_id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  started_at_us BIGINT NOT NULL
);
