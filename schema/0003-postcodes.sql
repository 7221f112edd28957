-- 0003: postcode lookup. Full postcodes (from the ONS Postcode Directory or
-- a derived extract) and outward codes with the share of their postcodes in
-- each district, so split outward codes such as ST7 or B79 are resolved only
-- when the share is decisive.

CREATE TABLE postcode (
	postcode TEXT PRIMARY KEY,           -- normalised: "ST1 1AF"
	district_code TEXT NOT NULL          -- ONS code, any district in the UK
) WITHOUT ROWID;

CREATE TABLE outward_share (
	outward TEXT NOT NULL,               -- "ST7"
	district_code TEXT NOT NULL,
	postcodes INTEGER,                   -- how many postcodes, when known
	share REAL NOT NULL CHECK (share >= 0 AND share <= 1),
	-- 'table': loaded from a share table; 'derived': counted from the
	-- full postcodes loaded. A table's figures are never replaced by derived ones.
	source TEXT NOT NULL CHECK (source IN ('table', 'derived')),
	PRIMARY KEY (outward, district_code)
) WITHOUT ROWID;

CREATE TABLE postcode_source (
	id INTEGER PRIMARY KEY,
	file_name TEXT NOT NULL,
	layout TEXT NOT NULL CHECK (layout IN ('onspd', 'shares')),
	sha256 TEXT NOT NULL,
	rows INTEGER NOT NULL,
	loaded_at TEXT NOT NULL
);
