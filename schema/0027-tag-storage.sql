-- 0027: a tag names the rule that fired by a small number into its rule
-- set's own table of rules, instead of carrying the rule's name ("THEME/2",
-- or the pattern's id) on every row: a third smaller (13.1 MB instead of
-- 19.7 MB for 523,173 tags), and a tag run writes that much less. The tags
-- of answers no longer there (possible only with foreign keys off) are not
-- kept. Each tag's response and question are now
-- required (every writer gives them), so 0009's trigger that filled them
-- in for other writers goes. The views read the rule's name through the
-- new table and keep their columns.

CREATE TABLE rule (
	ruleset_id INTEGER NOT NULL REFERENCES ruleset(id) ON DELETE CASCADE,
	no INTEGER NOT NULL,                 -- what tag.rule_no says
	name TEXT NOT NULL,                  -- "THEME/2", "THEME/otherwise" or the pattern's id
	PRIMARY KEY (ruleset_id, no),
	UNIQUE (ruleset_id, name)
) WITHOUT ROWID;

-- The rules the tags there name, numbered in each rule set; a later run of
-- the same rule set numbers the others after them.
INSERT INTO rule (ruleset_id, no, name)
SELECT ruleset_id, row_number() OVER (PARTITION BY ruleset_id ORDER BY rule), rule
FROM (SELECT DISTINCT h.ruleset_id, t.rule FROM tag t JOIN theme h ON h.id = t.theme_id);

CREATE TABLE tag_new (
	answer_id INTEGER NOT NULL REFERENCES answer(id) ON DELETE CASCADE,
	theme_id INTEGER NOT NULL REFERENCES theme(id) ON DELETE CASCADE,
	rule_no INTEGER NOT NULL,            -- rule (ruleset_id of the theme, no)
	match_start INTEGER NOT NULL,        -- byte offsets in answer.value
	match_end INTEGER NOT NULL,
	response_id INTEGER NOT NULL,        -- copies of the answer's, for counting (0009)
	question_id INTEGER NOT NULL,
	PRIMARY KEY (answer_id, theme_id)
) WITHOUT ROWID;

INSERT INTO tag_new (answer_id, theme_id, rule_no, match_start, match_end, response_id,
                     question_id)
SELECT t.answer_id, t.theme_id, r.no, t.match_start, t.match_end,
       coalesce(t.response_id, a.response_id), coalesce(t.question_id, a.question_id)
FROM tag t
JOIN answer a ON a.id = t.answer_id
JOIN theme h ON h.id = t.theme_id
JOIN rule r ON r.ruleset_id = h.ruleset_id AND r.name = t.rule
ORDER BY t.answer_id, t.theme_id;

DROP VIEW count_inputs;
DROP VIEW tags;
DROP VIEW rule_tags;
DROP VIEW effective_tag;
DROP VIEW safeguarding_flags;
DROP VIEW tag_detail;
DROP TRIGGER tag_response;
DROP TABLE tag;
ALTER TABLE tag_new RENAME TO tag;
-- Quotes for a theme and the web's theme list look tags up by theme.
CREATE INDEX tag_theme ON tag(theme_id);

-- As 0005 made it, the rule's name read from the rule table.
CREATE VIEW tag_detail AS
SELECT t.answer_id, a.response_id, q.code AS question, h.code AS theme, r.name AS rule,
       t.match_start, t.match_end,
       CAST(substr(CAST(a.value AS BLOB), t.match_start + 1, t.match_end - t.match_start)
            AS TEXT) AS matched,
       s.sha256 AS ruleset_version
FROM tag t
JOIN answer a ON a.id = t.answer_id
JOIN question q ON q.id = a.question_id
JOIN theme h ON h.id = t.theme_id
JOIN ruleset s ON s.id = h.ruleset_id
JOIN rule r ON r.ruleset_id = h.ruleset_id AND r.no = t.rule_no;

