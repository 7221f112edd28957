/* analyser counts: respondents mentioning each theme, by district or other dimensions. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_sdc.h"
#include "commands.h"
#include "counts.h"
#include "db.h"
#include "fileutil.h"
#include "outfile.h"
#include "tag_state.h"
#include "term.h"
#include "ledger.h"

static const char usage[] =
	"usage: analyser counts DB [--by DIM[,DIM]] [--theme CODE] [--level 1|2]\n"
	"                          [--percent] [--format table|csv|json|xml]\n"
	"                          [--suppress | --no-suppress] [--threshold N] [--rounding N]\n"
	"                          [--output FILE] [--exercise CODE] [--within-dates]\n"
	"                          [--width N] [--rules-only]\n"
	"\n"
	"Counts the respondents who mentioned each theme (sub-themes indented\n"
	"under their parent, and counted toward it), with totals, a row for any\n"
	"theme and the number of respondents who could have mentioned it. Each\n"
	"respondent counts once in a cell however many answers mention the theme.\n"
	"Only responses that count for analysis are counted (not forms waiting for\n"
	"a second entry or with differences).\n"
	"\n"
	"The tags counted are the rules' with the reviewers' decisions in force\n"
	"('analyser review'): a tag removed is not counted, a theme added is;\n"
	"--rules-only counts the rules' tags alone. Without decisions both are the\n"
	"same.\n"
	"\n"
	"With no --by the table is the headline: themes by district. --by names\n"
	"what to split by: district, channel, event, form (standard or Easy Read),\n"
	"question (the free-text question the theme was mentioned under), polarity\n"
	"(what works well, what could be better, other) or the code of a\n"
	"demographic question such as AGE. Two, as in --by district,channel, give\n"
	"a crosstab of the two for each theme.\n"
	"\n"
	"Disclosure control: before publication, counts from 1 to 7 are shown as\n"
	"'*' and the others rounded to the nearest 5; further cells are hidden so\n"
	"that no hidden count can be worked out from the totals. It is on for csv,\n"
	"json and xml and off for the table, which is for reading on screen.\n"
	"What csv, json and xml publish is recorded in the database, so that every\n"
	"table published from the same data hides alike and none gives away a\n"
	"count another hid.\n"
	"\n"
	"  --by DIM[,DIM]    what to split by (default: district)\n"
	"  --theme CODE      only this theme and its sub-themes\n"
	"  --level N         only themes down to level N (1: top-level themes)\n"
	"  --percent         table: percentages of the respondents in each column\n"
	"  --format F        table (default), csv, json or xml\n"
	"  --suppress        apply disclosure control (the default for csv, json, xml)\n"
	"  --no-suppress     show small counts as they are: not for publication\n"
	"  --threshold N     hide counts from 1 to N-1 (default 8: 1 to 7 hidden);\n"
	"                    csv, json and xml need 2 or more unless --no-suppress\n"
	"  --rounding N      round shown counts to the nearest N (default 5; 1: exact)\n"
	"  --output FILE     write to FILE (created readable only by you)\n"	"  --width N         table: fit it into N columns, the columns in blocks under\n"
	"                    the theme names (default: the terminal's width; into a\n"
	"                    file or a pipe, 0: as wide as it needs)\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  --within-dates    table: leave out responses dated outside the exercise's\n"
	"                    opening and closing dates (the import flags them)\n"
	"  --rules-only      the rules' tags alone, without the review decisions\n"
	"  -h, --help        show this help\n"
	"\n"
	"Examples:\n"
	"  analyser counts survey.db\n"
	"  analyser counts survey.db --by channel --percent\n"
	"  analyser counts survey.db --by district,AGE --theme ACCESS --format csv\n";

struct counts_opts {
	struct count_output o;
	struct sdc_rule rule;
	const char *by, *output;
	int within, rules_only;
	long width; /* --width; -1 when not given */
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	enum { O_PERCENT = 256, O_LEVEL, O_BY, O_THEME, O_FORMAT, O_SUPPRESS,
	       O_NO_SUPPRESS, O_THRESHOLD, O_ROUNDING, O_OUTPUT, O_WITHIN, O_WIDTH, O_RULES_ONLY };
	static const struct option longopts[] = {
		{ "percent", no_argument, NULL, O_PERCENT },
		{ "level", required_argument, NULL, O_LEVEL },
		CMD_EXERCISE_OPTION,
		{ "by", required_argument, NULL, O_BY },
		{ "theme", required_argument, NULL, O_THEME },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "suppress", no_argument, NULL, O_SUPPRESS },
		{ "no-suppress", no_argument, NULL, O_NO_SUPPRESS },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "rounding", required_argument, NULL, O_ROUNDING },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "within-dates", no_argument, NULL, O_WITHIN },
		{ "width", required_argument, NULL, O_WIDTH },
		{ "rules-only", no_argument, NULL, O_RULES_ONLY },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const formats[] = { "table", "csv", "json", "xml", NULL };
	struct counts_opts *co = ctx->opts;
	struct count_output *o = &co->o;
	int c, suppress = -1;
	long n = 0;

	o->format = COUNT_TABLE;
	co->rule = (struct sdc_rule)SDC_NHS;
	co->width = -1;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_PERCENT:
			o->percent = 1;
			break;
		case O_LEVEL:
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(usage, "--level takes 1 or 2, not '%s'", optarg);
			o->max_depth = atoi(optarg);
			break;
		case O_BY:
			co->by = optarg;
			break;
		case O_THEME:
			o->theme = optarg;
			break;
		case O_FORMAT: {
			size_t k;

			for (k = 0; formats[k] && strcmp(formats[k], optarg); k++)
				;
			if (!formats[k])
				return cmd_usage_error(usage, "--format takes table, csv, json or xml, "
						       "not '%s'", optarg);
			o->format = (enum count_format)k;
			break;
		}
		case O_SUPPRESS:
			suppress = 1;
			break;
		case O_NO_SUPPRESS:
			suppress = 0;
			break;
		case O_THRESHOLD:
			if (cmd_parse_long("--threshold", optarg, 0, 1000, &n, usage) < 0)
				return EXIT_USAGE;
			co->rule.threshold = n;
			break;
		case O_ROUNDING:
			if (cmd_parse_long("--rounding", optarg, 1, 1000, &n, usage) < 0)
				return EXIT_USAGE;
			co->rule.rounding = n;
			break;
		case O_OUTPUT:
			co->output = optarg;
			break;
		case O_WITHIN:
			co->within = 1;
			break;
		case O_RULES_ONLY:
			co->rules_only = 1;
			break;
		case O_WIDTH:
			if (cmd_parse_long("--width", optarg, 0, 10000, &co->width, usage) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "counts takes one database");
	if (suppress < 0)
		suppress = o->format != COUNT_TABLE;
	if (suppress && o->format != COUNT_TABLE &&
	    cmd_sdc_check(&co->rule, 0, formats[o->format], usage) < 0)
		return EXIT_USAGE;
	if (suppress)
		o->suppress = &co->rule;
	else if (o->format != COUNT_TABLE)
		cmd_warn("small counts are shown as they are (--no-suppress): do not publish this");
	if (o->percent && o->format != COUNT_TABLE)
		return cmd_usage_error(usage, "--percent is for the table: csv, json and xml "
				       "always carry the percentage");
	/* Published beside counts of every response, the difference would show small numbers. */
	if (co->within && o->format != COUNT_TABLE)
		return cmd_usage_error(usage, "--within-dates is for the table: to leave responses "
				       "dated outside the exercise out of what is published, import "
				       "with <submitted outside=\"reject\"> in the mapping");
	/* On a terminal the table fits it; into a file or a pipe it is as wide as it needs. */
	if (o->format == COUNT_TABLE)
		o->width = co->width >= 0 ? (int)co->width : co->output ? 0 : term_width(STDOUT_FILENO);
	ctx->db_path = argv[optind];
	if (cmd_sdc_publisher(ctx, o->suppress && o->format != COUNT_TABLE, e) < 0)
		return -1;
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct counts_opts *co = ctx->opts;
	struct count_output *o = &co->o;
	struct count_cube *cube = NULL;
	struct out_file of = { 0 };
	FILE *held = NULL; /* the published table, until the ledger has it */
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	char *buf = NULL;
	size_t len = 0;
	long long waiting = 0;

	if (cmd_safeguarding_waiting(db, ex, &waiting, e) < 0)
		return -1;
	/* Published numbers are hidden alike in everything published from this data. */
	if ((!o->suppress || o->format == COUNT_TABLE ||
	     (o->ledger = ledger_open_tags(db, ex, &co->rule, co->rules_only, e))) &&
	    (cube = counts_build_opts(db, ex, co->by,
				      &(struct count_build_opts){ .within_dates = co->within,
								  .rules_only = co->rules_only },
				      e))) {
		FILE *out = stdout;
		struct err stale;

		/* Stale tags: refused for publication, said on screen. */
		err_init(&stale);
		if (tag_state_require_current(db, ex, ctx->db_path,
					      o->format == COUNT_TABLE ? &stale : e) < 0 &&
		    o->format != COUNT_TABLE)
			goto out;
		err_print(&stale, cmd_progname);
		if (cube->decisions && o->format == COUNT_TABLE)
			cmd_warn("counted with the review decisions ('analyser review'); --rules-only "
				 "counts the rules' tags alone");
		if (co->output && out_open(&of, co->output, e) == 0)
			out = of.f;
		else if (!co->output && o->ledger)
			/* Held back until the ledger has recorded it: nothing goes out unrecorded. */
			out = held = open_memstream(&buf, &len);
		if (!out)
			err_set(e, EXIT_SYSTEM, "out of memory");
		else if (!co->output || of.f) {
			if (counts_write(cube, o, out, e) < 0 ||
			    (held && fflush(held) != 0 && err_set(e, EXIT_SYSTEM, "out of memory")) ||
			    (o->ledger && ledger_commit(o->ledger, e) < 0))
				out_abandon(&of);
			else if (co->output)
				out_commit(&of, e);
			else if (held && len)
				fwrite(buf, 1, len, stdout); /* checked with all output, at the end */
		}
		if (!err_isset(e))
			cmd_safeguarding_warn(waiting, ctx->db_path);
	}
out:
	if (held)
		fclose(held);
	free(buf);
	ledger_free(o->ledger);
	count_cube_free(cube);
	return EXIT_OK;
}

const struct cmd_ops cmd_counts = { parse, run, NULL, sizeof(struct counts_opts) };
