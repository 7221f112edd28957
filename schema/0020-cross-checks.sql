-- 0020: cross-field checks declared in the exercise definition
-- (docs/exercise-format.md, "Cross-field checks"), kept with the exercise
-- so that every path that stores answers (typed entry, the web forms, the
-- kiosk, imports) reads the same rules from the database.
--
-- An exclusive option ("None of these", "Don't know") may not be ticked
-- with another option of its question.
ALTER TABLE question_option ADD COLUMN exclusive INTEGER NOT NULL DEFAULT 0
	CHECK (exclusive = 0 OR exclusive = 1);

-- A question asked only when an earlier question of the same questionnaire
-- was answered with one of some options (<ask-if>): one row per option
-- that asks it. Written afresh each time the definition is loaded.
CREATE TABLE question_ask_if (
	question_id INTEGER NOT NULL REFERENCES question(id) ON DELETE CASCADE,
	option_id INTEGER NOT NULL REFERENCES question_option(id) ON DELETE CASCADE,
	PRIMARY KEY (question_id, option_id)
) WITHOUT ROWID;
CREATE INDEX question_ask_if_option ON question_ask_if(option_id);
