-- 0031: the covering index the counts read the responses from also holds
-- when each response was made and whether it is dated outside the exercise,
-- so the export's note of the dates responses span (the first and last
-- submitted_at) and counts within the exercise's dates read the index
-- alone, not every response's row: at a million responses that was half a
-- second of an export. No new B-tree a response: the same index, wider.
DROP INDEX response_counts;
CREATE INDEX response_counts ON response(exercise_id, id, entry_status, district_code,
	district_source, channel, form_variant, event_id, outside_dates, submitted_at);
