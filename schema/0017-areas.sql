-- 0017: areas other than English districts. An exercise may cover regions,
-- nations, health boards or areas outside the UK (docs/exercise-format.md):
-- they are kept in the district tables under their own codes, so the
-- district table's code is any short code, no longer nine characters.
-- SQLite cannot change a CHECK in place: the table is made again, as its
-- ALTER TABLE page says (new table, copy, drop, rename). Migrations run with
-- foreign keys off (common/db.c) and are checked with foreign_key_check
-- before they commit; the tables that refer to district(code) keep their
-- REFERENCES, which name the new table once it is renamed.

CREATE TABLE district_new (
	code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 15 AND
		code NOT GLOB '*[^A-Za-z0-9_-]*'),
	name TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO district_new (code, name) SELECT code, name FROM district;
DROP TABLE district;
ALTER TABLE district_new RENAME TO district;

-- The local authority districts a bigger area includes, so that a postcode
-- the lookup places in a district is counted in its area. One area a
-- district in each exercise. A nation needs no rows: its kind says which
-- districts it holds (collector/area.c).
CREATE TABLE area_member (
	id INTEGER PRIMARY KEY,
	exercise_id INTEGER NOT NULL REFERENCES exercise(id) ON DELETE CASCADE,
	area_code TEXT NOT NULL,             -- an exercise_district code
	district_code TEXT NOT NULL,         -- ONS local authority district
	UNIQUE (exercise_id, district_code)
);
