/*
 * review.h: human decisions over the rules' tags (docs/review.md).
 *
 * A reviewer accepts a tag the rules gave, removes a wrong one or adds a
 * theme the rules missed. Decisions are kept beside the tags, keyed by
 * answer and theme code, so a new tag run (same or changed rules) leaves
 * them in force; the latest decision for an answer and theme wins, the
 * earlier ones stay as history. An answer a reviewer has looked at is
 * marked reviewed (who, when), which is what progress counts.
 *
 * Counts, reports and exports use the rules' tags with the decisions in
 * force (the `effective_tag` view) unless asked for the rules alone.
 *
 * Reasons are free text a reviewer wrote and may quote the answer: they
 * are never put in an error message, and leave the database only redacted.
 */
#ifndef TALLY_REVIEW_H
#define TALLY_REVIEW_H

#include <sqlite3.h>

#include "err.h"

/*
 * Records `reviewer`'s decision `action` ("accept", "remove" or "add") on
 * theme `theme_code` of answer `answer_id`, with an optional `reason`
 * (NULL or "" for none), stamped with the time and the current rule set's
 * version; it becomes the decision in force for that answer and theme.
 * The answer must be a free-text answer that is there, and the theme one
 * of the current rule set of the answer's exercise. Accept and remove are
 * for a theme the answer has as counted now (by the rules or an earlier
 * decision), add for one it has not. Runs in its own transaction unless
 * the caller has one open. 0, or -1 with `e` set: an unknown action, an
 * empty reviewer, a reviewer's name over 100 bytes, not UTF-8 or holding a
 * control character, a reason over 2000 bytes or not UTF-8 (EXIT_USAGE); no such answer, an unknown theme or one that
 * does not fit the action, nothing tagged yet (EXIT_DATA, naming the answer
 * id and theme code, never the text); a database error (EXIT_SYSTEM).
 */
int review_decide(sqlite3 *db, sqlite3_int64 answer_id, const char *theme_code,
		  const char *action /* accept|remove|add */, const char *reviewer,
		  const char *reason /* may be NULL */, struct err *e);

/*
 * Marks answer `answer_id` reviewed by `reviewer` now (a later mark
 * replaces an earlier one). Same answer and reviewer checks as
 * review_decide(). 0, or -1 with `e` set.
 */
int review_mark_reviewed(sqlite3 *db, sqlite3_int64 answer_id, const char *reviewer,
			 struct err *e);

/*
 * Whether any decision is stored at all (*any 0 or 1): readers apply
 * decisions only then, so counting without any costs nothing more.
 * 0, or -1 with `e` set (EXIT_SYSTEM).
 */
int review_any_decision(sqlite3 *db, int *any, struct err *e);

/* How a decision in force stands against the current rules. */
enum review_agreement {
	REVIEW_AGREES,     /* the rules now give what was decided (accept/add: they tag it;
			      remove: they no longer do) */
	REVIEW_OVERRIDES,  /* the decision changes what the rules give (counted as decided) */
	REVIEW_THEME_GONE, /* the current rules have no such theme: counted nowhere */
};

/* The word for an agreement: "agrees", "overrides", "theme not in rules". */
const char *review_agreement_name(enum review_agreement a);

/* One decision, as review_each_decision() gives it (valid during the callback). */
struct review_decision {
	sqlite3_int64 id, answer_id, response_id;
	const char *theme;          /* the theme code */
	const char *action;         /* "accept", "remove", "add" */
	const char *reviewer, *decided_at;
	const char *reason;         /* NULL if none; personal data, see above */
	const char *ruleset;        /* the rule-set version when decided; NULL if none */
	int in_force;               /* the latest for its answer and theme */
	int rule_tags;              /* the current rules tag the answer with the theme */
	enum review_agreement agreement; /* for a decision in force */
};

/*
 * Calls `fn` for each decision of exercise `ex` on answer `answer_id` (0:
 * every answer), oldest first; only those in force unless `history`. Stops
 * at the first nonzero return of `fn` and gives it back. 0, fn's value, or
 * -1 with `e` set (EXIT_SYSTEM).
 */
int review_each_decision(sqlite3 *db, long long ex, sqlite3_int64 answer_id, int history,
			 int (*fn)(const struct review_decision *d, void *arg), void *arg,
			 struct err *e);

