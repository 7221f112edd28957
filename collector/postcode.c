#include "postcode.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "area.h"
#include "csv.h"
#include "db.h"
#include "fileutil.h"
#include "progress.h"
#include "strbuf.h"
#include "textnorm.h"

/* ---- shape ------------------------------------------------------------ */

/* Outward codes: A9, A99, AA9, AA99, A9A, AA9A. */
static int outward_shape(const char *s, size_t n)
{
	char shape[5];

	if (n < 2 || n > 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		shape[i] = isdigit((unsigned char)s[i]) ? '9' : isupper((unsigned char)s[i]) ? 'A' : '?';
	shape[n] = '\0';
	return !strcmp(shape, "A9") || !strcmp(shape, "A99") || !strcmp(shape, "AA9") ||
	       !strcmp(shape, "AA99") || !strcmp(shape, "A9A") || !strcmp(shape, "AA9A");
}

/* 1 when the string has a byte outside ASCII. */
static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

enum postcode_kind postcode_normalise(const char *in, char out[POSTCODE_MAX])
{
	char s[16], norm[32];
	size_t n = 0;

	out[0] = '\0';
	if (in && has_non_ascii(in)) {
		/*
		 * Fullwidth letters and digits, zero-width characters and every
		 * Unicode space read as their plain forms, as redaction reads them.
		 */
		if (textnorm_copy(in, strlen(in), norm, sizeof norm) < 0)
			return POSTCODE_INVALID;
		in = norm;
	}
	for (; in && *in; in++) {
		unsigned char c = (unsigned char)*in;

		if (c == ' ' || c == '\t')
			continue;
		if (!isalnum(c) || n == sizeof s - 1)
			return POSTCODE_INVALID;
		s[n++] = (char)toupper(c);
	}
	s[n] = '\0';
	/* GIR 0AA (Girobank) is the one postcode outside the shapes; no other GIR is. */
	if (n >= 5 && n <= 7 && isdigit((unsigned char)s[n - 3]) &&
	    isupper((unsigned char)s[n - 2]) && isupper((unsigned char)s[n - 1]) &&
	    (outward_shape(s, n - 3) || strcmp(s, "GIR0AA") == 0)) {
		/* "outward inward": n + 2 <= POSTCODE_MAX bytes. */
		memcpy(out, s, n - 3);
		out[n - 3] = ' ';
		memcpy(out + n - 2, s + n - 3, 4);
		return POSTCODE_FULL;
	}
	if (outward_shape(s, n)) {
		memcpy(out, s, n + 1);
		return POSTCODE_OUTWARD;
	}
	return POSTCODE_INVALID;
}

/* The outward part of a normalised postcode into `out`. */
static void postcode_outward(const char *normalised, char out[POSTCODE_MAX])
{
	size_t n = strcspn(normalised, " ");

	if (n >= POSTCODE_MAX)
		n = POSTCODE_MAX - 1;
	memcpy(out, normalised, n);
	out[n] = '\0';
}

/* ---- resolution ------------------------------------------------------- */

/* A full postcode's lookup, remembered (postcode_resolver_remember()). */
struct postcode_memo {
	char postcode[POSTCODE_MAX]; /* "" when the slot is empty */
	char district[16];
	char area[16];               /* the exercise's area holding it, "" when none */
	int found;                   /* the postcode is in the lookup */
};

/* A district's area in the exercise, remembered while postcodes are (in_area()). */
struct area_memo {
	char district[16];           /* "" when the slot is empty */
	char area[16];
};
#define AREA_MEMO 64

struct postcode_resolver {
	sqlite3 *db;
	long long exercise_id;
	double threshold;
	sqlite3_stmt *full;    /* postcode -> district */
	sqlite3_stmt *shares;  /* outward -> districts by share */
	sqlite3_stmt *in_area; /* the exercise's area that is, or includes, a district */
	char (*nations)[16];   /* the exercise's areas that hold districts by kind */
	size_t nnations, capnations;
	int uk;                /* some area is an ONS one: a UK postcode can be in it */
	struct postcode_memo *memo; /* NULL, or nmemo slots (a power of two) */
	size_t nmemo;
	struct area_memo areas[AREA_MEMO]; /* used only with memo */
};

void postcode_resolver_free(struct postcode_resolver *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->full);
	sqlite3_finalize(r->shares);
	sqlite3_finalize(r->in_area);
	free(r->nations);
	free(r->memo);
	free(r);
}

