-- 0025: how far two coders agreed when each coded the same sample by hand
-- (`analyser agree --store`, docs/agreement.md). The report's "How we
-- counted" says it: the ceiling the rules' agreement with a coder is
-- judged against. Only counts are kept, never which responses were coded.
--
-- One row a stored run; the report reads the newest of its exercise.
-- pooled_kappa and agreement are over the summed tables of the themes
-- listed (a coder gave them at least once); mean_kappa is the mean of those
-- themes' kappas where kappa is defined (mean_themes of them). A NULL kappa
-- is undefined: no variation.
CREATE TABLE coder_agreement (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	stored_at TEXT NOT NULL,             -- UTC
	coder_a TEXT NOT NULL,               -- the gold files, as named on the command line
	coder_b TEXT NOT NULL,
	ruleset_sha256 TEXT NOT NULL,        -- the rule set whose themes were compared
	responses INTEGER NOT NULL CHECK (responses >= 0),  -- coded by both
	only_one INTEGER NOT NULL CHECK (only_one >= 0),    -- coded by one coder, left out
	themes INTEGER NOT NULL CHECK (themes >= 0),        -- themes listed
	agreement REAL,                      -- pooled share of decisions agreed, 0 to 1
	pooled_kappa REAL,
	mean_kappa REAL,
	mean_themes INTEGER NOT NULL CHECK (mean_themes >= 0)
);
CREATE INDEX coder_agreement_exercise ON coder_agreement(exercise_id);

-- Each listed theme's table: both gave it, only A, only B, neither.
CREATE TABLE coder_agreement_theme (
	agreement_id INTEGER NOT NULL REFERENCES coder_agreement(id) ON DELETE CASCADE,
	theme TEXT NOT NULL,                 -- the theme's code
	both_coders INTEGER NOT NULL,
	a_only INTEGER NOT NULL,
	b_only INTEGER NOT NULL,
	neither INTEGER NOT NULL,
	PRIMARY KEY (agreement_id, theme)
) WITHOUT ROWID;
