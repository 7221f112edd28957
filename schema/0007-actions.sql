-- 0007: what the partnership did about each theme, recorded by comms staff
-- for "You said, we did". Kept by theme code, not theme row, so tagging
-- again with a changed rule set keeps them.

CREATE TABLE action (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	theme_code TEXT NOT NULL,
	text TEXT NOT NULL CHECK (length(trim(text)) > 0),
	owner TEXT,                          -- who is responsible: a team or a person
	action_date TEXT,                    -- ISO date: when it was done or is due
	recorded_at TEXT NOT NULL,           -- UTC
	updated_at TEXT
);
CREATE INDEX action_theme ON action(exercise_id, theme_code);
