-- 0010: identities, never content, for erasure (UK GDPR).
--
-- An erasure remembers every identity the erased response had: its survey
-- id or content hash (external_id, already kept) and now its paper serial
-- number, so no path in (an import of the same sheet, a typed-up batch, a
-- form typed at the keyboard) brings it back.
--
-- A rejected row remembers the identity its record had when it was read,
-- by the import's own rules (the survey id with the mapping's prefix, or
-- "content:" and a hash of the record; the serial number), so erasing a
-- response finds every rejected copy of it without searching the raw text.

ALTER TABLE erasure ADD COLUMN serial TEXT;
UPDATE erasure SET serial = identifier WHERE identified_by = 'serial';
CREATE INDEX erasure_serial ON erasure(exercise_id, serial) WHERE serial IS NOT NULL;

ALTER TABLE reject ADD COLUMN response_key TEXT;  -- as response.external_id
ALTER TABLE reject ADD COLUMN serial TEXT;        -- as response.serial
-- 0: identity not known (rejected before this version, or a record whose
-- fields could not be told apart): erasure looks for the survey id or serial
-- as a whole field of the raw record instead.
ALTER TABLE reject ADD COLUMN identity_kept INTEGER NOT NULL DEFAULT 1;
UPDATE reject SET identity_kept = 0;
-- Rows rejected before this version as a repeat say their identity in the reason.
UPDATE reject SET response_key = substr(reason, 11, instr(reason, ''' appears twice') - 11)
	WHERE reason LIKE 'response ''%'' appears twice in this file%';
UPDATE reject SET serial = substr(reason, 16, instr(reason, ''' appears twice') - 16)
	WHERE reason LIKE 'serial number ''%'' appears twice in this file%';
CREATE INDEX reject_response_key ON reject(response_key) WHERE response_key IS NOT NULL;
CREATE INDEX reject_serial ON reject(serial) WHERE serial IS NOT NULL;
