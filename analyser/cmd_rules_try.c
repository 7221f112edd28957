/* analyser rules try: one pattern against every answer, quickly, while writing rules. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "eval.h"
#include "eval_errors.h"
#include "gold_file.h"
#include "marked.h"

static const char try_usage[] =
	"usage: analyser rules try DB PATTERN [--question Q] [--case-sensitive]\n"
	"                          [--show N] [--gold GOLD.csv --theme CODE [--split N/M]]\n"
	"                          [--exercise CODE]\n"
	"\n"
	"Runs one pattern, compiled as the rules compile an include (PCRE2, UTF,\n"
	"ignoring case unless --case-sensitive), over every free-text answer:\n"
	"how many answers and responses it matches, and the first matches with\n"
	"the matched words marked [[like this]]. With a gold file (as for\n"
	"'analyser evaluate') and a theme of the current rule set: the pattern's\n"
	"true and false positives among the coded responses, and its precision\n"
	"and recall on its own. The answers shown are the respondents' own, with\n"
	"e-mail addresses, phone numbers, NHS numbers, postcodes and introduced\n"
	"names redacted: keep the list inside the analysis team.\n"
	"\n"
	"  --question Q      only answers to question Q (its code)\n"
	"  --case-sensitive  do not ignore case\n"
	"  --show N          show the first N matches (default 10; 0: none)\n"
	"  --gold GOLD.csv   measure against this hand-coded sample ...\n"
	"  --theme CODE      ... for this theme (and its sub-themes)\n"
	"  --split N/M       only part N of M of the coded responses\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n";

struct try_opts {
	const char *pattern, *question, *gold_path, *theme;
	long show;
	int case_sensitive, part, parts;
	pcre2_code *code;
};

static int try_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "question", required_argument, NULL, 'q' },
		{ "case-sensitive", no_argument, NULL, 'c' },
		{ "show", required_argument, NULL, 'n' },
		{ "gold", required_argument, NULL, 'g' },
		{ "theme", required_argument, NULL, 't' },
		{ "split", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct try_opts *o = ctx->opts;
	int c, errcode;
	PCRE2_SIZE off;

	o->show = 10;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'q':
			o->question = optarg;
			break;
		case 'c':
			o->case_sensitive = 1;
			break;
		case 'n':
			if (cmd_parse_long("--show", optarg, 0, 100000, &o->show, try_usage) < 0)
				return EXIT_USAGE;
			break;
		case 'g':
			o->gold_path = optarg;
			break;
		case 't':
			o->theme = optarg;
			break;
		case 's':
			if (eval_split_parse(optarg, &o->part, &o->parts) < 0)
				return cmd_usage_error(try_usage, "--split takes N/M with 1 <= N <= M "
							     "<= 100, not '%s'", optarg);
			break;
		case 'h':
			return cmd_help(try_usage);
		default:
			return cmd_usage_error(try_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(try_usage, "try takes a database and a pattern");
	if (!o->gold_path != !o->theme)
		return cmd_usage_error(try_usage, "--gold and --theme go together");
	ctx->db_path = argv[optind];
	o->pattern = argv[optind + 1];
	o->code = pcre2_compile((PCRE2_SPTR)o->pattern, PCRE2_ZERO_TERMINATED,
				PCRE2_UTF | PCRE2_UCP | (o->case_sensitive ? 0 : PCRE2_CASELESS),
				&errcode, &off, NULL);
	if (!o->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof msg);
		return err_set(e, EXIT_USAGE, "the pattern does not compile at column %zu: %s\n"
			       "    %s\n    %*s^", (size_t)off + 1, (const char *)msg, o->pattern,
			       (int)off, "");
	}
	pcre2_jit_compile(o->code, PCRE2_JIT_COMPLETE);
	return CMD_GO_ON;
}

static int by_id(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* The coded responses, sorted, and whether the coder gave the theme and the pattern matched. */
struct coded {
	long long *ids;     /* pairs: response id, 1/0 coded with the theme */
	size_t n;
	unsigned char *hit; /* per pair: the pattern matches an answer of the response */
};

static int load_coded(struct cmd_ctx *ctx, struct try_opts *o, struct coded *c, struct err *e)
{
	struct csv_reader *gold;
	struct evaluation *ev;
	unsigned char *flags;
	int fd = -1, t;

	if (!(gold = gold_open(o->gold_path, &fd, e)))
		return -1;
	ev = eval_gold_current(ctx->db, ctx->exercise, gold, o->gold_path, o->part, o->parts,
			       &flags, e);
	csv_reader_free(gold);
	close(fd);
	if (!ev)
		return -1;
	if ((t = eval_theme_index(ev, o->theme)) < 0) {
		err_set(e, EXIT_USAGE, "there is no theme '%s' in the current rule set (%s)",
			o->theme, ev->ruleset_file);
		goto fail;
	}
	c->n = ev->nresponses;
	if (!(c->ids = malloc((c->n + 1) * 2 * sizeof *c->ids)) ||
	    !(c->hit = calloc(c->n + 1, 1))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto fail;
	}
	for (size_t r = 0; r < c->n; r++) {
		c->ids[2 * r] = ev->responses[r].id;
		c->ids[2 * r + 1] = flags[r * (ev->nthemes + 1) + (size_t)t];
	}
	qsort(c->ids, c->n, 2 * sizeof *c->ids, by_id);
	free(flags);
	eval_free(ev);
	return 0;
fail:
	free(flags);
	eval_free(ev);
	return -1;
}

