-- 0024: human review of the tags (docs/review.md). A decision is stored
-- over the rules, never in the tag table: which answer, which theme (by its
-- code, since a changed rule set replaces the theme rows), accepted,
-- removed or added, who, when, an optional reason and the rule set's version
-- at the time. Re-tagging leaves decisions alone; the latest decision for an
-- answer and theme wins and the earlier ones stay as history. The reason is
-- free text a reviewer wrote, perhaps quoting the answer: it is treated as
-- personal data (never in a message, redacted in an export). An erasure
-- takes an answer's decisions and review mark with it.

CREATE TABLE review_decision (
	id INTEGER PRIMARY KEY,              -- later decisions have larger ids
	answer_id INTEGER NOT NULL REFERENCES answer(id) ON DELETE CASCADE,
	theme_code TEXT NOT NULL CHECK (length(theme_code) > 0),
	action TEXT NOT NULL CHECK (action IN ('accept', 'remove', 'add')),
	reviewer TEXT NOT NULL CHECK (length(reviewer) > 0), -- web account or --as name
	decided_at TEXT NOT NULL,            -- UTC
	reason TEXT,                         -- personal data: see above
	ruleset_sha256 TEXT                  -- the rules at the time; NULL if none
);
CREATE INDEX review_decision_answer ON review_decision(answer_id, theme_code, id);

-- An answer a reviewer has looked at in full (whatever they decided): the
-- share of answers reviewed is the progress of a review.
CREATE TABLE review_mark (
	answer_id INTEGER PRIMARY KEY REFERENCES answer(id) ON DELETE CASCADE,
	reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
	reviewed_at TEXT NOT NULL            -- UTC
);

-- The decision in force for each answer and theme: the latest.
CREATE VIEW review_latest AS
SELECT d.* FROM review_decision d
WHERE NOT EXISTS (SELECT 1 FROM review_decision n WHERE n.answer_id = d.answer_id
                  AND n.theme_code = d.theme_code AND n.id > d.id);

-- The tags as counted by default: the rules' tags that no decision removed,
-- and the themes a decision accepted or added that the rules do not give.
-- A decision on a theme the current rule set does not have counts nowhere.
-- `decision_id` is the decision in force (NULL: the rules alone). The tags
-- of answers without any decision, nearly all of them, are read straight
-- from the tag table (the uncorrelated NOT IN is worked out once), so
-- counting with a few decisions costs little more than without.
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

-- The SQL layer (0023, docs/sql.md): `tags` now gives the tags as counted,
-- each with its source ('rule' or 'decision') and, at the end, the decision
-- in force (who, when, what); `rule_tags` gives the rules' tags alone, as
-- `analyser counts --rules-only` counts; `review_decisions` every decision
-- ever made, without its reason.
DROP VIEW IF EXISTS tags;
CREATE VIEW tags AS
SELECT e.answer_id,
       e.response_id,
       h.code AS theme,
       e.source,
       t.rule,
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
LEFT JOIN review_decision d ON d.id = e.decision_id;

CREATE VIEW rule_tags AS
SELECT t.answer_id,
       t.response_id,
       h.code AS theme,
       'rule' AS source,
       t.rule,
       t.match_start,
       t.match_end,
       s.sha256 AS ruleset_version,
       s.tagged_at
FROM tag t
JOIN theme h ON h.id = t.theme_id
JOIN ruleset s ON s.id = h.ruleset_id;

CREATE VIEW review_decisions AS
SELECT d.id AS decision_id,
       d.answer_id,
       a.response_id,
       d.theme_code AS theme,
       d.action,
       d.reviewer,
       d.decided_at,
       d.ruleset_sha256 AS ruleset_version,
       CASE WHEN d.id = (SELECT max(n.id) FROM review_decision n WHERE n.answer_id = d.answer_id
                         AND n.theme_code = d.theme_code) THEN 1 ELSE 0 END AS in_force
FROM review_decision d
JOIN answer a ON a.id = d.answer_id;

-- count_inputs counts what `analyser counts` counts by default: the tags
-- with the decisions.
DROP VIEW IF EXISTS count_inputs;
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
JOIN theme h ON h.id = m.theme_id;
