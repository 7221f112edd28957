-- 0019: the public at a roadshow fill the survey in the browser at a kiosk
-- (tally-web, docs/web.md). Such a form is recorded with its own channel,
-- 'kiosk', so response.channel and import_batch.channel allow it. Widening
-- a CHECK means making the table again the way SQLite documents
-- (https://sqlite.org/lang_altertable.html#otheralter): create the new
-- table, copy the rows, drop the old one, rename the new one, recreate its
-- indexes and triggers. The migration step runs with foreign keys off and
-- checks them before it commits; legacy_alter_table keeps the rename from
-- re-reading the triggers of other tables that name these two.
--
-- Then the kiosk links: a supervisor makes one for one event and one form;
-- the link holds a random token, of which only the hash is kept here.

PRAGMA legacy_alter_table = ON;

CREATE TABLE import_batch_new (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	file_name TEXT NOT NULL,             -- as given, or the entry session's name
	sha256 TEXT,                         -- of the file's bytes; NULL for typed entry
	format TEXT NOT NULL
		CHECK (format = 'csv' OR format = 'xlsx' OR format = 'xform' OR
			format = 'limesurvey' OR format = 'entry' OR format = 'entry-batch'),
	channel TEXT
		CHECK (channel = 'online' OR channel = 'paper' OR
			channel = 'easy-read-paper' OR channel = 'event-card' OR
			channel = 'kiosk'),
	officer TEXT,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	rows_read INTEGER NOT NULL DEFAULT 0,
	rows_accepted INTEGER NOT NULL DEFAULT 0,
	rows_rejected INTEGER NOT NULL DEFAULT 0,
	rows_duplicate INTEGER NOT NULL DEFAULT 0,
	mapping_sha256 TEXT,                 -- 0004
	event_id INTEGER REFERENCES event(id), -- 0006
	entry_mode TEXT
		CHECK (entry_mode IS NULL OR entry_mode = 'first' OR entry_mode = 'second')
);
INSERT INTO import_batch_new (id, exercise_id, file_name, sha256, format, channel, officer,
			      started_at, finished_at, rows_read, rows_accepted, rows_rejected,
			      rows_duplicate, mapping_sha256, event_id, entry_mode)
	SELECT id, exercise_id, file_name, sha256, format, channel, officer, started_at,
	       finished_at, rows_read, rows_accepted, rows_rejected, rows_duplicate,
	       mapping_sha256, event_id, entry_mode FROM import_batch;
DROP TABLE import_batch;
ALTER TABLE import_batch_new RENAME TO import_batch;
CREATE INDEX import_batch_sha ON import_batch(exercise_id, sha256, mapping_sha256);
CREATE INDEX import_batch_entry ON import_batch(exercise_id, event_id, officer, channel,
	entry_mode) WHERE entry_mode IS NOT NULL;

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
	UNIQUE (exercise_id, external_id),
	UNIQUE (exercise_id, serial),
	CHECK (district_code IS NOT NULL OR district_source = 'out-of-area' OR
		district_source = 'unresolved')
);
INSERT INTO response_new (id, exercise_id, batch_id, channel, form_variant, event_id,
			  district_code, district_source, district_note, postcode, external_id,
			  serial, officer, entry_status, submitted_at, recorded_at, outside_dates)
	SELECT id, exercise_id, batch_id, channel, form_variant, event_id, district_code,
	       district_source, district_note, postcode, external_id, serial, officer,
	       entry_status, submitted_at, recorded_at, outside_dates FROM response;
DROP TABLE response;
ALTER TABLE response_new RENAME TO response;
CREATE INDEX response_district ON response(exercise_id, district_code);
CREATE INDEX response_event ON response(event_id);
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

-- A kiosk link: one event, one form. Times are Unix seconds. `token_hash`
-- is the SHA-256 (hex) of the random token in the link.
CREATE TABLE kiosk (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	event_id INTEGER NOT NULL REFERENCES event(id),
	variant TEXT NOT NULL CHECK (variant IN ('standard', 'easy-read')),
	token_hash TEXT NOT NULL UNIQUE,
	idle_minutes INTEGER NOT NULL CHECK (idle_minutes BETWEEN 1 AND 60),
	created_by TEXT NOT NULL,            -- the supervisor's account name
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER,                  -- NULL while it works
	revoked_by TEXT
);

-- A form sent from a kiosk, by the token its page carried: the same page
-- sent twice (a double tap, a retry) is stored once.
CREATE TABLE kiosk_submission (
	token TEXT PRIMARY KEY,
	kiosk_id INTEGER NOT NULL REFERENCES kiosk(id),
	response_id INTEGER REFERENCES response(id) ON DELETE SET NULL,
	saved_at INTEGER NOT NULL
) WITHOUT ROWID;
