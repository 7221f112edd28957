/*
 * counts.h: respondents mentioning each theme, split by one or two
 * dimensions (district, channel, event, form, question, polarity or a
 * demographic question), with totals and denominators.
 *
 * A respondent mentions a theme when any of their free-text answers carries
 * a tag for it or for one of its sub-themes; each respondent counts once in
 * a cell, however many answers mention the theme. Only responses that count
 * for analysis are counted: those accepted as entered or verified by a
 * second entry (not those waiting for a second entry or with differences).
 *
 * Totals are respondents too, not sums: a respondent who mentions a theme
 * under two questions is one respondent in the theme's total.
 */
#ifndef TALLY_COUNTS_H
#define TALLY_COUNTS_H

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>

#include "err.h"
#include "sdc.h"

enum count_dim_kind {
	DIM_DISTRICT,    /* where the respondent lives (or the event's district) */
	DIM_CHANNEL,     /* online, paper, Easy Read paper, event card */
	DIM_EVENT,       /* the listening event or roadshow, or none */
	DIM_FORM,        /* standard or Easy Read form */
	DIM_QUESTION,    /* the free-text question the theme was mentioned under */
	DIM_POLARITY,    /* works well, could be better, other */
	DIM_DEMOGRAPHIC, /* the option chosen on one demographic question */
};

/*
 * The value of a demographic dimension for respondents who gave more than
 * one option of it (a household repeat read one answer per member); only
 * present when some did.
 */
#define COUNTS_SEVERAL "(several)"

struct count_value {
	char *code;    /* "E07000192", "online", "AGE-25-34"; "unknown", "none" */
	char *label;   /* "Cannock Chase" */
	char *heading; /* short form for a column heading: event code, question code */
};

struct count_dim {
	enum count_dim_kind kind;
	char *name;                /* as given on the command line: "district", "AGE" */
	char *title;               /* "District", "Age" */
	long long question_id;     /* DIM_DEMOGRAPHIC */
	struct count_value *values;
	size_t nvalues, capvalues;
};

struct count_theme {
	char *code, *label;
	int depth;
	int parent; /* index, -1 at the top */
};

/*
 * The counted cube: for every theme (and a last "any theme" row), every
 * value of the first dimension and every value of the second, respondents
 * mentioning it; index nvalues of a dimension is its "all" margin. With one
 * dimension the second has no values (only its margin).
 */
struct count_cube {
	char ruleset[65];          /* the rule-set version the tags come from */
	char *exercise_code, *exercise_title;
	struct count_theme *themes;
	size_t nthemes;            /* excluding "any theme" */
	size_t capthemes;          /* themes allocated (ALLOC_GROW) */
	struct count_dim dim[2];
	size_t ndims;              /* 1 or 2 */
	size_t nreal;              /* themes of the rule set; those after are merged rows */
	unsigned char *member;     /* merged row m includes theme t: member[m * nreal + t] */
	long *cells;               /* (nthemes+1) x (n0+1) x (n1+1) */
	long *base;                /* respondents per (v0, v1): (n0+1) x (n1+1) */
	int within_dates;          /* responses dated outside the exercise left out */
	int decisions;             /* review decisions were applied (there were some, and
				      the rules alone were not asked for) */
	int rules_only;            /* the rules alone were asked for */
	/* The exercise's tags (every response's, counted or not) as the pass over
	   them found them, for the publication ledger (ledger_tags_counted()):
	   how many and their sum (tag_sum.h); tags_known 0 when not worked out. */
	int tags_known;
	long long tags_n;
	double tags_sum;
};

/* The names --by takes besides demographic question codes. */
extern const char *const count_dim_names[];

/*
 * Counts exercise `ex` by the dimensions named in `by` ("district",
 * "channel,AGE", ...; NULL for district). Returns a cube to free with
 * count_cube_free(), or NULL with `e` set: nothing tagged yet, an unknown
 * dimension or more than two (EXIT_USAGE), a database error (EXIT_SYSTEM).
 */
struct count_cube *counts_build(sqlite3 *db, long long ex, const char *by, struct err *e);

/* As counts_build(); with `within_dates`, responses the import flagged as dated
   outside the exercise's opens..closes are left out of every count. */
struct count_cube *counts_build_within(sqlite3 *db, long long ex, const char *by,
				       int within_dates, struct err *e);

