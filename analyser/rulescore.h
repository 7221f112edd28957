/*
 * rulescore.h: every pattern of a rule set measured against a hand-coded
 * sample (`analyser rules score`, docs/evaluate.md).
 *
 * A "unit" is an include, an exclude, or one top-level alternative of
 * either (pattern_alt.h). Over the coded responses, a unit of theme T
 * fires in a response when, in some answer the theme applies to (its
 * questions and its <when>/<unless> conditions, as `analyser tag` applies
 * them: rules_applies_in()):
 *   include or include alternative: it matches and no exclude of T does
 *     (so it is what that pattern adds to T's tags);
 *   exclude or exclude alternative: it matches and an include of T does
 *     (it cancels T there).
 * An include is right (TP) where the coder gave T or one of its sub-themes;
 * an exclude is right (TP) where the coder did not give T.
 */
#ifndef TALLY_RULESCORE_H
#define TALLY_RULESCORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "err.h"
#include "rules.h"

struct score_counts {
	long matched;  /* coded responses it fires in */
	long tp, fp;   /* of those, right and wrong */
	long only_tp;  /* right ones no other unit of its group fires in */
	long only_fp;  /* wrong ones no other unit of its group fires in */
};

/*
 * The arithmetic, for one group of units (a theme's includes, or its
 * excludes, or the alternatives of either): hits has nunits rows of nresp
 * bytes, 1 where unit u fires in response r; right[r] is 1 where firing in
 * r is right; other[r] (may be NULL) is 1 where something outside the
 * group fires anyway (a sub-theme's include), so no unit is alone there.
 * out gets nunits counts.
 */
void score_group(const unsigned char *hits, size_t nunits, size_t nresp,
		 const unsigned char *right, const unsigned char *other,
		 struct score_counts *out);

/* What removing a unit would do to the errors: only_fp - only_tp (positive: a gain). */
long score_gain(const struct score_counts *c);

enum score_kind { SCORE_INCLUDE, SCORE_EXCLUDE, SCORE_INCLUDE_ALT, SCORE_EXCLUDE_ALT };

struct score_unit {
	size_t theme;            /* index in the rule set */
	enum score_kind kind;
	const struct rule_pattern *pat;
	size_t alt;              /* alternatives: which one, from 1 */
	size_t nalts;            /* alternatives: of how many */
	char *source;            /* the unit's pattern */
	pcre2_code *code;        /* alternatives: compiled here; NULL: pat->code */
	size_t order;            /* in the rules file's order, for ties */
	struct score_counts n;
};

struct score_report {
	struct score_unit *units; /* worst first (score_sort) */
	size_t nunits, units_alloc;
	size_t nresponses;        /* coded responses compared */
	long left_out;            /* coded responses of the other parts of a split */
};

/*
 * Measures every unit of `rs` on the free-text answers of the coded
 * responses in `gold` (exercise `ex`; rows of part `part` of `parts`, 0
 * parts: all), only the themes `theme` names when not NULL (and its
 * sub-themes). Gold file problems as in eval_run(); a condition on a
 * question the exercise lacks as in `analyser tag` (EXIT_DATA). NULL with
 * `e` set.
 */
struct score_report *score_run(sqlite3 *db, long long ex, const struct ruleset *rs,
			       struct csv_reader *gold, const char *gold_name, int part,
			       int parts, const char *theme, struct err *e);

void score_report_free(struct score_report *r);

/* The report: an aligned table (`tsv` 0), or tab-separated values with a header. */
void score_print(const struct score_report *r, const struct ruleset *rs, int tsv, int all,
		 FILE *out);

#endif
