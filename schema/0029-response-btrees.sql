-- 0029: fewer B-trees written for each response and answer an import
-- stores, where no reader needs them (issue 21: import against SQLite's
-- floor for the same rows).
--
-- - response's two UNIQUE constraints become partial unique indexes: a
--   response has a survey tool's id or a paper serial, seldom both, and
--   every row put a NULL entry into both. The identity look-ups
--   (external_id = ? or serial = ?) imply IS NOT NULL, so they use them.
-- - response_event holds only responses from an event (event_id = ? is
--   what every reader and the foreign key check ask).
-- - response_district (exercise_id, district_code) goes: its only reader,
--   the check that a re-initialised exercise keeps the districts its
--   responses are in, reads the district from response_counts, which has
--   the exercise first; the foreign key to district could not use it.
-- - answer_question becomes answer_option: only the answers that chose an
--   option, the ones counting by a demographic question reads
--   (question_id = ? AND option_id IS NOT NULL, or = an option). Free
--   text, scale values and postcodes (most answers) are no longer in it.
--   Deleting a question already reads every answer (source_question_id
--   has no index), so its foreign key check loses nothing.
--
-- Rebuilding response is done as 0019 did it (foreign keys off, then
-- checked; legacy_alter_table keeps the rename from re-reading the views
-- and triggers that name it). Its columns do not change, so the views
-- that read it keep working as they are.

PRAGMA legacy_alter_table = ON;

CREATE TABLE response_new (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	batch_id INTEGER REFERENCES import_batch(id),
	channel TEXT NOT NULL
		CHECK (channel = 'online' OR channel = 'paper' OR
			channel = 'easy-read-paper' OR channel = 'event-card' OR
			channel = 'kiosk'),
	form_variant TEXT NOT NULL CHECK (form_variant = 'standard' OR form_variant = 'easy-read'),
	event_id INTEGER REFERENCES event(id),
	district_code TEXT REFERENCES district(code),
	-- How the district was found, in the brief's order of trust.
	district_source TEXT NOT NULL DEFAULT 'unresolved'
		CHECK (district_source = 'postcode' OR district_source = 'event' OR
			district_source = 'ticked' OR district_source = 'outward-code' OR
			district_source = 'out-of-area' OR district_source = 'unresolved'),
	district_note TEXT,                  -- why, in words: "ST7: 84% E07000195"
	postcode TEXT,                       -- normalised, as given
	external_id TEXT,                    -- the survey tool's response id
	serial TEXT,                         -- number written on a paper form
	officer TEXT,                        -- who typed it in
	-- Double entry: 'accepted' counts for analysis as it is; the others
	-- wait for a second entry or for a supervisor.
	entry_status TEXT NOT NULL DEFAULT 'accepted'
		CHECK (entry_status = 'accepted' OR entry_status = 'awaiting-second-entry' OR
			entry_status = 'differences' OR entry_status = 'verified'),
	submitted_at TEXT,                   -- when the person answered, if known
	recorded_at TEXT NOT NULL,           -- when it reached the database
	outside_dates INTEGER NOT NULL DEFAULT 0
		CHECK (outside_dates = 0 OR outside_dates = 1), -- 0013
	CHECK (district_code IS NOT NULL OR district_source = 'out-of-area' OR
		district_source = 'unresolved')
);
INSERT INTO response_new (id, exercise_id, batch_id, channel, form_variant, event_id,
			  district_code, district_source, district_note, postcode, external_id,
			  serial, officer, entry_status, submitted_at, recorded_at, outside_dates)
	SELECT id, exercise_id, batch_id, channel, form_variant, event_id, district_code,
	       district_source, district_note, postcode, external_id, serial, officer,
	       entry_status, submitted_at, recorded_at, outside_dates FROM response ORDER BY id;
DROP TABLE response;
ALTER TABLE response_new RENAME TO response;
-- The identities, unique per exercise as the UNIQUE constraints had them.
CREATE UNIQUE INDEX response_external_id ON response(exercise_id, external_id)
	WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX response_serial ON response(exercise_id, serial) WHERE serial IS NOT NULL;
CREATE INDEX response_event ON response(event_id) WHERE event_id IS NOT NULL;
CREATE INDEX response_batch ON response(batch_id);
CREATE INDEX response_counts ON response(exercise_id, id, entry_status, district_code,
	district_source, channel, form_variant, event_id);

-- As 0011 and 0012 made them.
CREATE TRIGGER publication_forget AFTER DELETE ON response
BEGIN
	DELETE FROM publication_cell WHERE table_id IN
		(SELECT id FROM publication_table WHERE exercise_id = OLD.exercise_id);
	DELETE FROM publication_table WHERE exercise_id = OLD.exercise_id;
END;
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

PRAGMA legacy_alter_table = OFF;

DROP INDEX answer_question;
CREATE INDEX answer_option ON answer(question_id, option_id) WHERE option_id IS NOT NULL;
