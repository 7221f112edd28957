-- 0022: comms staff shape "You said, we did" in the browser (tally-web,
-- docs/report-editor.md).
--
-- Two more roles: 'comms' (edits and publishes the report; cannot type or
-- see forms) and 'analyst' (kept for the analysts' pages to come). Widening
-- a CHECK means making the table again the way SQLite documents
-- (https://sqlite.org/lang_altertable.html#otheralter), as in 0019: the
-- migration step runs with foreign keys off and checks them before it
-- commits; legacy_alter_table keeps the rename from rewriting the
-- references web_session and web_submission make to account.

PRAGMA legacy_alter_table = ON;

CREATE TABLE account_new (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role TEXT NOT NULL
		CHECK (role IN ('officer', 'supervisor', 'admin', 'comms', 'analyst')),
	hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL             -- UTC
);
INSERT INTO account_new (id, name, role, hash, disabled, created_at)
	SELECT id, name, role, hash, disabled, created_at FROM account;
DROP TABLE account;
ALTER TABLE account_new RENAME TO account;

PRAGMA legacy_alter_table = OFF;

-- The report's settings, versioned: a change adds a row, never updates one,
-- so who changed what and when stays. The setting in force is the newest
-- row of its name. Values:
--   themes   the theme codes shown, one a line, in the order shown
--   intro    the introduction, paragraphs at blank lines
--   contact  how to contact the team
--   formats  the offer of other formats (Easy Read, large print, languages)
--   layout   'statistical' or 'pairs'
CREATE TABLE report_setting (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	name TEXT NOT NULL
		CHECK (name IN ('themes', 'intro', 'contact', 'formats', 'layout')),
	value TEXT NOT NULL,
	changed_by TEXT NOT NULL,            -- the account's name, or the command line's --by
	changed_at TEXT NOT NULL             -- UTC
);
CREATE INDEX report_setting_current ON report_setting(exercise_id, name, id);

-- The logo at the top of the page, versioned like the settings. A PNG, or an
-- SVG that passed the sanitiser (web/logo.c) and is stored as it passed.
-- A row with no data takes the logo away.
CREATE TABLE report_logo (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	mime TEXT CHECK (mime IS NULL OR mime IN ('image/png', 'image/svg+xml')),
	data BLOB CHECK (data IS NULL OR length(data) <= 102400),
	alt TEXT,                            -- the logo's text alternative
	changed_by TEXT NOT NULL,
	changed_at TEXT NOT NULL,
	CHECK ((mime IS NULL) = (data IS NULL))
);
CREATE INDEX report_logo_current ON report_logo(exercise_id, id);

-- Every change to what was done about a theme (the action table, 0007), as
-- it was after the change: who, when.
CREATE TABLE action_version (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	theme_code TEXT NOT NULL,
	text TEXT NOT NULL,                  -- '' when the text was taken away
	changed_by TEXT NOT NULL,
	changed_at TEXT NOT NULL
);

-- Quotes: comms staff approve or reject each candidate (a redacted answer
-- tagged with the theme). An approved quote is frozen: its redacted text as
-- approved, and the response it came from, so that erasing the response
-- (collector erase deletes the response; the answer and this row go with
-- it by cascade) removes the quote. A rejected one keeps its reason and no
-- text.
CREATE TABLE report_quote (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	theme_code TEXT NOT NULL,
	answer_id INTEGER NOT NULL REFERENCES answer(id) ON DELETE CASCADE,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
	text TEXT,                           -- approved: the redacted text, frozen
	reason TEXT,                         -- rejected: why
	decided_by TEXT NOT NULL,
	decided_at TEXT NOT NULL,            -- UTC
	UNIQUE (exercise_id, theme_code, answer_id),
	CHECK (decision = 'rejected' OR text IS NOT NULL),
	CHECK (decision = 'approved' OR length(trim(coalesce(reason, ''))) > 0)
);
CREATE INDEX report_quote_response ON report_quote(response_id);

-- An approved quote taken away with its response: the next page says so
-- (how many, under which theme). Nothing the person said is kept.
CREATE TABLE report_quote_removed (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	theme_code TEXT NOT NULL,
	removed_at TEXT NOT NULL             -- UTC
);
CREATE TRIGGER report_quote_gone AFTER DELETE ON report_quote WHEN OLD.decision = 'approved'
BEGIN
	INSERT INTO report_quote_removed (exercise_id, theme_code, removed_at)
		VALUES (OLD.exercise_id, OLD.theme_code, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;
