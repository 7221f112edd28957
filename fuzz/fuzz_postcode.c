/*
 * fuzz_postcode: the postcode lookup loader (postcode_load: the ONSPD/NSPL
 * layout or an outward-share table) and the resolver (postcode_resolve,
 * postcode_normalise), collector/postcode.c.
 *
 * Input: a lookup file, then (after a NUL byte) postcodes to resolve, one a
 * line, each perhaps followed by a tab and the event's district and a tab
 * and the ticked district. The file is loaded into a fresh database that
 * holds one exercise over three districts. Checked:
 *   - a load that fails says why, and one that succeeds accounts for every
 *     row (loaded + skipped + rejected = rows), stores only normalised full
 *     postcodes and outward codes, and shares from 0 to 1;
 *   - postcode_normalise() gives an upper-case "OUTWARD INWARD" or
 *     "OUTWARD", and normalising that again gives the same;
 *   - the resolver answers every line with a known source, a district only
 *     where the source has one, and the normalised postcode;
 *   - the same postcode written in fullwidth characters with zero-width and
 *     no-break spaces resolves to the same district, source and postcode.
 */
#include <assert.h>
#include <sqlite3.h>

#include "db.h"
#include "fuzz.h"
#include "postcode.h"

#define MAX_LINES 64

static sqlite3 *template_db;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;

	(void)argc;
	(void)argv;
	err_init(&e);
	if (sqlite3_open(":memory:", &template_db) != SQLITE_OK ||
	    db_migrate_to(template_db, ":memory:", db_schema_version(), &e) < 0 ||
	    sqlite3_exec(template_db,
			 "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
			 "(1, 'x', 'X', '2019-06-03', '2019-08-25');"
			 "INSERT INTO district VALUES ('E07000199', 'Tamworth'), "
			 "('E07000195', 'Newcastle-under-Lyme'), ('E07000194', 'Lichfield');"
			 "INSERT INTO exercise_district VALUES (1, 'E07000199', 1), "
			 "(1, 'E07000195', 2), (1, 'E07000194', 3);"
			 "INSERT INTO postcode VALUES ('B79 7AA', 'E07000199'), "
			 "('ST7 2AB', 'E06000049');"
			 "INSERT INTO outward_share (outward, district_code, share, source) VALUES "
			 "('B79', 'E07000199', 0.9, 'table'), ('ST7', 'E07000195', 0.5162, 'table'), "
			 "('ST7', 'E06000049', 0.4513, 'table');",
			 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "fuzz_postcode: cannot make the database: %s %s\n", err_first(&e),
			sqlite3_errmsg(template_db));
		abort();
	}
	return 0;
}

/* A copy of the template database, foreign keys on as the programs have them. */
static sqlite3 *fresh_db(void)
{
	sqlite3 *db = NULL;
	sqlite3_backup *bk;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK || !(bk = sqlite3_backup_init(db, "main",
										   template_db, "main")))
		abort();
	if (sqlite3_backup_step(bk, -1) != SQLITE_DONE || sqlite3_backup_finish(bk) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return db;
}

