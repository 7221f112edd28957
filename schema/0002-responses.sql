-- 0002: what people said. Import batches (one per file or entry session),
-- responses, their answers, and the rows a batch could not take.
--
-- Allowed values are checked with OR chains, not IN lists: SQLite builds a
-- temporary index for an IN list of three or more constants on every insert,
-- which made imports of large files many times slower.

CREATE TABLE import_batch (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	file_name TEXT NOT NULL,             -- as given, or the entry session's name
	sha256 TEXT,                         -- of the file's bytes; NULL for typed entry
	format TEXT NOT NULL
		CHECK (format = 'csv' OR format = 'xlsx' OR format = 'xform' OR
			format = 'limesurvey' OR format = 'entry' OR format = 'entry-batch'),
	channel TEXT
		CHECK (channel = 'online' OR channel = 'paper' OR
			channel = 'easy-read-paper' OR channel = 'event-card'),
	officer TEXT,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	rows_read INTEGER NOT NULL DEFAULT 0,
	rows_accepted INTEGER NOT NULL DEFAULT 0,
	rows_rejected INTEGER NOT NULL DEFAULT 0,
	rows_duplicate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_batch_sha ON import_batch(exercise_id, sha256);

CREATE TABLE response (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	batch_id INTEGER REFERENCES import_batch(id),
	channel TEXT NOT NULL
		CHECK (channel = 'online' OR channel = 'paper' OR
			channel = 'easy-read-paper' OR channel = 'event-card'),
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
	UNIQUE (exercise_id, external_id),
	UNIQUE (exercise_id, serial),
	CHECK (district_code IS NOT NULL OR district_source = 'out-of-area' OR
		district_source = 'unresolved')
);
CREATE INDEX response_district ON response(exercise_id, district_code);
CREATE INDEX response_event ON response(event_id);
CREATE INDEX response_batch ON response(batch_id);

-- One row per answer; a multiple-choice question has one row per ticked
-- option. Easy Read answers are stored against the standard question they
-- map onto, with the Easy Read question kept in source_question_id.
CREATE TABLE answer (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	question_id INTEGER NOT NULL REFERENCES question(id),
	option_id INTEGER REFERENCES question_option(id),
	value TEXT,                          -- free text, scale value, postcode
	state TEXT NOT NULL DEFAULT 'answered'
		CHECK (state = 'answered' OR state = 'skipped' OR state = 'unreadable'),
	source_question_id INTEGER REFERENCES question(id)
);
CREATE INDEX answer_response ON answer(response_id);
CREATE INDEX answer_question ON answer(question_id);

CREATE TABLE reject (
	id INTEGER PRIMARY KEY,
	batch_id INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
	place TEXT NOT NULL,                 -- "line 212", "record 5"
	line INTEGER,
	reason TEXT NOT NULL,
	raw TEXT                             -- the input as it was, cut to 4 KiB
);
CREATE INDEX reject_batch ON reject(batch_id);