/*
 * The exercise's areas whose kind holds districts without a list (nations),
 * and whether any area is an ONS area at all.
 */
static int load_areas(struct postcode_resolver *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT district_code FROM exercise_district "
					     "WHERE exercise_id = ?1 ORDER BY position", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->exercise_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const struct area_kind *k = area_kind_of(code);

		r->uk |= area_is_gss(code);
		if (!k || !k->contains)
			continue;
		if (ALLOC_GROW(r->nations, r->nnations + 1, r->capnations) < 0) {
			sqlite3_finalize(st);
			return err_set(e, EXIT_SYSTEM, "out of memory");
		}
		snprintf(r->nations[r->nnations++], sizeof *r->nations, "%s", code);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(r->db, "reading the exercise's areas", e);
}

struct postcode_resolver *postcode_resolver_new(sqlite3 *db, long long exercise_id,
						struct err *e)
{
	struct postcode_resolver *r = calloc(1, sizeof *r);
	sqlite3_stmt *st;
	int rc;

	if (!r) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	r->db = db;
	r->exercise_id = exercise_id;
	r->threshold = 0.8;
	if (!(st = db_prepare(db, "SELECT outward_share_threshold FROM exercise WHERE id = ?1", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, exercise_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r->threshold = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the exercise's outward-code threshold", e);
		goto fail;
	}
	if (!(r->full = db_prepare(db, "SELECT district_code FROM postcode WHERE postcode = ?1", e)) ||
	    !(r->shares = db_prepare(db, "SELECT district_code, share FROM outward_share "
					 "WHERE outward = ?1 ORDER BY share DESC, district_code", e)) ||
	    !(r->in_area = db_prepare(db, "SELECT district_code FROM exercise_district "
					  "WHERE exercise_id = ?1 AND district_code = ?2 UNION ALL "
					  "SELECT area_code FROM area_member WHERE exercise_id = ?1 "
					  "AND district_code = ?2 LIMIT 1", e)))
		goto fail;
	if (load_areas(r, e) < 0)
		goto fail;
	return r;
fail:
	postcode_resolver_free(r);
	return NULL;
}

int postcode_resolver_remember(struct postcode_resolver *r, size_t slots)
{
	size_t n = 1;

	while (n < slots)
		n *= 2;
	free(r->memo);
	r->nmemo = 0;
	memset(r->areas, 0, sizeof r->areas);
	if (!(r->memo = calloc(n, sizeof *r->memo)))
		return -1;
	r->nmemo = n;
	return 0;
}

void postcode_resolver_set_threshold(struct postcode_resolver *r, double threshold)
{
	r->threshold = threshold;
}

/*
 * The exercise's area that `district` is counted in, into `area`: the area
 * itself, the area that includes it, or a nation of the exercise holding it.
 * 1 when there is one, 0 when not ("" in `area`), -1 on failure.
 */
static int in_area(struct postcode_resolver *r, const char *district, char area[16],
		   struct err *e)
{
	struct area_memo *m = NULL;
	int rc;

	area[0] = '\0';
	/* An import asks for the same few districts over and over. */
	if (r->memo && strlen(district) < sizeof m->district) {
		uint32_t h = 2166136261u; /* FNV-1a */

		for (const char *p = district; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		m = &r->areas[h % AREA_MEMO];
		if (m->district[0] && !strcmp(m->district, district)) {
			memcpy(area, m->area, sizeof m->area);
			return area[0] != '\0';
		}
	}
	sqlite3_bind_int64(r->in_area, 1, r->exercise_id);
	sqlite3_bind_text(r->in_area, 2, district, -1, SQLITE_STATIC);
	rc = sqlite3_step(r->in_area);
	if (rc == SQLITE_ROW)
		snprintf(area, 16, "%s", (const char *)sqlite3_column_text(r->in_area, 0));
	sqlite3_reset(r->in_area);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r->db, "looking up a district", e);
	for (size_t i = 0; !area[0] && i < r->nnations; i++)
		if (area_contains(r->nations[i], district))
			snprintf(area, 16, "%s", r->nations[i]);
	if (m) {
		snprintf(m->district, sizeof m->district, "%s", district);
		memcpy(m->area, area, sizeof m->area);
	}
	return area[0] != '\0';
}

static void set(struct postcode_result *out, const char *source, const char *district)
{
	out->source = source;
	snprintf(out->district, sizeof out->district, "%s", district ? district : "");
}

/* Appends a clause to the note, "; " between clauses. */
static void note(struct postcode_result *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct postcode_result *out, const char *fmt, ...)
{
	size_t n = strlen(out->note);
	va_list ap;

	if (n && n < sizeof out->note - 2) {
		memcpy(out->note + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(out->note + n, sizeof out->note - n, fmt, ap);
	va_end(ap);
}

/* The full-postcode step: 1 when it decided, 0 when it did not, -1 on failure. */
static int by_full_postcode(struct postcode_resolver *r, struct postcode_result *out,
			    struct err *e)
{
	struct postcode_memo *m = NULL;
	char district[16] = "", area[16] = "";
	int rc, found;

	if (r->memo) {
		uint32_t h = 2166136261u; /* FNV-1a */

		for (const char *p = out->postcode; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		m = &r->memo[h & (r->nmemo - 1)];
	}
	if (m && !strcmp(m->postcode, out->postcode)) {
		memcpy(district, m->district, sizeof district);
		memcpy(area, m->area, sizeof area);
		found = m->found;
	} else {
		sqlite3_bind_text(r->full, 1, out->postcode, -1, SQLITE_STATIC);
		rc = sqlite3_step(r->full);
		if (rc == SQLITE_ROW)
			snprintf(district, sizeof district, "%s",
				 (const char *)sqlite3_column_text(r->full, 0));
		sqlite3_reset(r->full);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(r->db, "looking up a postcode", e);
		found = rc == SQLITE_ROW;
		if (found && in_area(r, district, area, e) < 0)
			return -1;
		if (m) {
			memcpy(m->postcode, out->postcode, sizeof m->postcode);
			memcpy(m->district, district, sizeof m->district);
			memcpy(m->area, area, sizeof m->area);
			m->found = found;
		}
	}
	if (!found) {
		note(out, "postcode %s is not in the lookup", out->postcode);
		return 0;
	}
	if (*area) {
		set(out, "postcode", area);
		note(out, "postcode %s is in %s%s%s", out->postcode, district,
		     strcmp(area, district) ? ", part of " : "", strcmp(area, district) ? area : "");
	} else {
		set(out, "out-of-area", NULL);
		note(out, "postcode %s is in %s, outside the exercise's districts", out->postcode,
		     district);
	}
	return 1;
}

/* The outward-code step, the last one: it always decides. */
static int by_outward_code(struct postcode_resolver *r, struct postcode_result *out,
			   struct err *e)
{
	char outward[POSTCODE_MAX], top[16] = "", area[16];
	char split[160] = "";
	double top_share = 0;
	size_t n = 0;
	int rc, rows = 0;

	postcode_outward(out->postcode, outward);
	sqlite3_bind_text(r->shares, 1, outward, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(r->shares)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(r->shares, 0);
		double share = sqlite3_column_double(r->shares, 1);

		if (rows++ == 0) {
			snprintf(top, sizeof top, "%s", d);
			top_share = share;
		}
		if (rows <= 3 && n < sizeof split)
			n += (size_t)snprintf(split + n, sizeof split - n, "%s%.0f%% %s",
					      rows > 1 ? ", " : "", share * 100, d);
	}
	sqlite3_reset(r->shares);
	if (rc != SQLITE_DONE)
		return db_fail(r->db, "looking up an outward code", e);
	if (!rows) {
		set(out, "unresolved", NULL);
		note(out, "outward code %s is not in the lookup", outward);
		return 0;
	}
	/* A small tolerance so a share stored as 0.7999999 still counts as 80%. */
	if (top_share + 1e-9 < r->threshold) {
		set(out, "unresolved", NULL);
		note(out, "outward code %s is split (%s%s), below the %.0f%% needed", outward, split,
		     rows > 3 ? ", ..." : "", r->threshold * 100);
		return 0;
	}
	if (in_area(r, top, area, e) < 0)
		return -1;
	set(out, *area ? "outward-code" : "out-of-area", *area ? area : NULL);
	note(out, "outward code %s: %.0f%% of its postcodes are in %s%s%s", outward,
	     top_share * 100, top, *area && strcmp(area, top) ? ", part of " : "",
	     !*area ? ", outside the exercise's districts" : strcmp(area, top) ? area : "");
	return 0;
}

int postcode_resolve(struct postcode_resolver *r, const struct postcode_input *in,
		     struct postcode_result *out, struct err *e)
{
	enum postcode_kind kind = POSTCODE_INVALID;
	int rc;

	memset(out, 0, sizeof *out);
	set(out, "unresolved", NULL);
	if (in->postcode && *in->postcode) {
		kind = postcode_normalise(in->postcode, out->postcode);
		if (kind == POSTCODE_INVALID)
			note(out, "the postcode given is not a UK postcode");
	}
	/* No area of the exercise is in the UK: a UK postcode is outside them all. */
	if (kind != POSTCODE_INVALID && !r->uk) {
		set(out, "out-of-area", NULL);
		note(out, "postcode %s is a UK postcode, and none of the exercise's areas is "
			  "in the UK", out->postcode);
		return 0;
	}
	if (kind == POSTCODE_FULL && (rc = by_full_postcode(r, out, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (in->event_district && *in->event_district) {
		set(out, "event", in->event_district);
		note(out, "collected at an event in %s", in->event_district);
		return 0;
	}
	if (in->ticked_district && *in->ticked_district) {
		char area[16];

		if ((rc = in_area(r, in->ticked_district, area, e)) < 0)
			return -1;
		if (rc) {
			set(out, "ticked", area);
			note(out, "the respondent ticked %s%s%s", in->ticked_district,
			     strcmp(area, in->ticked_district) ? ", part of " : "",
			     strcmp(area, in->ticked_district) ? area : "");
			return 0;
		}
		note(out, "the district ticked is not one of the exercise's");
	}
	if (kind != POSTCODE_INVALID)
		return by_outward_code(r, out, e) < 0 ? -1 : 0;
	if (!out->note[0])
		note(out, "no postcode, event or district given");
	return 0;
}

/* ---- loading ---------------------------------------------------------- */

enum layout { LAYOUT_ONSPD, LAYOUT_SHARES };

struct loader {
	sqlite3 *db;
	const char *path;
	const struct postcode_load_options *opt;
	struct postcode_load_stats *stats;
	struct err *rejects;
	struct err *e;
	enum layout layout;
	int col_pc, col_la, col_share, col_units; /* -1 when absent */
	sqlite3_stmt *put, *clear, *seen;
};

static int column_named(const struct csv_record *h, const char *name)
{
	for (size_t i = 0; i < h->nfields; i++)
		if (strcasecmp(h->fields[i], name) == 0)
			return (int)i;
	return -1;
}

/* ladNNcd, the newer ONSPD name for the local authority column. */
static int lad_column(const struct csv_record *h)
{
	for (size_t i = 0; i < h->nfields; i++) {
		const char *f = h->fields[i];

		if (strlen(f) == 7 && strncasecmp(f, "lad", 3) == 0 && isdigit((unsigned char)f[3]) &&
		    isdigit((unsigned char)f[4]) && strcasecmp(f + 5, "cd") == 0)
			return (int)i;
	}
	return -1;
}

static int find_layout(struct loader *L, const struct csv_record *h)
{
	const char *la = L->opt ? L->opt->district_column : NULL;

	L->col_share = column_named(h, "share");
	L->col_units = column_named(h, "postcode_units");
	if (column_named(h, "outward_code") >= 0 && L->col_share >= 0) {
		L->layout = LAYOUT_SHARES;
		L->stats->layout = "shares";
		L->col_pc = column_named(h, "outward_code");
		L->col_la = la ? column_named(h, la) : column_named(h, "lad_code");
		if (L->col_la < 0)
			L->col_la = column_named(h, "district_code");
	} else {
		L->layout = LAYOUT_ONSPD;
		L->stats->layout = "onspd";
		L->col_pc = column_named(h, "pcds");
		if (L->col_pc < 0)
			L->col_pc = column_named(h, "pcd");
		if (L->col_pc < 0)
			L->col_pc = column_named(h, "pcd8");
		if (L->col_pc < 0)
			L->col_pc = column_named(h, "pcd7");
		if (L->col_pc < 0)
			L->col_pc = column_named(h, "postcode");
		if (la)
			L->col_la = column_named(h, la);
		else if ((L->col_la = column_named(h, "oslaua")) < 0 &&
			 (L->col_la = column_named(h, "laua")) < 0 &&
			 (L->col_la = lad_column(h)) < 0)
			L->col_la = column_named(h, "admin_district_code");
	}
	if (L->col_pc < 0)
		return err_set(L->e, EXIT_DATA,
			       "%s:%ld: no postcode column: expected the ONS Postcode Directory "
			       "layout (pcds and oslaua, laua or ladNNcd) or a share table "
			       "(outward_code, lad_code, share)",
			       L->path, h->line);
	if (L->col_la < 0)
		return err_set(L->e, EXIT_DATA,
			       la ? "%s:%ld: there is no column '%s'"
				  : "%s:%ld: no local authority column (oslaua, laua, ladNNcd or "
				    "lad_code): name it with --district-column%s",
			       L->path, h->line, la ? la : "");
	return 0;
}

static int valid_district(const char *s)
{
	if (strlen(s) != 9 || !isupper((unsigned char)s[0]))
		return 0;
	for (int i = 1; i < 9; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void reject(struct loader *L, long line, const char *fmt, const char *what)
{
	char msg[256];

	snprintf(msg, sizeof msg, fmt, what);
	L->stats->rejected++;
	err_set(L->rejects, EXIT_DATA, "%s:%ld: %s", L->path, line, msg);
}

static int step_done(struct loader *L, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_fail(L->db, "storing postcodes", L->e);
}

static int load_row(struct loader *L, const struct csv_record *rec)
{
	char pc[POSTCODE_MAX];
	const char *la, *raw;
	enum postcode_kind kind;
	size_t need = (size_t)(L->col_pc > L->col_la ? L->col_pc : L->col_la);

	L->stats->rows++;
	if (L->layout == LAYOUT_SHARES && (size_t)L->col_share > need)
		need = (size_t)L->col_share;
	if (rec->nfields <= need) {
		reject(L, rec->line, "%s", "the row has too few columns");
		return 0;
	}
	raw = rec->fields[L->col_pc];
	la = rec->fields[L->col_la];
	kind = postcode_normalise(raw, pc);
	if (L->layout == LAYOUT_ONSPD && kind != POSTCODE_FULL) {
		reject(L, rec->line, "'%.40s' is not a full UK postcode", raw);
		return 0;
	}
	if (L->layout == LAYOUT_SHARES && kind != POSTCODE_OUTWARD) {
		reject(L, rec->line, "'%.40s' is not an outward code", raw);
		return 0;
	}
	if (!*la) {
		L->stats->skipped++; /* non-geographic postcodes have no district */
		return 0;
	}
	if (!valid_district(la)) {
		reject(L, rec->line, "'%.40s' is not an ONS district code", la);
		return 0;
	}
	if (L->layout == LAYOUT_ONSPD) {
		sqlite3_bind_text(L->put, 1, pc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(L->put, 2, la, -1, SQLITE_TRANSIENT);
	} else {
		char *end;
		double share;
		long long units = -1;

		errno = 0;
		share = strtod(rec->fields[L->col_share], &end);
		if (errno || end == rec->fields[L->col_share] || *end || !(share >= 0 && share <= 1)) {
			reject(L, rec->line, "share '%.40s' is not a number from 0 to 1",
			       rec->fields[L->col_share]);
			return 0;
		}
		if (L->col_units >= 0 && (size_t)L->col_units < rec->nfields)
			units = strtoll(rec->fields[L->col_units], NULL, 10);
		/* The first row of an outward code replaces what the lookup had for it. */
		sqlite3_bind_text(L->seen, 1, pc, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(L->seen) == SQLITE_DONE && sqlite3_changes(L->db) > 0) {
			sqlite3_reset(L->seen);
			sqlite3_bind_text(L->clear, 1, pc, -1, SQLITE_TRANSIENT);
			if (step_done(L, L->clear) < 0)
				return -1;
		} else {
			sqlite3_reset(L->seen);
		}
		sqlite3_bind_text(L->put, 1, pc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(L->put, 2, la, -1, SQLITE_TRANSIENT);
		if (units >= 0)
			sqlite3_bind_int64(L->put, 3, units);
		else
			sqlite3_bind_null(L->put, 3);
		sqlite3_bind_double(L->put, 4, share);
	}
	if (step_done(L, L->put) < 0)
		return -1;
	L->stats->loaded++;
	return 0;
}

/* Outward shares counted from the full postcodes, where no table gave them. */
static int derive_shares(struct loader *L)
{
	long long n = 0;

	if (db_exec(L->db,
		    "DELETE FROM outward_share WHERE source = 'derived';"
		    "INSERT INTO outward_share (outward, district_code, postcodes, share, source) "
		    "SELECT o.outward, o.district_code, o.n, CAST(o.n AS REAL) / t.total, 'derived' "
		    "FROM (SELECT substr(postcode, 1, instr(postcode, ' ') - 1) AS outward, "
		    "      district_code, count(*) AS n FROM postcode GROUP BY 1, 2) o "
		    "JOIN (SELECT substr(postcode, 1, instr(postcode, ' ') - 1) AS outward, "
		    "      count(*) AS total FROM postcode GROUP BY 1) t ON t.outward = o.outward "
		    "WHERE o.outward NOT IN (SELECT outward FROM outward_share WHERE source = 'table')",
		    "counting outward-code shares", L->e) < 0)
		return -1;
	if (db_int(L->db, "SELECT count(DISTINCT outward) FROM outward_share WHERE source = 'derived'",
		   0, &n, L->e, 0) < 0)
		return -1;
	L->stats->derived_outward = (long)n;
	return 0;
}

static int record_source(struct loader *L)
{
	char sha[SHA256_HEX_LEN + 1];
	sqlite3_stmt *st;
	int rc;

	if (file_sha256(L->path, sha, L->e) < 0)
		return -1;
	if (!(st = db_prepare(L->db, "INSERT INTO postcode_source (file_name, layout, sha256, rows, "
				     "loaded_at) VALUES (?1, ?2, ?3, ?4, "
				     "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", L->e)))
		return -1;
	sqlite3_bind_text(st, 1, file_base(L->path), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, L->stats->layout, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, L->stats->loaded);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(L->db, "storing postcodes", L->e);
}

int postcode_load(sqlite3 *db, const char *path, const struct postcode_load_options *opt,
		  struct postcode_load_stats *stats, struct err *rejects, struct err *e)
{
	struct loader L = { db, path, opt, stats, rejects, e, LAYOUT_ONSPD, -1, -1, -1, -1,
			    NULL, NULL, NULL };
	struct csv_reader *csv;
	struct csv_record rec;
	struct progress prog;
	struct err rowerr;
	int rc, ok = -1;

	memset(stats, 0, sizeof *stats);
	if (!(csv = csv_reader_open(path, &(struct csv_options){ .max_bytes = POSTCODE_MAX_FILE },
				    e)))
		return -1;
	rc = csv_read(csv, &rec, e);
	if (rc != CSV_RECORD) {
		if (rc == CSV_EOF)
			err_set(e, EXIT_DATA, "%s: the file is empty", path);
		goto out;
	}
	if (find_layout(&L, &rec) < 0)
		goto out;
	if (db_begin(db, e) < 0)
		goto out;
	if (L.layout == LAYOUT_ONSPD) {
		L.put = db_prepare(db, "INSERT OR REPLACE INTO postcode (postcode, district_code) "
				       "VALUES (?1, ?2)", e);
	} else {
		L.put = db_prepare(db, "INSERT OR REPLACE INTO outward_share (outward, district_code, "
				       "postcodes, share, source) VALUES (?1, ?2, ?3, ?4, 'table')", e);
		if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS seen_outward (outward TEXT PRIMARY "
				"KEY); DELETE FROM temp.seen_outward", "loading postcodes", e) < 0)
			goto rollback;
		L.seen = db_prepare(db, "INSERT OR IGNORE INTO temp.seen_outward VALUES (?1)", e);
		L.clear = db_prepare(db, "DELETE FROM outward_share WHERE outward = ?1", e);
		if (!L.seen || !L.clear)
			goto rollback;
	}
	if (!L.put)
		goto rollback;
	progress_start(&prog, opt && opt->progress, path, file_size(path));
	err_init(&rowerr);
	while ((rc = csv_read(csv, &rec, &rowerr)) != CSV_EOF) {
		if (rc == CSV_FATAL) {
			/* The file cannot be trusted past this point: nothing is loaded. */
			err_set(e, rowerr.code, "%s", err_first(&rowerr));
			progress_end(&prog);
			goto rollback;
		}
		if (rc == CSV_BAD) {
			stats->rows++;
			stats->rejected++;
			err_set(rejects, EXIT_DATA, "%s", err_first(&rowerr));
			err_init(&rowerr);
			continue;
		}
		if (load_row(&L, &rec) < 0) {
			progress_end(&prog);
			goto rollback;
		}
		if ((stats->rows & 0x3fff) == 0)
			progress_update(&prog, stats->rows, (long long)csv_bytes_read(csv));
	}
	progress_end(&prog);
	if (opt && opt->strict && stats->rejected) {
		err_set(e, EXIT_DATA, "%s: %ld rows rejected and --strict given: nothing loaded",
			path, stats->rejected);
		goto rollback;
	}
	if (L.layout == LAYOUT_ONSPD && derive_shares(&L) < 0)
		goto rollback;
	if (L.layout == LAYOUT_SHARES &&
	    db_exec(db, "DELETE FROM temp.seen_outward", "loading postcodes", e) < 0)
		goto rollback;
	if (record_source(&L) < 0 || db_commit(db, e) < 0)
		goto rollback;
	ok = 0;
	goto out;
rollback:
	db_rollback(db);
out:
	sqlite3_finalize(L.put);
	sqlite3_finalize(L.seen);
	sqlite3_finalize(L.clear);
	csv_reader_free(csv);
	return ok;
}