/* The queues a reviewer works through. */
enum review_queue {
	REVIEW_QUEUE_ALL,      /* every free-text answer */
	REVIEW_QUEUE_UNTAGGED, /* answers with no theme as counted */
	REVIEW_QUEUE_SAMPLE,   /* a random sample (seed, limit) for audit */
	REVIEW_QUEUE_THEME,    /* answers with one theme (or a sub-theme) as counted */
	REVIEW_QUEUE_GOLD,     /* answers a hand-coded sample codes otherwise than the tags */
	REVIEW_QUEUE_DECIDED,  /* answers with a decision */
};

struct review_query {
	enum review_queue queue;
	const char *theme;          /* REVIEW_QUEUE_THEME: the theme code */
	unsigned long seed;         /* REVIEW_QUEUE_SAMPLE: the same seed, the same sample */
	long limit;                 /* at most this many answers (0: all; the sample's size,
				       20 when 0) */
	const char *gold_path;      /* REVIEW_QUEUE_GOLD: the hand-coded CSV (docs/evaluate.md),
				       compared with the rules' tags alone */
	const char *sample;         /* REVIEW_QUEUE_GOLD instead of gold_path: the name of a
				       stored coded sample (coded_sample.h), compared with the
				       tags as counted, or the rules' alone if rules_only */
	int rules_only;
	int unreviewed;             /* only answers not marked reviewed */
	const char *question;       /* only answers to this question code; NULL: all */
};

/* One answer of a queue (valid during the callback). */
struct review_item {
	sqlite3_int64 answer_id, response_id;
	const char *question;       /* the question code */
	const char *district;       /* district code; NULL when not known */
	const char *channel, *form;
	const char *rule_themes;    /* theme codes the rules give, "A;B"; "" for none */
	const char *themes;         /* theme codes as counted (with decisions), "A;B" */
	const char *gold_differs;   /* REVIEW_QUEUE_GOLD: "+A -B", the themes only the coded
				       sample (+) or only the tags (-) give the response */
	const char *gold_note;      /* REVIEW_QUEUE_GOLD, a stored sample: the coder's note on
				       the response, or NULL: personal data, redact before showing */
	int decisions;              /* decisions in force on this answer */
	const char *reviewed_by, *reviewed_at; /* NULL when not marked reviewed */
	const char *text;           /* the raw answer: personal data, redact before showing */
	size_t text_len;
};

/*
 * Calls `fn` for each answer of exercise `ex` in queue `q`, in answer id
 * order (the sample: in the seed's order). Stops at the first nonzero
 * return of `fn` and gives it back. 0, fn's value, or -1 with `e` set: an
 * unknown theme or stored sample (EXIT_DATA), an unreadable gold file (as
 * evaluate says it: EXIT_USAGE or EXIT_DATA), a database error (EXIT_SYSTEM).
 */
int review_list(sqlite3 *db, long long ex, const struct review_query *q,
		int (*fn)(const struct review_item *it, void *arg), void *arg, struct err *e);

/* What progress is split by. */
enum review_split { REVIEW_BY_THEME, REVIEW_BY_DISTRICT };

/*
 * One line of progress (valid during the callback). By theme: each theme of
 * the current rules, then each theme code decisions name that the rules no
 * longer have (label NULL, only `gone` set); last the total, code NULL.
 */
struct review_progress {
	const char *code, *label;   /* theme or district; NULL for the total */
	long answers;               /* free-text answers (by theme: those with it as counted) */
	long reviewed;              /* of them, marked reviewed */
	long agree, overrides, gone; /* decisions in force on them, by agreement */
	int depth;                  /* a theme of the rules: 1 main theme, 2 its sub-theme...;
				       0 for anything else */
	const char *parent, *parent_label; /* a sub-theme's parent theme; NULL otherwise */
};

/*
 * Calls `fn` for each theme (rules file order) or district of exercise
 * `ex`, then once for the total. 0, fn's value, or -1 with `e` set.
 */
int review_each_progress(sqlite3 *db, long long ex, enum review_split by,
			 int (*fn)(const struct review_progress *p, void *arg), void *arg,
			 struct err *e);

#endif
