-- 0001: the exercise and what it defines: districts, events, questionnaires
-- (standard and Easy Read), questions, options, and the Easy Read mapping.
-- Loaded from an exercise definition file by `collector init`.

CREATE TABLE exercise (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	organisation TEXT,
	description TEXT,
	opens TEXT NOT NULL,                 -- ISO date
	closes TEXT NOT NULL,                -- ISO date
	double_entry TEXT NOT NULL DEFAULT 'optional'
		CHECK (double_entry IN ('optional', 'required')),
	outward_share_threshold REAL NOT NULL DEFAULT 0.8
		CHECK (outward_share_threshold BETWEEN 0.5 AND 1.0),
	definition_file TEXT NOT NULL DEFAULT '',   -- base name of the file last loaded
	definition_sha256 TEXT NOT NULL DEFAULT '', -- of that file's bytes
	loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) -- UTC
);

-- ONS local authority districts; shared by every exercise in the file.
CREATE TABLE district (
	code TEXT PRIMARY KEY CHECK (length(code) = 9),
	name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE exercise_district (
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	district_code TEXT NOT NULL REFERENCES district(code),
	position INTEGER NOT NULL,
	PRIMARY KEY (exercise_id, district_code)
) WITHOUT ROWID;

CREATE TABLE event (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	kind TEXT NOT NULL
		CHECK (kind IN ('listening-event', 'roadshow', 'staff-event', 'other')),
	title TEXT NOT NULL,
	venue TEXT NOT NULL,
	town TEXT,
	held_on TEXT NOT NULL,               -- ISO date
	district_code TEXT NOT NULL REFERENCES district(code),
	UNIQUE (exercise_id, code)
);

CREATE TABLE questionnaire (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	variant TEXT NOT NULL CHECK (variant IN ('standard', 'easy-read')),
	code TEXT NOT NULL,
	title TEXT NOT NULL,
	UNIQUE (exercise_id, variant)
);

CREATE TABLE question (
	id INTEGER PRIMARY KEY,
	questionnaire_id INTEGER NOT NULL REFERENCES questionnaire(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	position INTEGER NOT NULL,           -- order on the form, from 1
	type TEXT NOT NULL CHECK (type IN ('free-text', 'single-choice',
		'multiple-choice', 'scale', 'postcode', 'demographic')),
	polarity TEXT NOT NULL DEFAULT 'none'
		CHECK (polarity IN ('works-well', 'could-be-better', 'none')),
	topic TEXT,
	text TEXT NOT NULL,
	help TEXT,
	scale_min INTEGER,
	scale_max INTEGER,
	-- Easy Read questions only: the standard question this one stands for.
	maps_to INTEGER REFERENCES question(id),
	UNIQUE (questionnaire_id, code),
	CHECK ((type = 'scale') = (scale_min IS NOT NULL AND scale_max IS NOT NULL)),
	CHECK (scale_min IS NULL OR scale_min < scale_max)
);

CREATE TABLE question_option (
	id INTEGER PRIMARY KEY,
	question_id INTEGER NOT NULL REFERENCES question(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	position INTEGER NOT NULL,
	label TEXT NOT NULL,
	picture TEXT,                        -- Easy Read: what the picture shows
	-- Easy Read options only: the standard option this one stands for.
	maps_to INTEGER REFERENCES question_option(id),
	UNIQUE (question_id, code)
);

CREATE INDEX question_maps_to ON question(maps_to) WHERE maps_to IS NOT NULL;
CREATE INDEX option_maps_to ON question_option(maps_to) WHERE maps_to IS NOT NULL;
