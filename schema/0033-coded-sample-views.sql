-- 0033: the hand-coded samples kept in the database (0028, docs/review.md)
-- in the SQL layer analysts query (docs/sql.md), so that the coders' codes
-- can be compared with the tags in sqlite3, R or pandas. The coders' notes
-- are left out, as the reviewers' reasons are: they are free text about an
-- answer and may quote it. `has_note` only says whether there is one. It
-- changes no table.

DROP VIEW IF EXISTS coded_samples;
DROP VIEW IF EXISTS coded_sample_responses;
DROP VIEW IF EXISTS coded_sample_codes;

-- One row per stored sample. `current_rules` is 1 when its codes were
-- checked against the rule set the exercise is tagged with now.
CREATE VIEW coded_samples AS
SELECT c.id AS sample_id,
       x.code AS exercise,
       c.name AS sample,
       c.source AS file,
       c.loaded_by,
       c.loaded_at,
       c.ruleset_sha256 AS ruleset_version,
       CASE WHEN c.ruleset_sha256 = (SELECT s.sha256 FROM ruleset s
                                     WHERE s.exercise_id = c.exercise_id) THEN 1 ELSE 0 END
           AS current_rules,
       (SELECT count(*) FROM coded_sample_response r WHERE r.sample_id = c.id) AS responses
FROM coded_sample c
JOIN exercise x ON x.id = c.exercise_id;

-- One row per response a sample codes, with or without a theme (a response
-- coded with none is the coder saying no theme applies).
CREATE VIEW coded_sample_responses AS
SELECT r.sample_id,
       c.name AS sample,
       r.response_id,
       r.line,
       CASE WHEN r.note IS NOT NULL AND r.note <> '' THEN 1 ELSE 0 END AS has_note,
       (SELECT count(*) FROM coded_sample_code k WHERE k.sample_id = r.sample_id
        AND k.response_id = r.response_id) AS codes
FROM coded_sample_response r
JOIN coded_sample c ON c.id = r.sample_id;

-- One row per response and theme the sample gives it, as compared with the
-- tags: each theme the coder gave and every theme above it.
CREATE VIEW coded_sample_codes AS
SELECT k.sample_id,
       c.name AS sample,
       k.response_id,
       k.theme_code AS theme
FROM coded_sample_code k
JOIN coded_sample c ON c.id = k.sample_id;
