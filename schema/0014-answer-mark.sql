-- 0014: a tag run reads the answers past the last one it read
-- (ruleset.last_answer_id), which holds only while no new answer gets an id
-- at or below that mark. SQLite gives a new row the largest id plus one, so
-- deleting the answers with the largest ids (an erasure, a replaced edit, a
-- settled double entry) would let the next answers take ids the rule set
-- counts as read: they would never be tagged, and counts would not say so.
-- When the largest id goes, the mark comes down to the largest id left:
-- every answer at or below it is still there and was read.

CREATE TRIGGER answer_mark_follows_delete AFTER DELETE ON answer
WHEN OLD.id > (SELECT coalesce(max(id), 0) FROM answer)
BEGIN
	UPDATE ruleset SET last_answer_id = (SELECT coalesce(max(id), 0) FROM answer)
	WHERE last_answer_id > (SELECT coalesce(max(id), 0) FROM answer);
END;

-- Databases where it happened already: nothing marks the answers then, but a
-- mark above every answer that exists is brought down, as above.
UPDATE ruleset SET last_answer_id = (SELECT coalesce(max(id), 0) FROM answer)
WHERE last_answer_id > (SELECT coalesce(max(id), 0) FROM answer);
