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
#include "fileutil.h"

static const char usage[] =
	"usage: analyser evaluate DB GOLD.csv [--exercise CODE] [--level 1|2]\n"
	"                         [--format table|csv] [--disagreements N]\n"
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
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  -h, --help         show this help\n";

/* Opens the gold file; a missing file is a command-line mistake. */
static struct csv_reader *open_gold(const char *path, int *fd, struct err *e)
{
	struct csv_reader *r;
	struct stat sb;

	/* A regular file only: a FIFO or a device would never end. */
	if ((*fd = file_open_input(path, 0, &sb, e)) < 0)
		return NULL;
	if (!(r = csv_reader_fd(*fd, path, NULL, e))) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

struct evaluate_opts {
	const char *gold_path;
	long long max_dis;
	int level, csv;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "level", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "disagreements", required_argument, NULL, 'd' },
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
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "evaluate takes a database and a gold file");
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

	if (!(gold = open_gold(o->gold_path, &fd, e)))
		goto out;
	if (!(ev = eval_run(ctx->db, ctx->exercise, gold, o->gold_path, o->level, e)))
		goto out;
	if (ev->stale)
		cmd_warn("%ld of the coded responses have answers added since the last 'analyser "
			 "tag': run it again for a fair comparison", ev->stale);
	if (o->csv)
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
