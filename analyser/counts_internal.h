/*
 * counts_internal.h: what counts.c (reading), counts_tally.c (counting
 * into a cube) and counts_dims.c (what is counted by: dimensions, their
 * values, the themes) share; nothing else includes it.
 */
#ifndef TALLY_COUNTS_INTERNAL_H
#define TALLY_COUNTS_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "counts.h"

#define NO_VALUE UINT16_MAX

/* What a pass knows about a dimension besides its values. */
struct dim_map {
	uint16_t *by_resp;  /* response-level: value of each respondent */
	uint16_t *by_qid;   /* answer-level: value of each question id */
	long long nqid;     /* size of by_qid */
	uint16_t *by_q;     /* answer-level: value of each question a build reads (counts.c) */
	long long *option_id; /* DIM_DEMOGRAPHIC: option id of each value */
	long long *event_id;  /* DIM_EVENT: event id of each value */
};

/* Whether a dimension's value is the answer's (question, polarity), not the respondent's. */
static inline int counts_answer_level(const struct count_dim *d)
{
	return d->kind == DIM_QUESTION || d->kind == DIM_POLARITY;
}

/*
 * Finds what `name` means (count_dim_names) and loads its values into `d`,
 * and what `m` needs for it. 0, or -1 with `e` set: an unknown name
 * (EXIT_USAGE), a database error or no memory (EXIT_SYSTEM). The caller
 * frees `d` with the cube.
 */
int counts_dim_load(sqlite3 *db, long long ex, const char *name, struct count_dim *d,
		    struct dim_map *m, struct err *e);

/*
 * One thing to count for a respondent: a mention (theme) or an answer
 * (base). Eight bytes: a million responses give some four million.
 */
struct item {
	uint32_t resp;
	uint16_t theme;     /* NO_VALUE: an answered free-text question (for the base) */
	uint16_t q;         /* the question, as an index into the dimensions' by_q; NO_VALUE:
			       not read (no cube counts by question or polarity) or none of them */
};

/*
 * Counting into one cube, a respondent at a time: its stamps mark the
 * cells (and rows, bases) the respondent being counted was counted in
 * already, so the items of one respondent must come together, but the
 * tags and the answers may come in passes of their own.
 */
struct tally {
	struct count_cube *c;
	const struct dim_map *m;
	size_t n0, n1, w0, w1, ncells;
	int nb;                 /* with one dimension the second is only its margin: one column */
	int al[2];              /* dimension d is answer-level */
	int any_answer_level;
	uint32_t *cstamp, *bstamp, *rstamp;
};

/*
 * Sets `t` up to count into cube `c` (with `m`, its dimensions' values),
 * allocating its cells and bases if they are not yet. 0, or -1 out of
 * memory (tally_free() it all the same).
 */
int tally_init(struct tally *t, struct count_cube *c, const struct dim_map *m);

/* Frees the stamps (not the cube's cells). */
void tally_free(struct tally *t);

/* Forgets everything counted into the cube (to count again another way). */
void tally_clear(struct tally *t);

/* Respondent i in the bases, when they are the respondents' (no answer-level dimension). */
void tally_resp(struct tally *t, size_t i);

/*
 * One item of respondent i: a tag (in the cells) or an answer (in the
 * answer-level bases). A respondent's items must come one after the other.
 */
void tally_item(struct tally *t, size_t i, const struct item *x);

/*
 * Adds COUNTS_SEVERAL to a demographic dimension, before its last value
 * ("(unknown)"): some respondent gave more than one of its options. 0, or
 * -1 out of memory.
 */
int counts_dim_add_several(struct count_dim *d);

/* For an answer-level dimension: m->by_qid, the value of every free-text question. 0 or -1. */
int counts_dim_map_questions(sqlite3 *db, long long ex, const struct count_dim *d,
			     struct dim_map *m, struct err *e);

/*
 * The themes of the exercise's rule set into c->themes, parents before
 * children in file order; *ids gets their database ids (the caller frees
 * it), *min_id and *max_id their range. 0, or -1 with `e` set.
 */
int counts_load_themes(sqlite3 *db, long long ex, struct count_cube *c, long long **ids,
		       long long *min_id, long long *max_id, struct err *e);

#endif
