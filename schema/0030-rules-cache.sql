-- 0030: the compiled rule sets `analyser tag` keeps (docs/rules-format.md,
-- "The compiled rules cache").
--
-- Tagging a small data set was mostly start-up: compiling the prefilter's
-- Vectorscan database and running the rule set's examples. Once a rule
-- set's examples have all passed and its prefilter is compiled, both facts
-- are kept here, keyed by the SHA-256 of everything they depend on: the
-- rules file's bytes, the program's version, PCRE2's and Vectorscan's
-- versions, the processor's features, and the prefilter's pieces. A row is
-- only trusted when its checksum matches; a damaged or stale one is
-- compiled again and replaced. It holds no answer or respondent data, and
-- deleting rows (or the table's contents) only makes the next run slower.

CREATE TABLE rules_cache (
	key TEXT PRIMARY KEY,             -- SHA-256 (hex) of what the entry depends on
	rules_sha256 TEXT NOT NULL,       -- the rule-set version: SHA-256 of the file
	file_name TEXT NOT NULL,          -- the rules file's name, for people
	prefilter BLOB,                   -- the serialized Vectorscan database; NULL: none needed
	checksum TEXT NOT NULL,           -- SHA-256 (hex) of key and prefilter together
	made_at TEXT NOT NULL             -- UTC
) WITHOUT ROWID;
