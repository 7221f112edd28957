-- 0018: questions whose answers are typed values rather than text to tag or
-- options to count: 'number' (an age as written, a count), 'date' (stored
-- YYYY-MM-DD) and 'short-text' (an organisation's name, at most 200
-- characters). The analyser tags free-text answers only, so these are never
-- tagged. Widening question.type's CHECK means rebuilding the table the way
-- SQLite documents (https://sqlite.org/lang_altertable.html#otheralter):
-- create the new table, copy the rows, drop the old one, rename the new
-- one, recreate its indexes and the view that reads it. The migration step
-- runs with foreign keys off and checks them before it commits.
--
-- The rebuilt table also says which questions are derived: a coarser
-- question counted from a finer one (a three-point AGREE3 from the
-- five-point AGREE5), whose options each stand for a group of the finer
-- question's options (option_group). Answers stay as given: the online
-- respondents' "strongly agree" is kept, and counted as "agree" in AGREE3;
-- an Easy Read question that maps onto AGREE3 stores its answers there.
-- counted_answer gives both, for counting by a question.

DROP VIEW tag_detail;

CREATE TABLE question_new (
	id INTEGER PRIMARY KEY,
	questionnaire_id INTEGER NOT NULL REFERENCES questionnaire(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	position INTEGER NOT NULL,           -- order on the form, from 1
	type TEXT NOT NULL CHECK (type IN ('free-text', 'single-choice',
		'multiple-choice', 'scale', 'postcode', 'demographic',
		'number', 'date', 'short-text')),
	polarity TEXT NOT NULL DEFAULT 'none'
		CHECK (polarity IN ('works-well', 'could-be-better', 'none')),
	topic TEXT,
	text TEXT NOT NULL,
	help TEXT,
	scale_min INTEGER,
	scale_max INTEGER,
	-- Easy Read questions only: the standard question this one stands for.
	maps_to INTEGER REFERENCES question(id),
	-- Derived questions only: the standard question it coarsens.
	derived_from INTEGER REFERENCES question(id),
	UNIQUE (questionnaire_id, code),
	CHECK ((type = 'scale') = (scale_min IS NOT NULL AND scale_max IS NOT NULL)),
	CHECK (scale_min IS NULL OR scale_min < scale_max)
);

INSERT INTO question_new (id, questionnaire_id, code, position, type, polarity, topic, text,
			  help, scale_min, scale_max, maps_to)
	SELECT id, questionnaire_id, code, position, type, polarity, topic, text, help,
	       scale_min, scale_max, maps_to FROM question;
DROP TABLE question;
ALTER TABLE question_new RENAME TO question;
CREATE INDEX question_maps_to ON question(maps_to) WHERE maps_to IS NOT NULL;
CREATE INDEX question_derived_from ON question(derived_from) WHERE derived_from IS NOT NULL;

-- Each option of a derived question stands for a group of options of the
-- question it is derived from; each of those is in one group.
CREATE TABLE option_group (
	question_id INTEGER NOT NULL REFERENCES question(id) ON DELETE CASCADE, -- derived
	option_id INTEGER NOT NULL REFERENCES question_option(id) ON DELETE CASCADE,
	source_question_id INTEGER NOT NULL REFERENCES question(id) ON DELETE CASCADE,
	source_option_id INTEGER NOT NULL REFERENCES question_option(id) ON DELETE CASCADE,
	PRIMARY KEY (question_id, source_option_id)
); -- a rowid table: SQLite 3.40's integrity_check misreads NOT NULL columns of a
   -- WITHOUT ROWID table that has a second index, as NULL
CREATE INDEX option_group_source ON option_group(source_question_id);

-- The answers to count a question by: its own, and for a derived question
-- those of the question it coarsens, each as the option of its group.
CREATE VIEW counted_answer AS
SELECT a.response_id, a.question_id, a.option_id FROM answer a
UNION ALL
SELECT a.response_id, g.question_id, g.option_id FROM option_group g
JOIN answer a ON a.question_id = g.source_question_id AND a.option_id = g.source_option_id;

-- As 0005 made it.
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
