-- 0005: themes and tags. The rule set last used on an exercise is kept
-- with its version (the SHA-256 of the rules file) and its themes; each tag
-- says which answer (and so which response and question), which theme,
-- which rule fired and where in the answer's text. A run with changed rules
-- replaces the rule set, its themes and its tags in one transaction.

CREATE TABLE ruleset (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL UNIQUE REFERENCES exercise(id) ON DELETE CASCADE,
	sha256 TEXT NOT NULL,                -- the rule-set version
	file_name TEXT NOT NULL,
	title TEXT,
	tagged_at TEXT NOT NULL,
	last_answer_id INTEGER NOT NULL DEFAULT 0, -- answers up to here have been read
	answers INTEGER NOT NULL DEFAULT 0,  -- free-text answers read
	errors INTEGER NOT NULL DEFAULT 0    -- answer and theme pairs a pattern gave up on
);

CREATE TABLE theme (
	id INTEGER PRIMARY KEY,
	ruleset_id INTEGER NOT NULL REFERENCES ruleset(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	label TEXT NOT NULL,
	description TEXT,
	parent_id INTEGER REFERENCES theme(id) ON DELETE CASCADE,
	depth INTEGER NOT NULL,              -- 1 for a top-level theme
	position INTEGER NOT NULL,           -- order in the rules file
	UNIQUE (ruleset_id, code)
);
CREATE INDEX theme_parent ON theme(parent_id);

CREATE TABLE tag (
	answer_id INTEGER NOT NULL REFERENCES answer(id) ON DELETE CASCADE,
	theme_id INTEGER NOT NULL REFERENCES theme(id) ON DELETE CASCADE,
	rule TEXT NOT NULL,                  -- the include pattern that fired
	match_start INTEGER NOT NULL,        -- byte offsets in answer.value
	match_end INTEGER NOT NULL,
	PRIMARY KEY (answer_id, theme_id)
) WITHOUT ROWID;
CREATE INDEX tag_theme ON tag(theme_id);

-- Every tag with what it rests on, for tracing a count back to the words.
CREATE VIEW tag_detail AS
SELECT t.answer_id, a.response_id, q.code AS question, h.code AS theme, t.rule,
       t.match_start, t.match_end,
       CAST(substr(CAST(a.value AS BLOB), t.match_start + 1, t.match_end - t.match_start)
            AS TEXT) AS matched,
       s.sha256 AS ruleset_version
FROM tag t
JOIN answer a ON a.id = t.answer_id
JOIN question q ON q.id = a.question_id
JOIN theme h ON h.id = t.theme_id
JOIN ruleset s ON s.id = h.ruleset_id;
