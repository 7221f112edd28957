/* analyser evaluate: the rules' tags against a hand-coded sample. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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

static const char usage[] =
	"usage: analyser evaluate DB GOLD.csv [--exercise CODE] [--level 1|2]\n"
	"                         [--format table|csv] [--disagreements N] [--split N/M]\n"
	"                         [--theme CODE [--errors fp|fn|both] [--limit N]]\n"
	"\n"
	"Compares the current rule set's tags with a sample of responses coded by\n"
	"hand. GOLD.csv has a header row with an identifying column, 'response'\n"
	"(the number in this database), 'external_id' (the survey tool's id, as\n"
	"stored) or 'serial' (the paper form's number), and a 'themes' column:\n"
	"the theme codes the coder found, separated by ';', ',' or spaces, empty\n"
	"for none. With both 'external_id' and 'serial', each row fills one.\n"
	"Other columns, such as 'note', are ignored. A sub-theme counts toward its\n"
	"parent, for the coder as for the rules. Every coded response must count\n"
	"for analysis (not wait for a second entry).\n"
	"\n"
	"For each theme either side found: how many responses the coder and the\n"
	"rules gave it, true and false positives, false negatives, precision,\n"
	"recall, F1 and Cohen's kappa; then micro and macro averages, and the\n"
	"responses where the two disagree, with the rule and words behind each\n"
	"tag the coder did not give. The matched words are the respondents' own:\n"
	"do not share the list outside the analysis team. See docs/evaluate.md.\n"
	"\n"
	"  --level N          only themes down to level N (1: top-level themes)\n"
	"  --format F         'table' (the default) or 'csv' for spreadsheets\n"
	"  --disagreements N  list at most N disagreements (default 20; 0: all)\n"
	"  --split N/M        only part N of M of the coded responses, split by their\n"
	"                     identifiers: develop rules on one part, report another\n"
	"  --theme CODE       one theme's errors instead: each false positive with\n"
	"                     the answer, the matched words marked and the rule, each\n"
	"                     false negative with the response's answers (redacted)\n"
	"  --errors W         with --theme: 'fp', 'fn' or 'both' (the default)\n"
	"  --limit N          with --theme: at most N of each (default 0: all)\n"
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  -h, --help         show this help\n";

struct evaluate_opts {
	const char *gold_path;
	const char *theme;
	long long max_dis;
	long limit;
	int level, csv, part, parts, errors;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "level", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "disagreements", required_argument, NULL, 'd' },
		{ "split", required_argument, NULL, 's' },
		{ "theme", required_argument, NULL, 't' },
		{ "errors", required_argument, NULL, 'E' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct evaluate_opts *o = ctx->opts;
	int c;

	(void)e;
	o->max_dis = 20;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'l':
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(usage, "--level takes 1 or 2, not '%s'", optarg);
			o->level = atoi(optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "csv"))
				o->csv = 1;
			else if (!strcmp(optarg, "table"))
				o->csv = 0;
			else
				return cmd_usage_error(usage, "--format takes 'table' or 'csv', not "
							      "'%s'", optarg);
			break;
		case 'd': {
			char *end;

			errno = 0;
			o->max_dis = strtoll(optarg, &end, 10);
			if (*end || end == optarg || o->max_dis < 0 || errno)
				return cmd_usage_error(usage, "--disagreements takes a whole number, "
							      "not '%s'", optarg);
			break;
		}
		case 's':
			if (eval_split_parse(optarg, &o->part, &o->parts) < 0)
				return cmd_usage_error(usage, "--split takes N/M with 1 <= N <= M <= "
							      "100, not '%s'", optarg);
			break;
		case 't':
			o->theme = optarg;
			break;
		case 'E':
			if (!strcmp(optarg, "fp"))
				o->errors = EVAL_FP;
			else if (!strcmp(optarg, "fn"))
				o->errors = EVAL_FN;
			else if (!strcmp(optarg, "both"))
				o->errors = EVAL_FP | EVAL_FN;
			else
				return cmd_usage_error(usage, "--errors takes 'fp', 'fn' or 'both', "
							      "not '%s'", optarg);
			break;
		case 'n':
			if (cmd_parse_long("--limit", optarg, 0, 1000000000, &o->limit, usage) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "evaluate takes a database and a gold file");
	if (!o->theme && (o->errors || o->limit))
		return cmd_usage_error(usage, "--errors and --limit go with --theme");
	if (o->theme && o->csv)
		return cmd_usage_error(usage, "--theme lists errors as text: it does not go with "
					      "--format csv");
	if (!o->errors)
		o->errors = EVAL_FP | EVAL_FN;
	ctx->db_path = argv[optind];
	o->gold_path = argv[optind + 1];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct evaluate_opts *o = ctx->opts;
	struct evaluation *ev = NULL;
	struct csv_reader *gold = NULL;
	int fd = -1;

	if (!(gold = gold_open(o->gold_path, &fd, e)))
		goto out;
	if (!(ev = eval_run_split(ctx->db, ctx->exercise, gold, o->gold_path, o->level, o->part,
				  o->parts, e)))
		goto out;
	if (ev->stale)
		cmd_warn("%ld of the coded responses have answers added since the last 'analyser "
			 "tag': run it again for a fair comparison", ev->stale);
	if (o->theme) {
		int t = eval_theme_index(ev, o->theme);

		if (t < 0)
			err_set(e, EXIT_USAGE, "there is no theme '%s' in the current rule set (%s)",
				o->theme, ev->ruleset_file);
		else if (o->level && ev->themes[t].depth > o->level)
			err_set(e, EXIT_USAGE, "--theme %s is a level %d theme, below --level %d",
				ev->themes[t].code, ev->themes[t].depth, o->level);
		else
			eval_print_errors(ctx->db, ev, (size_t)t, o->errors, (size_t)o->limit, stdout,
					  e);
	} else if (o->csv)
		eval_print_csv(ev, stdout);
	else
		eval_print_table(ev, (size_t)o->max_dis, stdout);
out:
	eval_free(ev);
	csv_reader_free(gold);
	if (fd >= 0)
		close(fd);
	return EXIT_OK;
}

const struct cmd_ops cmd_evaluate = { parse, run, NULL, sizeof(struct evaluate_opts) };
