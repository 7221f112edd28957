/*
 * eval.h: how well the rule-based tags agree with a hand-coded sample.
 *
 * Analysts code a sample of responses by hand (a "gold" CSV file: one
 * response per row and the themes the coder found). For each theme of the
 * current rule set, every coded response is one of: both found it (TP), only
 * the rules did (FP), only the coder did (FN), neither did (TN). A sub-theme
 * counts toward its parent on both sides, as in the counts. From those four
 * numbers come precision, recall, F1 and Cohen's kappa (docs/evaluate.md).
 *
 * The arithmetic is kept apart from the database so it can be checked by
 * hand: eval_scores(), eval_micro() and eval_macro().
 */
#ifndef TALLY_EVAL_H
#define TALLY_EVAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "csv.h"
#include "err.h"

/* One theme's confusion table over the coded responses. */
struct eval_counts {
	long tp; /* the rules and the coder found the theme */
	long fp; /* only the rules found it */
	long fn; /* only the coder found it */
	long tn; /* neither did */
};

/*
 * Scores; a value that is not defined is NaN: precision with no
 * predictions (TP + FP = 0), recall with no coded positives (TP + FN = 0),
 * F1 when both of those are undefined, kappa with no responses or when the
 * expected agreement is 1 (both sides put every response in the same class).
 * F1 is 0 when P + R is 0, which includes one of them being undefined and
 * the other 0.
 */
struct eval_scores {
	double precision, recall, f1, kappa;
};

/* Precision, recall, F1 and Cohen's kappa of one confusion table. */
void eval_scores(const struct eval_counts *c, struct eval_scores *s);

/*
 * Micro average of n tables: the scores of their summed TP, FP and FN.
 * Kappa is not part of the micro average and is set to NaN.
 */
void eval_micro(const struct eval_counts *c, size_t n, struct eval_scores *s);

/*
 * Macro average of n tables: the mean of each one's precision, recall, F1
 * and kappa, an undefined value counting as 0. All NaN when n is 0.
 */
void eval_macro(const struct eval_counts *c, size_t n, struct eval_scores *s);

/* A theme of the current rule set, in the order the counts show them. */
struct eval_theme {
	long long id;
	char *code, *label;
	int parent;            /* index in the list, -1 for a top-level theme */
	int depth;             /* 1 for a top-level theme */
	struct eval_counts n;  /* over the coded responses */
};

/* A coded response. */
struct eval_response {
	long long id;          /* response.id */
	char *name;            /* its external id or serial, or NULL */
	long line;             /* where the gold file codes it */
};

/* Where the coder and the rules part company. */
struct eval_disagreement {
	size_t response;       /* index in responses */
	size_t theme;          /* index in themes */
	int rules_only;        /* 1: only the rules found it; 0: only the coder */
	char *rule;            /* rules only: the pattern that fired, */
	char *question;        /* the question of the answer it fired on, */
	char *words;           /* and the words it matched (line breaks as " / ") */
};

struct evaluation {
	char *gold_name;       /* as given, for the heading */
	char *ruleset_sha256, *ruleset_file;
	int max_depth;         /* 0: every level */
	struct eval_theme *themes;
	size_t nthemes, themes_alloc;
	struct eval_response *responses;
	size_t nresponses, responses_cap;
	struct eval_disagreement *disagreements;
	size_t ndisagreements, disagreements_cap;
	long stale;            /* coded responses with answers the rules have not read */
	int split_part, split_parts; /* --split N/M: part N of M kept; 0 parts: all */
	long split_left_out;   /* coded responses of the other parts */
};

/*
 * A part of the gold file, "N/M" (1 <= N <= M <= 100): 0, or -1 when `s` is
 * not that shape. A row is in part N when the FNV-1a hash of its
 * identifier as written (survey id, serial or response number) is N - 1
 * modulo M, so the same row is in the same part every time, in every
 * database built from the same exports.
 */
int eval_split_parse(const char *s, int *part, int *parts);

/* Which part (1..parts) a row with identifier `id` is in. */
int eval_split_part(const char *id, int parts);

/*
 * Reads the gold file from `gold` (named `gold_name` in messages) and
 * compares it with the tags of exercise `ex`'s current rule set, keeping
 * themes down to `max_depth` (0: all). Every problem in the file is
 * reported as "NAME:LINE: what" (EXIT_DATA): a header without an
 * identifying column (response, external_id or serial; a file may have
 * external_id and serial, one filled on each row) or a themes column, a
 * malformed record or invalid UTF-8, a row with the wrong number of fields
 * or not exactly one identifier, an unknown or repeated response, a
 * response that does not count for analysis, an unknown theme code, and a
 * file with no coded responses.
 * No rule set yet is EXIT_USAGE, as for `analyser counts`. Returns an
 * evaluation to free with eval_free(), or NULL with `e` set.
 */
struct evaluation *eval_run(sqlite3 *db, long long ex, struct csv_reader *gold,
			    const char *gold_name, int max_depth, struct err *e);

/*
 * eval_run() keeping only part `part` of `parts` of the gold file's rows
 * (eval_split_parse(); parts 0 keeps them all). Every row is still checked.
 */
struct evaluation *eval_run_split(sqlite3 *db, long long ex, struct csv_reader *gold,
				  const char *gold_name, int max_depth, int part, int parts,
				  struct err *e);

struct ruleset;

/*
 * The gold file read against the themes of rule set `rs` rather than the
 * database's current one (for scoring a rules file before it is used):
 * themes[i] is rs->themes[i] (id = i). *flags gets one row per kept
 * response, rs->nthemes + 1 bytes apart, 1 where the coder gave the theme
 * or one of its sub-themes. Same checks and errors as eval_run(); no
 * comparison is made. Free with eval_free() and free().
 */
struct evaluation *eval_gold_for_rules(sqlite3 *db, long long ex, struct csv_reader *gold,
				       const char *gold_name, const struct ruleset *rs,
				       int part, int parts, unsigned char **flags,
				       struct err *e);

/*
 * The gold file read against the database's current rule set, as
 * eval_gold_for_rules() does against a file's: no comparison is made.
 */
struct evaluation *eval_gold_current(sqlite3 *db, long long ex, struct csv_reader *gold,
				     const char *gold_name, int part, int parts,
				     unsigned char **flags, struct err *e);

void eval_free(struct evaluation *ev);

/*
 * The aligned report: per-theme table, micro and macro averages, then up to
 * `max_disagreements` disagreements (0: all).
 */
void eval_print_table(const struct evaluation *ev, size_t max_disagreements, FILE *out);

/* The per-theme table and the averages as CSV, for spreadsheets. */
void eval_print_csv(const struct evaluation *ev, FILE *out);

#endif
