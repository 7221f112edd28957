/*
 * agree.h: how far two coders agree when each codes the same sample by
 * hand (two gold files, docs/agreement.md), and the adjudication that
 * turns their two codings into one agreed gold file.
 *
 * For each theme every response both coders coded is one of: both gave the
 * theme, only A did, only B did, neither did. A sub-theme counts toward its
 * parent on both sides, as in `analyser evaluate`. From those four numbers
 * come the share of responses they agree on and Cohen's kappa. Nothing
 * here reads the database: the gold files are read by eval.h.
 */
#ifndef TALLY_AGREE_H
#define TALLY_AGREE_H

#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "err.h"
#include "eval.h"

/* One theme's table over the responses both coders coded. */
struct agree_counts {
	long both, a_only, b_only, neither;
};

/* Why kappa has no value: it needs some variation to compare. */
enum agree_undefined {
	AGREE_DEFINED = 0,
	AGREE_NO_RESPONSES,  /* no response coded by both */
	AGREE_ALL_YES,       /* both coders gave the theme to every response */
	AGREE_ALL_NO,        /* neither coder gave it to any */
};

struct agree_stat {
	double agreement;          /* (both + neither) / N, NaN with no responses */
	double kappa;              /* NaN when `why` is not AGREE_DEFINED */
	enum agree_undefined why;
};

/*
 * Percent agreement and Cohen's kappa of one table:
 * po = (both + neither) / N, pe = (pA pB + (1 - pA)(1 - pB)) where pA and
 * pB are the shares each coder said yes to, kappa = (po - pe) / (1 - pe).
 * Kappa is undefined exactly when pe is 1: both said yes to every response
 * or both said no to every one (or there are none).
 */
void agree_stat(const struct agree_counts *c, struct agree_stat *s);

/* Plain words for why kappa is undefined ("" when it is defined). */
const char *agree_why(enum agree_undefined why);

/* One gold file read against the current rule set (eval_gold_current()). */
struct agree_side {
	const char *name;             /* the file, for messages */
	const struct evaluation *ev;  /* its responses and the rule set's themes */
	const unsigned char *flags;   /* ev->nthemes + 1 bytes a response */
};

/* A response both coders coded: its index in each side's responses. */
struct agree_pair {
	size_t a, b;
};

struct agreement {
	const struct evaluation *themes_of; /* side A's: the themes, in the counts' order */
	size_t nthemes;
	struct agree_counts *n;       /* per theme */
	struct agree_pair *pairs;     /* in A's file order */
	size_t npairs;
	size_t *only_a, nonly_a;      /* responses only A coded (indexes in A) */
	size_t *only_b, nonly_b;      /* ... only B */
};

/*
 * Compares two gold files read against the same rule set (both sides'
 * themes are the same list). Responses are matched by their id in the
 * database. Returns an agreement to free with agree_free(), or NULL when out
 * of memory (EXIT_SYSTEM in `e`).
 */
struct agreement *agree_compare(const struct agree_side *a, const struct agree_side *b,
				struct err *e);

void agree_free(struct agreement *ag);

/* Whether A or B gave theme `t` to pair `p` (1 or 0). */
int agree_flag(const struct agree_side *s, const struct agreement *ag, size_t p, size_t t,
	       int side_b);

/* True when a theme is listed: one of the coders gave it at least once. */
int agree_listed(const struct agree_counts *c);

/*
 * The overall figures over the themes listed: `pooled` is the statistics
 * of the summed tables; `mean` is the plain mean of the themes' kappas
 * whose kappa is defined (*nmean of them; *nundefined left out).
 */
void agree_overall(const struct agreement *ag, struct agree_stat *pooled, double *mean,
		   size_t *nmean, size_t *nundefined);

/* How a response is known, for the adjudication sheet and the agreed gold. */
struct agree_ident {
	long long response;           /* its number in this database */
	const char *external_id;      /* or NULL */
	const char *serial;           /* or NULL */
};

/*
 * Writes the adjudication sheet: a CSV row for every disagreement (pair,
 * theme), in pair then theme order, with the response's identifiers
 * (`ids[p]` for pair p), the theme, each coder's yes or no and note
 * (`notes[p][0]` A's, `[1]` B's, either NULL; `notes` may be NULL), and an
 * empty `decision` column (and `reason`) for the adjudicator.
 */
void agree_write_sheet(const struct agreement *ag, const struct agree_side *a,
		       const struct agree_side *b, const struct agree_ident *ids,
		       const char *const (*notes)[2], FILE *out);

/*
 * Reads a filled adjudication sheet from `sheet` (named `name` in messages)
 * and gives the agreed coding: *agreed gets a row of flags per pair,
 * nthemes + 1 bytes apart, the two coders' common answer where they agree,
 * the decision where they do not. A decision is yes or no (the theme
 * applies or not), or a or b (that coder's answer), in any case. Every
 * problem is an EXIT_DATA error naming the sheet's line: a header without
 * 'theme', 'decision' or an identifying column, a blank or unknown
 * decision, a response or theme that is not a disagreement of these two
 * files, the same one twice, a sub-theme decided yes under a parent that
 * ends up no; and a disagreement the sheet does not decide. 0, or -1 with
 * `e` set (all problems found are reported).
 */
int agree_merge(const struct agreement *ag, const struct agree_side *a,
		const struct agree_side *b, const struct agree_ident *ids,
		struct csv_reader *sheet, const char *name, unsigned char **agreed,
		struct err *e);

/*
 * Writes the agreed gold file in the gold format (docs/evaluate.md): one
 * row per pair with its identifier and the most specific themes of its
 * agreed coding (a parent is implied by its sub-themes), and a note naming
 * the themes the adjudication decided. 0, or -1 when out of memory.
 */
int agree_write_gold(const struct agreement *ag, const struct agree_side *a,
		     const struct agree_side *b, const struct agree_ident *ids,
		     const unsigned char *agreed, FILE *out, struct err *e);

#endif
