-- 0004: an import batch remembers the mapping it was read with, so the same
-- export read again with a corrected mapping is a new attempt (it adds only
-- the rows it did not have), while the same file with the same mapping is
-- recognised and skipped.
ALTER TABLE import_batch ADD COLUMN mapping_sha256 TEXT;
DROP INDEX import_batch_sha;
CREATE INDEX import_batch_sha ON import_batch(exercise_id, sha256, mapping_sha256);
