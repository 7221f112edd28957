-- 0023: the SQL layer analysts query (docs/sql.md). Stable views over the
-- tables, whose names and columns later versions keep even when the tables
-- under them change; new columns may be added at the end. They leave out
-- what identifies a person (postcode, survey tool id, paper serial, officer)
-- and hold no answer text a respondent wrote other than in `answers.text`,
-- which is the raw text: publish it only through `analyser export --rows`,
-- which redacts it. It changes no table.

DROP VIEW IF EXISTS responses;
DROP VIEW IF EXISTS answers;
DROP VIEW IF EXISTS themes;
DROP VIEW IF EXISTS tags;
DROP VIEW IF EXISTS demographics;
DROP VIEW IF EXISTS count_inputs;

-- One row per response, whether or not it counts for analysis.
CREATE VIEW responses AS
SELECT r.id AS response_id,
       x.code AS exercise,
       r.channel,
       r.form_variant AS form,
       e.code AS event_code,
       e.title AS event_title,
       e.held_on AS event_date,
       r.district_code,
       d.name AS district_name,
       r.district_source,
       substr(r.submitted_at, 1, 10) AS submitted_on,
       r.entry_status,
       CASE WHEN r.entry_status IN ('accepted', 'verified') THEN 1 ELSE 0 END AS counted,
       r.outside_dates
FROM response r
JOIN exercise x ON x.id = r.exercise_id
LEFT JOIN event e ON e.id = r.event_id
LEFT JOIN district d ON d.code = r.district_code;

-- One row per free-text answer given (not skipped, not empty). `question` is
-- the standard question an Easy Read one stands for, as the counts use it.
CREATE VIEW answers AS
SELECT a.id AS answer_id,
       a.response_id,
       coalesce(s.code, q.code) AS question,
       q.code AS asked_as,
       coalesce(s.text, q.text) AS question_text,
       coalesce(s.polarity, q.polarity) AS polarity,
       a.value AS text
FROM answer a
JOIN question q ON q.id = a.question_id
LEFT JOIN question s ON s.id = q.maps_to
WHERE q.type = 'free-text' AND a.state = 'answered' AND length(a.value) > 0;

-- The theme frame of each exercise's rule set, in the rules file's order.
CREATE VIEW themes AS
SELECT x.code AS exercise,
       h.code AS theme,
       h.label,
       p.code AS parent,
       h.depth AS level,
       h.position,
       h.description,
       s.sha256 AS ruleset_version
FROM theme h
JOIN ruleset s ON s.id = h.ruleset_id
JOIN exercise x ON x.id = s.exercise_id
LEFT JOIN theme p ON p.id = h.parent_id;

-- One row per answer and theme it was tagged with, and why: the rule that
-- fired, where in the text (byte offsets), and the rule set's version.
CREATE VIEW tags AS
SELECT t.answer_id,
       a.response_id,
       h.code AS theme,
       'rule' AS source,
       t.rule,
       t.match_start,
       t.match_end,
       s.sha256 AS ruleset_version,
       s.tagged_at
FROM tag t
JOIN answer a ON a.id = t.answer_id
JOIN theme h ON h.id = t.theme_id
JOIN ruleset s ON s.id = h.ruleset_id;

-- One row per response and demographic question answered, with the option
-- chosen (derived questions included, each as the group its answer is in).
CREATE VIEW demographics AS
-- An Easy Read question and option stand for the standard ones they map to.
SELECT c.response_id,
       coalesce(s.code, q.code) AS question,
       coalesce(so.code, o.code) AS option,
       coalesce(so.label, o.label) AS label
FROM counted_answer c
JOIN question q ON q.id = c.question_id
JOIN question_option o ON o.id = c.option_id
LEFT JOIN question s ON s.id = q.maps_to
LEFT JOIN question_option so ON so.id = o.maps_to
WHERE q.type = 'demographic';

-- What `analyser counts` counts: one row per counted respondent and theme
-- they mentioned, a sub-theme's mention also counting toward its parents.
CREATE VIEW count_inputs AS
WITH RECURSIVE mention(response_id, theme_id) AS (
	SELECT DISTINCT t.response_id, t.theme_id FROM tag t
	UNION
	SELECT m.response_id, h.parent_id FROM mention m
	JOIN theme h ON h.id = m.theme_id WHERE h.parent_id IS NOT NULL
)
SELECT r.response_id,
       r.exercise,
       r.channel,
       r.form,
       r.event_code,
       coalesce(r.district_code,
                CASE WHEN r.district_source = 'out-of-area' THEN '(outside)' ELSE '(unknown)' END)
           AS district_code,
       h.code AS theme,
       h.depth AS level,
       r.outside_dates
FROM mention m
JOIN responses r ON r.response_id = m.response_id AND r.counted = 1
JOIN theme h ON h.id = m.theme_id;
