-- 0011: the publication ledger. Disclosure control hides small counts in
-- each published table, but two tables published from the same data can
-- give a hidden count away between them unless they hide it alike and
-- their shared totals agree. So every table published with disclosure
-- control is recorded here, cell by cell, against the data it was counted
-- from (the snapshot): later publications of the same snapshot hide what
-- earlier ones hid, and all of them together are checked to give no hidden
-- count away. Aggregates only: a theme, the dimension values, the number
-- as published (NULL when hidden); nothing a respondent wrote.

CREATE TABLE publication_table (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	snapshot TEXT NOT NULL,              -- the data and the rule (see analyser/ledger.c)
	signature TEXT NOT NULL,             -- the cells and what was hidden, hashed
	nrows INTEGER NOT NULL,              -- inside the border: row nrows and
	ncols INTEGER NOT NULL,              -- column ncols are the totals
	published_at TEXT NOT NULL,
	UNIQUE (exercise_id, snapshot, signature)
);

CREATE TABLE publication_cell (
	table_id INTEGER NOT NULL REFERENCES publication_table(id) ON DELETE CASCADE,
	row INTEGER NOT NULL,
	col INTEGER NOT NULL,
	theme TEXT NOT NULL,                 -- theme code, "(any)", "(respondents)"
	cell TEXT NOT NULL,                  -- "channel=paper|district=E07000192"; "" for all
	shown INTEGER,                       -- as published; NULL when hidden
	PRIMARY KEY (table_id, row, col)
) WITHOUT ROWID;

-- An erased response leaves no trace: the counts published before it went
-- (which counted it) go with it. A new snapshot starts a new ledger anyway.
CREATE TRIGGER publication_forget AFTER DELETE ON response
BEGIN
	DELETE FROM publication_cell WHERE table_id IN
		(SELECT id FROM publication_table WHERE exercise_id = OLD.exercise_id);
	DELETE FROM publication_table WHERE exercise_id = OLD.exercise_id;
END;