/*
 * A row counted besides the rule set's themes: the respondents mentioning
 * any of `themes` (codes; their sub-themes included), each respondent once
 * in a cell, however many of the themes they mention. It is a new number,
 * not a sum: publish it through the same disclosure control as the rest.
 */
struct count_merge {
	const char *code, *label;   /* the row's name (not a theme code) and label */
	const char *const *themes;
	size_t nthemes;
};

/* How counts_build_opts() counts. */
struct count_build_opts {
	int within_dates;          /* as counts_build_within() */
	int rules_only;            /* the rules' tags alone, without the reviewers' decisions */
	/* Rows counted besides the themes, after them and before "any theme"
	 * (a merge naming a theme the rule set does not have: EXIT_DATA). */
	const struct count_merge *merges;
	size_t nmerges;
};

/*
 * As counts_build(); by default the tags are the rules' with the review
 * decisions in force (review.h), `o` may ask for the rules alone. The cube
 * says which it used (decisions). NULL `o`: the defaults.
 */
struct count_cube *counts_build_opts(sqlite3 *db, long long ex, const char *by,
				     const struct count_build_opts *o, struct err *e);

/*
 * The cubes counted by each of by[0..n-1] (as counts_build_opts() takes
 * one, all with `o`) into out[0..n-1], from one reading of the database:
 * the same cubes as n calls of counts_build_opts() would give, for the cost
 * of about one. 0, or -1 with `e` set and every out[k] NULL; free each
 * with count_cube_free().
 */
int counts_build_many(sqlite3 *db, long long ex, const char *const *by, size_t n,
		      const struct count_build_opts *o, struct count_cube **out, struct err *e);

void count_cube_free(struct count_cube *c);

static inline long count_cell(const struct count_cube *c, size_t theme, size_t v0, size_t v1)
{
	size_t n0 = c->dim[0].nvalues + 1, n1 = c->dim[1].nvalues + 1;

	assert(theme <= c->nthemes && v0 < n0 && v1 < n1);
	return c->cells[(theme * n0 + v0) * n1 + v1];
}

static inline long count_base(const struct count_cube *c, size_t v0, size_t v1)
{
	assert(v0 <= c->dim[0].nvalues && v1 <= c->dim[1].nvalues);
	return c->base[v0 * (c->dim[1].nvalues + 1) + v1];
}

struct ledger;

enum count_format { COUNT_TABLE, COUNT_CSV, COUNT_JSON, COUNT_XML };

struct count_output {
	enum count_format format;
	int percent;               /* table: percentages instead of counts */
	int width;                 /* table: the columns it may take (0: as wide as it needs);
				      a wider table is printed in blocks of columns */
	int max_depth;             /* 0: every level */
	const char *theme;         /* only this theme (and its sub-themes); NULL: all */
	const struct sdc_rule *suppress; /* NULL: counts as they are */
	struct ledger *ledger;     /* with suppress: hide consistently with earlier publications
				      and record these (ledger.h); NULL: this output alone */
};

/* One published cell: what csv, json and xml give, one record per cell. */
struct count_record {
	const char *theme, *theme_label; /* "(any)", "Any theme" for any theme */
	int level;                       /* 0 for any theme */
	const char *code[2], *label[2];  /* the dimensions' values; "(all)", "All" for a margin */
	long count;                      /* respondents mentioning; -1 when hidden */
	long respondents;                /* the denominator; -1 when hidden */
	double percent;                  /* of the published numbers; -1 when there is none */
};

/*
 * Calls `fn` for every published cell of the cube as `o` selects it (format
 * ignored), in the order csv gives them; stops at the first nonzero return
 * and gives it back. 0, the callback's value, or -1 with `e` set.
 */
int counts_each(const struct count_cube *c, const struct count_output *o,
		int (*fn)(const struct count_record *r, void *arg), void *arg, struct err *e);

/*
 * Writes the cube as `o` says: with one dimension a table of themes by its
 * values; with two, a crosstab of the two for each theme. 0, or -1 with `e`
 * set (an unknown theme: EXIT_USAGE; a write error or no memory: EXIT_SYSTEM).
 */
int counts_write(const struct count_cube *c, const struct count_output *o, FILE *out,
		 struct err *e);

#endif
