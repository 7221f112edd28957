-- 0021: a typed form changed before it is verified keeps what it was. The
-- officer who typed a first entry (or a supervisor) may change its answers
-- until a second entry is typed; each change keeps the answers it replaced
-- as a version: who saved them, when, who replaced them, when. The idea is
-- 0015's (an edit replaces a version and the step is recorded), but here the
-- earlier answers are kept, since the same officer's two typings of one
-- paper form are both records of it. Erasing the response erases its
-- versions with it (ON DELETE CASCADE).

CREATE TABLE entry_version (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	version INTEGER NOT NULL CHECK (version >= 1), -- 1: as first saved
	saved_by TEXT NOT NULL,              -- who saved these answers
	saved_at TEXT NOT NULL,              -- UTC
	replaced_by TEXT NOT NULL,           -- who changed them
	replaced_at TEXT NOT NULL,           -- UTC
	UNIQUE (response_id, version)
);

-- The answers of a version, as the answer table held them.
CREATE TABLE entry_version_answer (
	id INTEGER PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES entry_version(id) ON DELETE CASCADE,
	question_id INTEGER NOT NULL REFERENCES question(id),
	source_question_id INTEGER REFERENCES question(id),
	option_id INTEGER REFERENCES question_option(id),
	value TEXT,
	state TEXT NOT NULL DEFAULT 'answered'
		CHECK (state = 'answered' OR state = 'skipped' OR state = 'unreadable')
);
CREATE INDEX entry_version_answer_version ON entry_version_answer(version_id);
