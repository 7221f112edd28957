-- 0009: each tag also says its answer's response and question, so counting
-- respondents by theme reads the tag table alone instead of looking up
-- every tagged answer (ten times faster on a million responses). They are
-- copies of answer.response_id and answer.question_id, written with the tag.

ALTER TABLE tag ADD COLUMN response_id INTEGER;
ALTER TABLE tag ADD COLUMN question_id INTEGER;
UPDATE tag SET
	response_id = (SELECT a.response_id FROM answer a WHERE a.id = tag.answer_id),
	question_id = (SELECT a.question_id FROM answer a WHERE a.id = tag.answer_id);

-- What counting needs of each response, in id order, without reading the
-- wide rows: the covering index makes the pass over a million responses a
-- scan of a few megabytes.
CREATE INDEX response_counts ON response(exercise_id, id, entry_status, district_code,
	district_source, channel, form_variant, event_id);

-- A tag written without them (by hand, or by an older program) gets them.
CREATE TRIGGER tag_response AFTER INSERT ON tag WHEN NEW.response_id IS NULL
BEGIN
	UPDATE tag SET
		response_id = (SELECT a.response_id FROM answer a WHERE a.id = NEW.answer_id),
		question_id = (SELECT a.question_id FROM answer a WHERE a.id = NEW.answer_id)
	WHERE answer_id = NEW.answer_id AND theme_id = NEW.theme_id;
END;
