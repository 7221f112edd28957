-- 0006: paper and Easy Read forms typed in by engagement officers, and
-- double entry. A typed-in form is a response like any other (channel
-- 'paper' or 'easy-read-paper', its serial number, event and officer);
-- a second officer's typing of the same form is kept beside it as an
-- entry copy, the questions where the two differ as entry differences, and
-- a supervisor's decision on each as an entry resolution. Nothing is
-- deleted: the first entry's value that a resolution replaces is kept in
-- the resolution.

-- An entry session's batch: the event it was typed for, and whether it
-- holds first entries or second (checking) entries. NULL for file imports.
ALTER TABLE import_batch ADD COLUMN event_id INTEGER REFERENCES event(id);
ALTER TABLE import_batch ADD COLUMN entry_mode TEXT
	CHECK (entry_mode IS NULL OR entry_mode = 'first' OR entry_mode = 'second');
CREATE INDEX import_batch_entry ON import_batch(exercise_id, event_id, officer, channel,
	entry_mode) WHERE entry_mode IS NOT NULL;

-- A second officer's entry of a form already entered once.
CREATE TABLE entry_copy (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL UNIQUE REFERENCES response(id) ON DELETE CASCADE,
	officer TEXT NOT NULL,
	batch_id INTEGER REFERENCES import_batch(id),
	entered_at TEXT NOT NULL             -- UTC
);
CREATE INDEX entry_copy_batch ON entry_copy(batch_id);

-- The second entry's answers, the same shape as answer: Easy Read answers
-- stored against the standard question, the Easy Read one kept.
CREATE TABLE entry_copy_answer (
	id INTEGER PRIMARY KEY,
	copy_id INTEGER NOT NULL REFERENCES entry_copy(id) ON DELETE CASCADE,
	question_id INTEGER NOT NULL REFERENCES question(id),
	option_id INTEGER REFERENCES question_option(id),
	value TEXT,
	state TEXT NOT NULL DEFAULT 'answered'
		CHECK (state = 'answered' OR state = 'skipped' OR state = 'unreadable'),
	source_question_id INTEGER REFERENCES question(id)
);
CREATE INDEX entry_copy_answer_copy ON entry_copy_answer(copy_id);

-- A question where the two entries differ. question_id is the question as
-- it is on the paper form (the Easy Read one for an Easy Read form); the
-- values are as the officers saw them ("2 Satisfied", "(skipped)").
CREATE TABLE entry_difference (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	question_id INTEGER NOT NULL REFERENCES question(id),
	first_value TEXT NOT NULL,
	second_value TEXT NOT NULL,
	found_at TEXT NOT NULL,
	UNIQUE (response_id, question_id)
);

-- A supervisor's decision on one difference: keep the first entry, take
-- the second, or a correction typed in. `replaced` is the first entry's
-- value when the decision changed it (NULL when the first was kept).
CREATE TABLE entry_resolution (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES response(id) ON DELETE CASCADE,
	question_id INTEGER NOT NULL REFERENCES question(id),
	choice TEXT NOT NULL
		CHECK (choice = 'first' OR choice = 'second' OR choice = 'correction'),
	value TEXT NOT NULL,                 -- the answer now stored, as shown
	replaced TEXT,
	resolved_by TEXT NOT NULL,
	resolved_at TEXT NOT NULL,           -- UTC
	UNIQUE (response_id, question_id)
);
