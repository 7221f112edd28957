-- 0028: a hand-coded sample kept in the database (docs/review.md), so the
-- web service can list the answers the rules and the coders disagree on.
-- It is the gold file `analyser evaluate` reads (docs/evaluate.md), loaded
-- with `analyser review sample load` or uploaded on the review pages, and
-- checked the same way against the rule set of the time.
--
-- The codes are kept per response and theme code, as they are compared: a
-- theme the coder gave and every theme above it (a sub-theme counts toward
-- its parent on both sides). The coder's note is free text about an answer
-- and may quote it: it is personal data, like a review reason (never in a
-- message, redacted when shown), and it goes with the response when the
-- response is erased (the cascade from response).

CREATE TABLE coded_sample (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	name TEXT NOT NULL CHECK (length(name) > 0),
	loaded_by TEXT NOT NULL CHECK (length(loaded_by) > 0), -- web account or --as name
	loaded_at TEXT NOT NULL,             -- UTC
	source TEXT NOT NULL,                -- the file's name, without its folder
	ruleset_sha256 TEXT NOT NULL,        -- the rules the codes were checked against
	UNIQUE (exercise_id, name)
);

CREATE TABLE coded_sample_response (
	sample_id INTEGER NOT NULL REFERENCES coded_sample(id) ON DELETE CASCADE,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	line INTEGER NOT NULL CHECK (line > 0), -- where the file coded it
	note TEXT,                           -- the coder's words: personal data, see above
	PRIMARY KEY (sample_id, response_id)
) WITHOUT ROWID;
CREATE INDEX coded_sample_response_response ON coded_sample_response(response_id);

CREATE TABLE coded_sample_code (
	sample_id INTEGER NOT NULL,
	response_id INTEGER NOT NULL,
	theme_code TEXT NOT NULL CHECK (length(theme_code) > 0),
	PRIMARY KEY (sample_id, response_id, theme_code),
	FOREIGN KEY (sample_id, response_id)
		REFERENCES coded_sample_response(sample_id, response_id) ON DELETE CASCADE
) WITHOUT ROWID;