-- As 0024 (the tags with the review decisions) and 0026 (safeguarding)
-- made them, the rule's name read from the rule table.
CREATE VIEW effective_tag AS
SELECT t.answer_id, t.theme_id, t.response_id, t.question_id, 'rule' AS source,
       NULL AS decision_id
FROM tag t
WHERE t.answer_id NOT IN (SELECT answer_id FROM review_decision)
UNION ALL
SELECT t.answer_id, t.theme_id, t.response_id, t.question_id, 'rule',
       (SELECT d.id FROM review_decision d WHERE d.answer_id = t.answer_id
        AND d.theme_code = h.code ORDER BY d.id DESC LIMIT 1)
FROM tag t JOIN theme h ON h.id = t.theme_id
WHERE t.answer_id IN (SELECT answer_id FROM review_decision)
  AND coalesce((SELECT d.action FROM review_decision d WHERE d.answer_id = t.answer_id
                AND d.theme_code = h.code ORDER BY d.id DESC LIMIT 1), '') <> 'remove'
UNION ALL
SELECT d.answer_id, h.id, a.response_id, a.question_id, 'decision', d.id
FROM review_latest d
JOIN answer a ON a.id = d.answer_id
JOIN response r ON r.id = a.response_id
JOIN ruleset s ON s.exercise_id = r.exercise_id
JOIN theme h ON h.ruleset_id = s.id AND h.code = d.theme_code
WHERE d.action <> 'remove'
  AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.answer_id = d.answer_id AND t.theme_id = h.id);

CREATE VIEW tags AS
SELECT e.answer_id,
       e.response_id,
       h.code AS theme,
       e.source,
       ru.name AS rule,
       t.match_start,
       t.match_end,
       s.sha256 AS ruleset_version,
       s.tagged_at,
       d.action AS decision,
       d.reviewer AS decided_by,
       d.decided_at
FROM effective_tag e
JOIN theme h ON h.id = e.theme_id
JOIN ruleset s ON s.id = h.ruleset_id
LEFT JOIN tag t ON t.answer_id = e.answer_id AND t.theme_id = e.theme_id
LEFT JOIN rule ru ON ru.ruleset_id = h.ruleset_id AND ru.no = t.rule_no
LEFT JOIN review_decision d ON d.id = e.decision_id;

CREATE VIEW rule_tags AS
SELECT t.answer_id,
       t.response_id,
       h.code AS theme,
       'rule' AS source,
       ru.name AS rule,
       t.match_start,
       t.match_end,
       s.sha256 AS ruleset_version,
       s.tagged_at
FROM tag t
JOIN theme h ON h.id = t.theme_id
JOIN ruleset s ON s.id = h.ruleset_id
JOIN rule ru ON ru.ruleset_id = h.ruleset_id AND ru.no = t.rule_no;

CREATE VIEW safeguarding_flags AS
SELECT t.answer_id,
       a.response_id,
       q.code AS question,
       h.code AS theme,
       ru.name AS rule,
       t.match_start,
       t.match_end,
       v.seen_by,
       v.seen_at,
       v.action,
       s.exercise_id
FROM tag t
JOIN theme h ON h.id = t.theme_id AND h.safeguarding = 1
JOIN ruleset s ON s.id = h.ruleset_id
JOIN rule ru ON ru.ruleset_id = h.ruleset_id AND ru.no = t.rule_no
JOIN answer a ON a.id = t.answer_id
JOIN question q ON q.id = a.question_id
LEFT JOIN safeguarding_review v ON v.answer_id = t.answer_id;

-- What `analyser counts` counts: the tags with the review decisions, no
-- safeguarding theme.
CREATE VIEW count_inputs AS
WITH RECURSIVE mention(response_id, theme_id) AS (
	SELECT DISTINCT t.response_id, t.theme_id FROM effective_tag t
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
JOIN theme h ON h.id = m.theme_id AND h.safeguarding = 0;
