-- 0008: erasures (UK GDPR). When a respondent asks for their response to be
-- erased, `collector erase` deletes it with everything that hangs off it
-- and records here that it happened: when, who did it, which response and
-- by which identifier. Nothing of what the person said is kept.

CREATE TABLE erasure (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id),
	response_id INTEGER NOT NULL,        -- no longer in response
	identified_by TEXT NOT NULL
		CHECK (identified_by = 'response' OR identified_by = 'external-id' OR
			identified_by = 'serial'),
	identifier TEXT NOT NULL,            -- as given: the id, external id or serial
	external_id TEXT,                    -- the survey tool's id, so a later import skips it
	erased_by TEXT NOT NULL,
	reason TEXT,                         -- e.g. "request by e-mail, ref 2019/041"
	answers INTEGER NOT NULL,            -- how many rows went, for the record
	tags INTEGER NOT NULL,
	rejects INTEGER NOT NULL,
	erased_at TEXT NOT NULL              -- UTC
);
CREATE INDEX erasure_external ON erasure(exercise_id, external_id) WHERE external_id IS NOT NULL;
