-- 0015: edited submissions. ODK Collect and KoboToolbox give an edited
-- submission a new instance id and name the one it replaces in
-- meta/deprecatedID. The edit is the same person's answers, not a second
-- person: the import stores the newest version as the response and
-- deletes the earlier one (its answers, tags and entry state). Each step of
-- an edit is recorded here, ids only, never content, so that the earlier
-- version read again (an older export, a folder that still holds it) is
-- known as replaced and an erased response is not brought back by an edit.

CREATE TABLE response_edit (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	old_external_id TEXT NOT NULL,       -- the version replaced, as response.external_id
	new_external_id TEXT NOT NULL,       -- the edit that replaced it
	batch_id INTEGER REFERENCES import_batch(id), -- the import that read the edit
	-- The response deleted for it (no longer in response); NULL when the
	-- earlier version never was one (read in the same file, or never seen).
	replaced_response_id INTEGER,
	edited_at TEXT NOT NULL,             -- UTC, when the import recorded it
	UNIQUE (exercise_id, old_external_id)
);
CREATE INDEX response_edit_new ON response_edit(exercise_id, new_external_id);
