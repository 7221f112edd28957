-- 0016: the local web service (tally-web). Officers' accounts, their
-- sessions in a browser, what they did (the audit), login throttling, and
-- the forms saved from the browser (so that the same form posted twice is
-- stored once). Nothing here holds what a respondent wrote.

-- An officer, supervisor or administrator. `hash` is libsodium's
-- crypto_pwhash_str string (Argon2id, with its salt and costs); the
-- password itself is never stored.
CREATE TABLE account (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin')),
	hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL             -- UTC
);

-- A browser's session. `id_hash` is a hash of the random id the cookie
-- holds, so that reading the database gives no one a working cookie. A
-- session with no account is a login page's, for its form's CSRF token.
-- Times are Unix seconds.
CREATE TABLE web_session (
	id_hash TEXT PRIMARY KEY,
	account_id INTEGER REFERENCES account(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	expires_at INTEGER NOT NULL          -- the absolute limit
) WITHOUT ROWID;
CREATE INDEX web_session_account ON web_session(account_id);

-- Who did what, when, to which object: logins, saves, verifications,
-- resolutions, account changes. Ids and codes only, never answer content.
CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,                    -- UTC
	account TEXT,                        -- the account's name, NULL when none
	address TEXT,                        -- the client's address, NULL from the command line
	action TEXT NOT NULL,                -- 'login', 'login-refused', 'save', ...
	object TEXT                          -- e.g. 'response 12', 'account 3'
);

-- Failed logins counted per account name and per client address
-- ('account' / 'address'), in a window that starts at the first failure.
CREATE TABLE login_throttle (
	kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),
	key TEXT NOT NULL,
	failures INTEGER NOT NULL,
	window_start INTEGER NOT NULL,       -- Unix seconds
	PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- A form saved from the browser, by the token its page carried: a second
-- post of the same page finds it here and is shown the first one's result.
CREATE TABLE web_submission (
	token TEXT PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES account(id),
	response_id INTEGER REFERENCES response(id) ON DELETE SET NULL,
	mode TEXT NOT NULL CHECK (mode IN ('first', 'second')),
	serial TEXT NOT NULL,
	saved_at TEXT NOT NULL               -- UTC
) WITHOUT ROWID;
