-- 0012: rejected rows that a later import fixed.
--
-- An officer corrects the rows a file had rejected and imports it again.
-- When a later batch stores a response with the identity a rejected row was
-- read with (its survey id with the mapping's prefix, or "content:" and its
-- hash, as response.external_id; its paper serial number), that reject is
-- closed by the batch: kept as the history of the import, no longer counted
-- as open by `collector status` nor listed by `collector rejects` without
-- --all. Typed entry ('collector enter') closes the rejects of the forms it
-- stores the same way. A later import that rejects the same identity again
-- closes the earlier reject too, so each row to fix is counted once.

ALTER TABLE reject ADD COLUMN closed_by_batch INTEGER REFERENCES import_batch(id);
CREATE INDEX reject_closed_by ON reject(closed_by_batch) WHERE closed_by_batch IS NOT NULL;

-- Rejects fixed before this version are closed by the later batch that
-- stored their response.
UPDATE reject SET closed_by_batch = (
	SELECT r.batch_id FROM import_batch b JOIN response r ON r.exercise_id = b.exercise_id
	WHERE b.id = reject.batch_id AND r.external_id = reject.response_key AND
	      r.batch_id > reject.batch_id)
	WHERE response_key IS NOT NULL;
UPDATE reject SET closed_by_batch = (
	SELECT r.batch_id FROM import_batch b JOIN response r ON r.exercise_id = b.exercise_id
	WHERE b.id = reject.batch_id AND r.serial = reject.serial AND r.batch_id > reject.batch_id)
	WHERE closed_by_batch IS NULL AND serial IS NOT NULL;
-- Rejected again by a later import (see the triggers below): closed by the first.
UPDATE reject SET closed_by_batch = (
	SELECT min(k.batch_id) FROM reject k JOIN import_batch kb ON kb.id = k.batch_id
	JOIN import_batch b ON b.id = reject.batch_id
	WHERE kb.exercise_id = b.exercise_id AND k.batch_id > reject.batch_id AND
	      k.response_key = reject.response_key)
	WHERE closed_by_batch IS NULL AND response_key IS NOT NULL;
UPDATE reject SET closed_by_batch = (
	SELECT min(k.batch_id) FROM reject k JOIN import_batch kb ON kb.id = k.batch_id
	JOIN import_batch b ON b.id = reject.batch_id
	WHERE kb.exercise_id = b.exercise_id AND k.batch_id > reject.batch_id AND
	      k.serial = reject.serial)
	WHERE closed_by_batch IS NULL AND serial IS NOT NULL;

CREATE TRIGGER reject_closed_by_id AFTER INSERT ON response
	WHEN NEW.external_id IS NOT NULL AND NEW.batch_id IS NOT NULL
BEGIN
	UPDATE reject SET closed_by_batch = NEW.batch_id
	WHERE response_key = NEW.external_id AND closed_by_batch IS NULL AND
	      batch_id < NEW.batch_id AND
	      batch_id IN (SELECT id FROM import_batch WHERE exercise_id = NEW.exercise_id);
END;

CREATE TRIGGER reject_closed_by_serial AFTER INSERT ON response
	WHEN NEW.serial IS NOT NULL AND NEW.batch_id IS NOT NULL
BEGIN
	UPDATE reject SET closed_by_batch = NEW.batch_id
	WHERE serial = NEW.serial AND closed_by_batch IS NULL AND batch_id < NEW.batch_id AND
	      batch_id IN (SELECT id FROM import_batch WHERE exercise_id = NEW.exercise_id);
END;

-- A row rejected again by a later import (the file imported again with the
-- row still wrong) is listed once, as that import's: the earlier reject is
-- closed by it. `collector rejects --all` tells the two apart by whether the
-- closing batch rejected the same identity.
CREATE TRIGGER reject_superseded_by_id AFTER INSERT ON reject
	WHEN NEW.response_key IS NOT NULL
BEGIN
	UPDATE reject SET closed_by_batch = NEW.batch_id
	WHERE response_key = NEW.response_key AND closed_by_batch IS NULL AND
	      batch_id < NEW.batch_id AND batch_id IN (SELECT id FROM import_batch WHERE
	      exercise_id = (SELECT exercise_id FROM import_batch WHERE id = NEW.batch_id));
END;

CREATE TRIGGER reject_superseded_by_serial AFTER INSERT ON reject
	WHEN NEW.serial IS NOT NULL
BEGIN
	UPDATE reject SET closed_by_batch = NEW.batch_id
	WHERE serial = NEW.serial AND closed_by_batch IS NULL AND batch_id < NEW.batch_id AND
	      batch_id IN (SELECT id FROM import_batch WHERE
	      exercise_id = (SELECT exercise_id FROM import_batch WHERE id = NEW.batch_id));
END;
