-- 0030: the compiled rule sets `analyser tag` keeps (docs/rules-format.md,
-- "The compiled rules cache").
--
-- Tagging a small data set was mostly start-up: reading the patterns for
-- the prefilter, compiling its Vectorscan database and running the rule
-- set's examples. Once a rule set's examples have all passed, its prefilter
-- is kept here, keyed by the SHA-256 of everything it depends on: the rules
-- file's bytes, the rule-reading code (a hash of its source), the program's
-- and schema's versions, PCRE2's and Vectorscan's versions and the
-- processor's features. A row is only used when its checksum matches; a
-- damaged or stale one is compiled again and replaced. It holds no answer
-- or respondent data, and deleting rows only makes the next run slower.

CREATE TABLE rules_cache (
	key TEXT PRIMARY KEY,             -- SHA-256 (hex) of what the entry depends on
	rules_sha256 TEXT NOT NULL,       -- the rule-set version: SHA-256 of the file
	file_name TEXT NOT NULL,          -- the rules file's name, for people
	prefilter BLOB NOT NULL,          -- the whole prefilter, its Vectorscan database included
	                                  -- (analyser/prefilter_save.c)
	checksum TEXT NOT NULL,           -- SHA-256 (hex) of key and prefilter together
	made_at TEXT NOT NULL             -- UTC
);
