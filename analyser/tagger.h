/*
 * tagger.h: tagging an exercise's free-text answers with a rule set.
 */
#ifndef TALLY_TAGGER_H
#define TALLY_TAGGER_H

#include <sqlite3.h>

#include "err.h"
#include "rules.h"

struct prefilter;

struct tag_stats {
	int same_version;   /* the rule set was already the current one */
	long answers;       /* free-text answers read in this run */
	long tagged;        /* of those, answers with at least one tag */
	long tags;          /* tags written */
	long errors;        /* answer and theme pairs a pattern gave up on */
	long invalid_utf8;  /* answers that are not valid UTF-8 (skipped) */
	long total_tags;    /* tags in the database after the run */
};

/* How a run goes; the tags are the same whatever is chosen. */
struct tagger_options {
	int threads; /* matching answers: 0 one per processor, 1 none besides the caller; 8 at most */
	int progress; /* a progress line on a terminal (progress.h) */
	struct prefilter *pf; /* NULL: built here; else the caller's, ready to scan */
	/* When set, called in the run's transaction just before it commits: 0 or -1. */
	int (*before_commit)(sqlite3 *db, void *arg, struct err *e);
	void *arg;
};

/*
 * Tags every free-text answer of exercise `exercise_id` with `rs`, in one
 * transaction. With the rule set already current (same SHA-256), only
 * answers added since the last run are read, so a repeat changes nothing;
 * with a changed rule set, its themes and tags replace the old ones.
 * `opt` may be NULL (the defaults). `errors_out` gets a line per theme
 * whose patterns gave up on some answers.
 * 0, or -1 with `e` set and the database unchanged.
 */
int tagger_run(sqlite3 *db, long long exercise_id, const struct ruleset *rs,
	       const struct tagger_options *opt, struct tag_stats *stats, struct err *errors_out,
	       struct err *e);

#endif
