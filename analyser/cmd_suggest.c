/* analyser suggest: words and phrases typical of a theme, for writing its patterns. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "eval.h"
#include "eval_errors.h"
#include "gold_file.h"
#include "redact.h"
#include "suggest.h"

static const char suggest_usage[] =
	"usage: analyser suggest DB GOLD.csv --theme CODE [--from-errors] [--min N]\n"
	"                        [--top N] [--prior A] [--split N/M] [--format table|tsv]\n"
	"                        [--exercise CODE]\n"
	"\n"
	"Lists the words and 2- and 3-word phrases most typical of the responses\n"
	"the coder gave a theme (GOLD.csv, as for 'analyser evaluate') against\n"
	"the other coded responses, ranked by the log-odds ratio with an\n"
	"informative Dirichlet prior (Monroe et al. 2008) over response counts,\n"
	"as a z-score. For each: the responses with the theme and without that\n"
	"contain it, its precision and recall on the coded sample if it were a\n"
	"pattern on its own, and the pattern to paste (\\bword\\b). Phrases come\n"
	"from redacted text and need --min responses; they are still the\n"
	"respondents' words: keep the list inside the analysis team.\n"
	"\n"
	"  --theme CODE   the theme (of the current rule set)\n"
	"  --from-errors  rank against the theme's false negatives instead: what\n"
	"                 the responses the rules missed say (run 'analyser tag'\n"
	"                 with the rules first)\n"
	"  --min N        only phrases in at least N responses of the group\n"
	"                 (default 3)\n"
	"  --top N        list at most N (default 30; 0: all)\n"
	"  --prior A      strength of the prior in responses (default 10)\n"
	"  --split N/M    only part N of M of the coded responses\n"
	"  --format F     'table' (the default) or 'tsv' for scripts\n"
	"  --exercise CODE which exercise, when the database holds several\n"
	"  -h, --help     show this help\n";

struct suggest_opts {
	const char *gold_path, *theme;
	long min, top;
	double prior;
	int from_errors, part, parts, tsv;
};

static int suggest_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "theme", required_argument, NULL, 't' },
		{ "from-errors", no_argument, NULL, 'E' },
		{ "min", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ "prior", required_argument, NULL, 'p' },
		{ "split", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct suggest_opts *o = ctx->opts;
	int c;

	(void)e;
	o->min = 3;
	o->top = 30;
	o->prior = 10;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 't':
			o->theme = optarg;
			break;
		case 'E':
			o->from_errors = 1;
			break;
		case 'm':
			if (cmd_parse_long("--min", optarg, 1, 1000000, &o->min, suggest_usage) < 0)
				return EXIT_USAGE;
			break;
		case 'n':
			if (cmd_parse_long("--top", optarg, 0, 1000000, &o->top, suggest_usage) < 0)
				return EXIT_USAGE;
			break;
		case 'p':
			if (cmd_parse_double("--prior", optarg, 0.01, 1e6, &o->prior,
					     suggest_usage) < 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (eval_split_parse(optarg, &o->part, &o->parts) < 0)
				return cmd_usage_error(suggest_usage, "--split takes N/M with 1 <= N <= "
							 "M <= 100, not '%s'", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "tsv"))
				return cmd_usage_error(suggest_usage, "--format takes 'table' or 'tsv', "
							 "not '%s'", optarg);
			o->tsv = !strcmp(optarg, "tsv");
			break;
		case 'h':
			return cmd_help(suggest_usage);
		default:
			return cmd_usage_error(suggest_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(suggest_usage, "suggest takes a database and a gold file");
	if (!o->theme)
		return cmd_usage_error(suggest_usage, "suggest needs --theme CODE");
	ctx->db_path = argv[optind];
	o->gold_path = argv[optind + 1];
	return CMD_GO_ON;
}

/* Whether the rules tagged response `rid` with theme t or a sub-theme. */
static int tagged(sqlite3_stmt *tags, const struct evaluation *ev, long long rid, size_t t,
		  int *found)
{
	int rc;

	*found = 0;
	sqlite3_bind_int64(tags, 1, rid);
	while ((rc = sqlite3_step(tags)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(tags, 0);
		int i = -1;

		for (size_t k = 0; k < ev->nthemes; k++)
			if (ev->themes[k].id == id)
				i = (int)k;
		for (; i >= 0; i = ev->themes[i].parent)
			if ((size_t)i == t)
				*found = 1;
	}
	sqlite3_reset(tags);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int suggest_run(struct cmd_ctx *ctx, struct err *e)
{
	struct suggest_opts *o = ctx->opts;
	struct evaluation *ev = NULL;
	struct csv_reader *gold;
	struct phrase_table *pt = NULL;
	struct phrase **list = NULL;
	struct redactor *rd = NULL;
	unsigned char *flags = NULL;
	sqlite3_stmt *ans = NULL, *tags = NULL;
	long n_theme = 0, n_rest = 0, n_in = 0, n;
	int fd = -1, t, ok = -1;

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
		goto out;
	}
	if (!(pt = phrases_new()) || !(rd = redactor_new(e))) {
		if (!pt)
			err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!(ans = db_prepare(ctx->db, "SELECT a.value FROM answer a JOIN question q "
			       "ON q.id = a.question_id WHERE a.response_id = ?1 "
			       "AND q.type = 'free-text' AND a.value IS NOT NULL", e)) ||
	    (o->from_errors && !(tags = db_prepare(ctx->db, "SELECT t.theme_id FROM tag t JOIN "
						  "answer a ON a.id = t.answer_id WHERE "
						  "a.response_id = ?1", e))))
		goto out;
	for (size_t r = 0; r < ev->nresponses; r++) {
		int g = flags[r * (ev->nthemes + 1) + (size_t)t], in = g, rc;

		if (g && o->from_errors) {
			int found;

			if (tagged(tags, ev, ev->responses[r].id, (size_t)t, &found) < 0) {
				db_fail(ctx->db, "reading the tags", e);
				goto out;
			}
			in = !found;
		}
		n_theme += g;
		n_rest += !g;
		n_in += in;
		sqlite3_bind_int64(ans, 1, ev->responses[r].id);
		while ((rc = sqlite3_step(ans)) == SQLITE_ROW) {
			const char *text = (const char *)sqlite3_column_text(ans, 0);
			char *clean = redactor_apply(rd, text ? text : "",
						     (size_t)sqlite3_column_bytes(ans, 0), NULL);

			if (!clean || phrases_add(pt, clean, strlen(clean), (long)r, in, g) < 0) {
				free(clean);
				sqlite3_reset(ans);
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
			free(clean);
		}
		sqlite3_reset(ans);
		if (rc != SQLITE_DONE) {
			db_fail(ctx->db, "reading the answers", e);
			goto out;
		}
	}
	if ((n = phrases_rank(pt, o->min, (double)n_in, (double)n_rest, o->prior, &list)) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (o->tsv)
		fputs("z\tgroup\ttheme\trest\tprecision\trecall\tphrase\tpattern\n", stdout);
	else
		printf("%s (%s): %ld of %zu coded responses%s; %sphrases in at least %ld "
		       "responses of the group\n"
		       "z: log-odds ratio with an informative Dirichlet prior (%g responses), as a "
		       "z-score;\nTheme / Rest: responses with and without the theme containing it; "
		       "Prec and Recall:\nof the phrase alone on the coded responses.\n\n"
		       "%6s %5s %5s %5s %5s %6s  %-24s %s\n",
		       ev->themes[t].code, ev->themes[t].label, n_theme, ev->nresponses,
		       o->parts ? " (a part of the split)" : "",
		       o->from_errors ? "against its false negatives (FN), " : "", o->min, o->prior, "z", o->from_errors ? "FN" : "",
		       "Theme", "Rest", "Prec", "Recall", "Phrase", "Pattern");
	for (long i = 0; i < n && (!o->top || i < o->top); i++) {
		const struct phrase *p = list[i];
		char pat[512];
		double prec = (double)p->theme / (double)(p->theme + p->rest);
		double rec = n_theme ? (double)p->theme / (double)n_theme : NAN;

		phrase_pattern(p->text, pat, sizeof pat);
		if (o->tsv)
			printf("%.4f\t%ld\t%ld\t%ld\t%.4f\t%.4f\t%s\t%s\n", p->z, p->in, p->theme,
			       p->rest, prec, rec, p->text, pat);
		else if (o->from_errors)
			printf("%6.2f %5ld %5ld %5ld %5.2f %6.2f  %-24s %s\n", p->z, p->in, p->theme,
			       p->rest, prec, rec, p->text, pat);
		else
			printf("%6.2f %5s %5ld %5ld %5.2f %6.2f  %-24s %s\n", p->z, "", p->theme,
			       p->rest, prec, rec, p->text, pat);
	}
	if (!n && !o->tsv)
		printf("(no phrase is in %ld or more responses of the group)\n", o->min);
	ok = 0;
out:
	free(list);
	phrases_free(pt);
	redactor_free(rd);
	sqlite3_finalize(ans);
	sqlite3_finalize(tags);
	free(flags);
	eval_free(ev);
	return ok < 0 ? -1 : EXIT_OK;
}

const struct cmd_ops cmd_suggest = { suggest_parse, suggest_run, NULL,
				     sizeof(struct suggest_opts) };
