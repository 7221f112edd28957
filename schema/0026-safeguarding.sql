-- 0026: safeguarding flags (docs/safeguarding.md).
--
-- A theme marked safeguarding="true" in the rules file (and every theme
-- under it) finds possible disclosures of self-harm, abuse or neglect. Its
-- tags are never counted or published: they are listed for a named person
-- to review. The review is kept per answer, apart from the tags, so a new
-- tag run keeps it; erasing the response removes it with the answer.

ALTER TABLE theme ADD COLUMN safeguarding INTEGER NOT NULL DEFAULT 0
	CHECK (safeguarding IN (0, 1));

CREATE TABLE safeguarding_review (
	answer_id INTEGER PRIMARY KEY REFERENCES answer(id) ON DELETE CASCADE,
	seen_by TEXT NOT NULL,               -- the named person who read it
	seen_at TEXT NOT NULL,               -- UTC
	action TEXT NOT NULL                 -- what was done ("referred to ...")
);

-- Every answer a safeguarding theme tagged, with its review when there is one.
CREATE VIEW safeguarding_flags AS
SELECT t.answer_id,
       a.response_id,
       q.code AS question,
       h.code AS theme,
       t.rule,
       t.match_start,
       t.match_end,
       v.seen_by,
       v.seen_at,
       v.action,
       s.exercise_id
FROM tag t
JOIN theme h ON h.id = t.theme_id AND h.safeguarding = 1
JOIN ruleset s ON s.id = h.ruleset_id
JOIN answer a ON a.id = t.answer_id
JOIN question q ON q.id = a.question_id
LEFT JOIN safeguarding_review v ON v.answer_id = t.answer_id;

-- What `analyser counts` counts (the tags with the review decisions, 0024)
-- leaves safeguarding themes out, as it does.
DROP VIEW count_inputs;
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
