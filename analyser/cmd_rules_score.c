/* analyser rules score: every pattern and alternative against a hand-coded sample. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "commands.h"
#include "eval.h"
#include "gold_file.h"
#include "rules.h"
#include "rulescore.h"

static const char score_usage[] =
	"usage: analyser rules score DB RULES GOLD.csv [--theme CODE] [--split N/M]\n"
	"                            [--format table|tsv] [--all] [--exercise CODE]\n"
	"\n"
	"Measures every include, every exclude and every top-level alternative\n"
	"(the parts of a pattern between '|' outside any group) of the rules file\n"
	"on the free-text answers of the responses coded in GOLD.csv (the gold\n"
	"file of 'analyser evaluate'), each theme applied where tagging applies it\n"
	"(its questions and its <when>/<unless> conditions on the response's other\n"
	"answers). For each: the coded responses it fires in, how many of those\n"
	"the coder agrees with (TP) and not (FP), precision, and the right and\n"
	"wrong ones no other pattern of its theme finds (only TP, only FP). An\n"
	"include fires where it matches and no exclude does; an exclude fires\n"
	"where it cancels an include, and is right where the coder did not give\n"
	"the theme. Gain, only FP - only TP, is how many errors deleting it would\n"
	"remove; the worst come first. The rules file need not be the one last\n"
	"tagged with. See docs/rule-writing.md.\n"
	"\n"
	"  --theme CODE     only this theme and its sub-themes\n"
	"  --split N/M      only part N of M of the coded responses (as evaluate)\n"
	"  --format F       'table' (the default) or 'tsv' for scripts\n"
	"  --all            also list what fires in no coded response\n"
	"  --exercise CODE  which exercise, when the database holds several\n"
	"  -h, --help       show this help\n";

struct score_opts {
	struct ruleset *rs;
	const char *gold_path, *theme;
	int part, parts, tsv, all;
};

static int score_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "theme", required_argument, NULL, 't' },
		{ "split", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct score_opts *o = ctx->opts;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 't':
			o->theme = optarg;
			break;
		case 's':
			if (eval_split_parse(optarg, &o->part, &o->parts) < 0)
				return cmd_usage_error(score_usage, "--split takes N/M with 1 <= N <= "
							       "M <= 100, not '%s'", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "tsv"))
				return cmd_usage_error(score_usage, "--format takes 'table' or 'tsv', "
							       "not '%s'", optarg);
			o->tsv = !strcmp(optarg, "tsv");
			break;
		case 'a':
			o->all = 1;
			break;
		case 'h':
			return cmd_help(score_usage);
		default:
			return cmd_usage_error(score_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 3)
		return cmd_usage_error(score_usage, "score takes a database, a rules file and a "
					       "gold file");
	ctx->db_path = argv[optind];
	o->gold_path = argv[optind + 2];
	if (!(o->rs = rules_load(argv[optind + 1], e)))
		return -1;
	return CMD_GO_ON;
}

static int score_cmd_run(struct cmd_ctx *ctx, struct err *e)
{
	struct score_opts *o = ctx->opts;
	struct csv_reader *gold;
	struct score_report *r = NULL;
	int fd = -1;

	if (!(gold = gold_open(o->gold_path, &fd, e)))
		return -1;
	r = score_run(ctx->db, ctx->exercise, o->rs, gold, o->gold_path, o->part, o->parts,
		      o->theme, e);
	csv_reader_free(gold);
	close(fd);
	if (!r)
		return -1;
	if (o->parts && !o->tsv)
		printf("part %d of %d of the coded responses (--split; %ld in the other parts)\n",
		       o->part, o->parts, r->left_out);
	score_print(r, o->rs, o->tsv, o->all, stdout);
	score_report_free(r);
	return EXIT_OK;
}

static void score_release(void *opts)
{
	ruleset_free(((struct score_opts *)opts)->rs);
}

const struct cmd_ops cmd_rules_score = { score_parse, score_cmd_run, score_release,
					 sizeof(struct score_opts) };
