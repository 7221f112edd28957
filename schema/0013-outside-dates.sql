-- 0013: responses dated outside their exercise's opens..closes (a 2021 date
-- in a 2019 exercise, a survey tool's 1980-01-01 placeholder). They are kept
-- and flagged, so nothing is lost; counts and reports can leave them out
-- (--within-dates). Responses already stored are flagged here.

ALTER TABLE response ADD COLUMN outside_dates INTEGER NOT NULL DEFAULT 0
	CHECK (outside_dates = 0 OR outside_dates = 1);

UPDATE response SET outside_dates = 1
WHERE submitted_at IS NOT NULL AND submitted_at <> '' AND EXISTS (
	SELECT 1 FROM exercise x WHERE x.id = response.exercise_id AND
		(substr(response.submitted_at, 1, 10) < x.opens OR
		 substr(response.submitted_at, 1, 10) > x.closes));
