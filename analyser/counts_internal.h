/*
 * counts_internal.h: what counts.c (reading and counting) and
 * counts_dims.c (what is counted by: dimensions, their values, the themes)
 * share; nothing else includes it.
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