/* A score with three decimals, or "-" when undefined. */
static const char *fmt3(char *buf, double v)
{
	if (isnan(v))
		return "-";
	snprintf(buf, 16, "%.3f", v);
	return buf;
}

static int try_run(struct cmd_ctx *ctx, struct err *e)
{
	struct try_opts *o = ctx->opts;
	struct coded coded = { NULL, 0, NULL };
	struct redactor *rd = NULL;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	sqlite3_stmt *st = NULL;
	long answers = 0, matched = 0, responses = 0, shown = 0;
	long long max_rid = 0;
	unsigned char *seen = NULL;
	int rc, ok = -1;

	if (!md || !(rd = redactor_new(e))) {
		if (!md)
			err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (o->gold_path && load_coded(ctx, o, &coded, e) < 0)
		goto out;
	/* Straight through the answers in id order, as tagging reads them: no sorting. */
	if (!(st = db_prepare(ctx->db, "SELECT a.response_id, q.code, a.value FROM answer a "
			      "CROSS JOIN question q CROSS JOIN response r WHERE q.id = a.question_id "
			      "AND r.id = a.response_id AND r.exercise_id = ?1 "
			      "AND q.type = 'free-text' AND a.value IS NOT NULL "
			      "AND (?2 IS NULL OR q.code = ?2) ORDER BY a.id", e)))
		goto out;
	if (db_int(ctx->db, "SELECT coalesce(max(id), 0) FROM response", 0, &max_rid, e, 0) < 0)
		goto out;
	if (!(seen = calloc((size_t)max_rid / 8 + 1, 1))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	sqlite3_bind_int64(st, 1, ctx->exercise);
	if (o->question)
		sqlite3_bind_text(st, 2, o->question, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long rid = sqlite3_column_int64(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 2);
		size_t n = (size_t)sqlite3_column_bytes(st, 2);
		struct mark_span spans[16];
		size_t ns = 0;

		answers++;
		for (PCRE2_SIZE at = 0; ns < 16 && at <= n;) {
			PCRE2_SIZE *ov;

			if (pcre2_match(o->code, (PCRE2_SPTR)text, n, at, 0, md, NULL) < 0)
				break;
			ov = pcre2_get_ovector_pointer(md);
			spans[ns].start = ov[0];
			spans[ns++].end = ov[1];
			at = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
		}
		if (!ns)
			continue;
		matched++;
		if (rid > 0 && rid <= max_rid && !(seen[rid / 8] & (1u << (rid % 8)))) {
			seen[rid / 8] |= (unsigned char)(1u << (rid % 8));
			responses++;
			if (coded.n) {
				long long key[2] = { rid, 0 };
				long long *p = bsearch(key, coded.ids, coded.n, 2 * sizeof *key, by_id);

				if (p)
					coded.hit[(size_t)(p - coded.ids) / 2] = 1;
			}
		}
		if (shown < o->show) {
			if (!shown)
				fputs("First matches (personal data redacted):\n", stdout);
			shown++;
			printf("  response %lld, %s: ", rid, sqlite3_column_text(st, 1));
			if (marked_print(rd, text, n, spans, ns, 300, stdout) < 0) {
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
			putchar('\n');
		}
	}
	if (rc != SQLITE_DONE) {
		db_fail(ctx->db, "reading the answers", e);
		goto out;
	}
	printf("%s%ld of %ld answers match, in %ld responses%s%s\n", shown ? "\n" : "", matched,
	       answers, responses, o->question ? ", question " : "",
	       o->question ? o->question : "");
	if (coded.n) {
		struct eval_counts c = { 0, 0, 0, 0 };
		struct eval_scores s;
		char b[3][16];

		for (size_t r = 0; r < coded.n; r++) {
			int g = (int)coded.ids[2 * r + 1], p = coded.hit[r];

			if (g && p)
				c.tp++;
			else if (p)
				c.fp++;
			else if (g)
				c.fn++;
			else
				c.tn++;
		}
		eval_scores(&c, &s);
		printf("Against %s, theme %s, %zu coded responses%s: TP %ld, FP %ld, FN %ld; "
		       "precision %s, recall %s, F1 %s", o->gold_path, o->theme, coded.n,
		       o->parts ? " (a part of the split)" : "", c.tp, c.fp, c.fn,
		       fmt3(b[0], s.precision), fmt3(b[1], s.recall), fmt3(b[2], s.f1));
		putchar('\n');
	}
	ok = 0;
out:
	sqlite3_finalize(st);
	pcre2_match_data_free(md);
	redactor_free(rd);
	free(coded.ids);
	free(coded.hit);
	free(seen);
	return ok < 0 ? -1 : EXIT_OK;
}

static void try_release(void *opts)
{
	pcre2_code_free(((struct try_opts *)opts)->code);
}

const struct cmd_ops cmd_rules_try = { try_parse, try_run, try_release, sizeof(struct try_opts) };
