/*
 * sdc.h: disclosure control for published counts.
 *
 * Before a count leaves the database, small numbers are hidden and the rest
 * rounded. The NHS rule shows 1 to 7 as `*` and rounds the others to the
 * nearest 5 (zero stays 0); a DHSC consultation guide uses "hide below 10,
 * round to 5". Hiding a cell is not enough when its row or column total is
 * shown: secondary suppression hides further cells so that no hidden count
 * can be worked out from the ones shown.
 */
#ifndef TALLY_SDC_H
#define TALLY_SDC_H

#include <stddef.h>

struct sdc_rule {
	long threshold;  /* counts 1 .. threshold-1 are hidden; NHS: 8 (1 to 7 hidden); 0 or 1: none hidden */
	long rounding;   /* shown counts are rounded to the nearest multiple; NHS: 5; 1: exact */
	int secondary;   /* 1: hide further cells so no hidden cell can be worked out from totals */
};
#define SDC_NHS { 8, 5, 1 }
#define SDC_DHSC { 10, 5, 1 }

enum sdc_state { SDC_SHOWN = 0, SDC_PRIMARY = 1, SDC_SECONDARY = 2 };

/*
 * A table of `nrows` x `ncols` cells bordered by its totals: `v` holds
 * (nrows + 1) x (ncols + 1) counts row by row, the last column being each
 * row's total and the last row each column's total, the grand total last.
 * Fills `state` (same layout) with what to hide: SDC_PRIMARY for counts
 * 1..threshold-1 (totals included), then, with rule->secondary, SDC_SECONDARY
 * for the fewest and smallest further cells so that, treating every row and
 * column as "cells add up to the total", no hidden value can be worked out
 * from the shown ones. Returns the number of hidden cells, or -1 when out of
 * memory (errno ENOMEM; also for a table of a million rows or columns or
 * more). A NULL `rule` means SDC_NHS. `v` is not changed.
 *
 * Which further cells: a hidden count can be worked out exactly when its cell
 * lies on no cycle of hidden cells (row, column, row, ... back to its row).
 * Each such cell gets the cheapest cycle through it, cost compared in this
 * order: fewest totals (last row or column), fewest zero cells (a zero is
 * often known anyway), fewest cells, smallest sum of counts; ties go to the
 * earlier row, then the earlier column. Hidden cells are taken in table
 * order, and a cycle may run through cells hidden before at no cost.
 * Afterwards every further cell that is not needed (the most costly first)
 * is shown again. The result depends only on the table and the rule.
 *
 * Counts are expected to be non-negative and the totals additive. With no
 * rows or no columns there is nothing to pair a cell with, so only primary
 * suppression is done.
 */
long sdc_apply(const long *v, size_t nrows, size_t ncols, const struct sdc_rule *rule,
	       unsigned char *state);

/*
 * The same, with the cells where `force` is nonzero hidden from the start
 * as if their counts were small (for a cell another publication of the
 * same data hides). A NULL `force` forces nothing.
 */
long sdc_apply_forced(const long *v, size_t nrows, size_t ncols, const struct sdc_rule *rule,
		      const unsigned char *force, unsigned char *state);

/*
 * A single line of counts with its total (for example respondents per
 * district, then all): `v` holds n + 1 counts, the total last, and `state`
 * n + 1 states. The same as sdc_apply() with one row.
 */
long sdc_apply_line(const long *v, size_t n, const struct sdc_rule *rule, unsigned char *state);

/* sdc_apply_line() with forced cells, as sdc_apply_forced(). */
long sdc_apply_line_forced(const long *v, size_t n, const struct sdc_rule *rule,
			   const unsigned char *force, unsigned char *state);

/*
 * A shown count after rounding: round half up to the nearest multiple of
 * rule->rounding (rounding <= 1: unchanged). 0 stays 0. Counts
 * 1..threshold-1 never reach here. A NULL `rule` means SDC_NHS.
 */
long sdc_round(long v, const struct sdc_rule *rule);

#endif
