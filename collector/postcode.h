/*
 * postcode.h: UK postcodes, and finding a response's district.
 *
 * A response's district comes from, in the brief's order of trust: a full
 * postcode found in the lookup; the event where it was collected; a district
 * the respondent ticked; the postcode's outward code, only when one district
 * holds a decisive share of it (the exercise's outward-share-threshold,
 * 0.8 by default). How it was found, or why it was not, is kept in words.
 *
 * "District" here is the exercise's area (collector/area.h): a postcode the
 * lookup places in a local authority district is counted in the area that
 * is that district, includes it (area_member), or holds it by kind (a
 * nation). When no area is an ONS one (areas outside the UK), any UK
 * postcode is outside them: their responses are placed by event or tick.
 */
#ifndef TALLY_POSTCODE_H
#define TALLY_POSTCODE_H

#include <sqlite3.h>

#include "err.h"

enum postcode_kind {
	POSTCODE_INVALID, /* not the shape of a UK postcode */
	POSTCODE_OUTWARD, /* outward code only: "ST7" */
	POSTCODE_FULL,    /* "ST7 2AB" */
};

#define POSTCODE_MAX 9 /* "AA9A 9AA" and its NUL */
#define POSTCODE_MAX_FILE (4ULL << 30) /* bytes of a lookup file, checked before reading */

/*
 * Normalises `in` (any case, any spaces) into `out` ("ST7 2AB", "ST7")
 * and says what it is. `out` is set to "" for POSTCODE_INVALID. `in` is
 * read as redaction reads text (common/textnorm.h): fullwidth letters and
 * digits are plain ones, zero-width characters are dropped, and no-break
 * and other Unicode spaces are spaces.
 */
enum postcode_kind postcode_normalise(const char *in, char out[POSTCODE_MAX]);

struct postcode_input {
	const char *postcode;        /* as given, may be NULL */
	const char *event_district;  /* area code of the event, may be NULL */
	const char *ticked_district; /* area or district code ticked, may be NULL */
};

struct postcode_result {
	char district[16];           /* the exercise's area code, "" when none */
	const char *source;          /* postcode, event, ticked, outward-code, out-of-area, unresolved */
	char postcode[POSTCODE_MAX]; /* normalised, "" when none or invalid */
	char note[256];              /* how it was resolved, or why not */
};

struct postcode_resolver;

/*
 * A resolver for one exercise: its districts, its threshold, and prepared
 * lookups. Free with postcode_resolver_free(). NULL with `e` set on failure.
 */
struct postcode_resolver *postcode_resolver_new(sqlite3 *db, long long exercise_id,
						struct err *e);

/*
 * Remembers up to about `slots` full-postcode lookups, for a caller that
 * resolves many inside one transaction (an import), where the lookup and
 * the exercise's districts cannot change. 0, or -1 when out of memory.
 */
int postcode_resolver_remember(struct postcode_resolver *r, size_t slots);

/* Overrides the exercise's outward-share threshold (0.5 to 1). */
void postcode_resolver_set_threshold(struct postcode_resolver *r, double threshold);

/* Resolves one response's district. 0, or -1 on a database failure. */
int postcode_resolve(struct postcode_resolver *r, const struct postcode_input *in,
		     struct postcode_result *out, struct err *e);

void postcode_resolver_free(struct postcode_resolver *r);

/* What postcode_load() read. */
struct postcode_load_stats {
	const char *layout;   /* "onspd" or "shares" */
	long rows;            /* data rows read */
	long loaded;          /* rows stored */
	long skipped;         /* rows without a district (non-geographic postcodes) */
	long rejected;        /* rows refused, each reported */
	long derived_outward; /* outward codes whose shares were counted from postcodes */
};

struct postcode_load_options {
	const char *district_column; /* override the local authority column, may be NULL */
	int strict;                  /* any rejected row refuses the file */
	int progress;                /* print progress to stderr */
};

/*
 * Loads a postcode file into the lookup, in one transaction: the ONS
 * Postcode Directory layout (ONSPD or NSPL: pcds plus the local authority
 * column oslaua, laua or ladNNcd) or an outward-code share table
 * (outward_code, lad_code, share). Rejected rows are reported to `rejects`
 * as "file:line: reason" (the first ERR_MAX_LINES) and counted, and the rest
 * loaded; with `strict` any rejected row leaves the database unchanged and
 * returns -1 with `e` set. After full postcodes, the outward shares of every
 * outward code that no share table has given are counted from them.
 */
int postcode_load(sqlite3 *db, const char *path, const struct postcode_load_options *opt,
		  struct postcode_load_stats *stats, struct err *rejects, struct err *e);

#endif