static long long count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	assert(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
	assert(sqlite3_step(st) == SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every code the query gives is normalised already, of this kind. */
static void check_stored(sqlite3 *db, const char *sql, enum postcode_kind kind)
{
	sqlite3_stmt *st;

	assert(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *pc = (const char *)sqlite3_column_text(st, 0);
		char again[POSTCODE_MAX];

		assert(pc && postcode_normalise(pc, again) == kind && !strcmp(again, pc));
	}
	sqlite3_finalize(st);
}

/* The shape postcode_normalise() promises, and that it is its own fixed point. */
static void check_normalised(enum postcode_kind k, const char *pc)
{
	char again[POSTCODE_MAX];
	size_t n = strlen(pc);

	if (k == POSTCODE_INVALID) {
		assert(n == 0);
		return;
	}
	assert(n >= 2 && n < POSTCODE_MAX);
	for (size_t i = 0; i < n; i++)
		assert((pc[i] >= 'A' && pc[i] <= 'Z') || (pc[i] >= '0' && pc[i] <= '9') ||
		       (pc[i] == ' ' && k == POSTCODE_FULL && i == n - 4));
	assert(k != POSTCODE_FULL || pc[n - 4] == ' ');
	assert(postcode_normalise(pc, again) == k);
	assert(!strcmp(again, pc));
}

/* "ST4 6QG" as fullwidth letters and digits, zero-width spaces between, a no-break space. */
static void disguise(const char *pc, char *out)
{
	size_t o = 0;

	for (; *pc; pc++) {
		if (*pc == ' ') {
			memcpy(out + o, "\xC2\xA0", 2);
			o += 2;
			continue;
		}
		/* U+FF01..U+FF5E are ASCII 0x21..0x7E */
		unsigned cp = 0xFF00u + (unsigned)(*pc - 0x20);

		out[o++] = (char)(0xE0 | cp >> 12);
		out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[o++] = (char)(0x80 | (cp & 0x3F));
		memcpy(out + o, "\xE2\x80\x8B", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int known_source(const char *s)
{
	static const char *const v[] = { "postcode", "event", "ticked", "outward-code",
					 "out-of-area", "unresolved" };

	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

static void resolve_lines(sqlite3 *db, char *lines)
{
	struct postcode_resolver *r;
	struct err e;
	char *p = lines;

	err_init(&e);
	r = postcode_resolver_new(db, 1, &e);
	assert(r != NULL);
	for (int i = 0; p && i < MAX_LINES; i++) {
		char *nl = strchr(p, '\n'), *f[3] = { p, NULL, NULL };
		struct postcode_input in;
		struct postcode_result res, res2;
		char pc[POSTCODE_MAX], disguised[POSTCODE_MAX * 8];
		enum postcode_kind k;

		if (nl)
			*nl = '\0';
		for (int j = 1; j < 3; j++) {
			char *tab = f[j - 1] ? strchr(f[j - 1], '\t') : NULL;

			if (tab) {
				*tab = '\0';
				f[j] = tab + 1;
			}
		}
		k = postcode_normalise(f[0], pc);
		check_normalised(k, pc);

		in = (struct postcode_input){ f[0], f[1], f[2] };
		assert(postcode_resolve(r, &in, &res, &e) == 0);
		assert(known_source(res.source));
		assert(!strcmp(res.postcode, pc));
		assert(strlen(res.note) < sizeof res.note);
		if (!strcmp(res.source, "unresolved") || !strcmp(res.source, "out-of-area"))
			assert(res.district[0] == '\0');
		else
			assert(res.district[0] != '\0');

		if (k != POSTCODE_INVALID) {
			disguise(pc, disguised);
			in.postcode = disguised;
			assert(postcode_resolve(r, &in, &res2, &e) == 0);
			assert(!strcmp(res.source, res2.source));
			assert(!strcmp(res.district, res2.district));
			assert(!strcmp(res.postcode, res2.postcode));
		}
		p = nl ? nl + 1 : NULL;
	}
	postcode_resolver_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	struct fuzz_file f;
	struct postcode_load_options opt = { NULL, 0, 0 };
	struct postcode_load_stats st;
	struct err rejects, e;
	sqlite3 *db;
	int rc;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	db = fresh_db();
	opt.strict = alen > 0 && (a[alen - 1] & 1);
	fuzz_file_make(&f, "postcodes.csv", a, alen);
	err_init(&rejects);
	err_init(&e);
	rc = postcode_load(db, f.path, &opt, &st, &rejects, &e);
	fuzz_file_drop(&f);
	if (rc < 0) {
		assert(err_isset(&e) && err_first(&e)[0] != '\0');
		assert(sqlite3_get_autocommit(db));
	} else {
		assert(rc == 0);
		assert(st.loaded + st.skipped + st.rejected == st.rows);
		assert(!opt.strict || st.rejected == 0);
		check_stored(db, "SELECT postcode FROM postcode", POSTCODE_FULL);
		/* "GIR" is counted from GIR 0AA, the one postcode outside the shapes */
		check_stored(db, "SELECT outward FROM outward_share WHERE outward <> 'GIR'",
			     POSTCODE_OUTWARD);
		assert(count(db, "SELECT count(*) FROM outward_share WHERE share < 0 OR share > 1") ==
		       0);
	}
	if (b) {
		char *lines = fuzz_strndup(b, blen);

		resolve_lines(db, lines);
		free(lines);
	}
	sqlite3_close(db);
	return 0;
}
