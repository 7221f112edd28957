/* analyser report: "You said, we did", the public summary, as one HTML file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_sdc.h"
#include "commands.h"
#include "db.h"
#include "ledger.h"
#include "progress.h"
#include "report.h"
#include "stamp.h"
#include "tag_state.h"

static const char usage[] =
	"usage: analyser report DB --you-said-we-did OUT.html [--top N] [--stamp]\n"
	"                          [--layout statistical|pairs] [--threshold N]\n"
	"                          [--rounding N] [--no-suppress] [--exercise CODE]\n"
	"                          [--rules-only]\n"
	"\n"
	"Writes \"You said, we did\": one web page for the public and for comms\n"
	"staff. It opens with the exercise, its dates and how many people took\n"
	"part, by channel and by district. Then, for each of the themes most people\n"
	"raised: how many raised it (and how many said what works well or what\n"
	"could be better), its sub-themes, a chart and a table by district, two or\n"
	"three quotes with personal details taken out, and what was done about it\n"
	"(recorded with 'analyser action add').\n"
	"\n"
	"The page is a single file that works without a network: it can be put on\n"
	"a website, sent by e-mail or printed. It is accessible (WCAG 2.2 AA) and\n"
	"readable on a phone. Every number in it has disclosure control applied,\n"
	"exactly as 'analyser counts --format csv' publishes it, and hides alike\n"
	"what anything else published from the same data hides. The same database\n"
	"gives the same file, byte for byte, unless --stamp is given.\n"
	"\n"
	"What comms staff chose in the web service's report editor (themes and their\n"
	"order, introduction, contact details, other formats, logo, approved quotes,\n"
	"layout) is kept in the database and used here: this command publishes the\n"
	"same page as the editor's Publish button. Beside OUT.html it writes\n"
	"OUT-fragment.html: the same contents with no page around them, to paste\n"
	"into an organisation's own website.\n"
	"\n"
	"The numbers and quotes come from the rules' tags with the reviewers'\n"
	"decisions ('analyser review'), and \"How we counted\" says so; with\n"
	"--rules-only, from the rules alone.\n"
	"\n"
	"  --you-said-we-did OUT.html  the page to write (created readable only by you)\n"
	"  --top N           how many themes to show, the most raised first (default 6;\n"
	"                    given, it wins over the themes chosen in the editor)\n"
	"  --layout L        statistical (numbers, charts and tables) or pairs (short\n"
	"                    \"You said / We did\" pairs); default: as saved in the\n"
	"                    editor, else statistical\n"
	"  --stamp           say on the page the date it was produced (today, in UTC,\n"
	"                    or the date SOURCE_DATE_EPOCH gives when it is set)\n"
	"  --threshold N     hide counts from 1 to N-1 (default 8: 1 to 7 hidden)\n"
	"  --rounding N      round shown counts to the nearest N (default 5; 1: exact)\n"
	"  --no-suppress     numbers as they are: not for publication (a threshold\n"
	"                    below 2 hides nothing and needs this said)\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  --rules-only      the rules' tags alone, without the review decisions\n"
	"  -h, --help        show this help\n"
	"\n"
	"Example:\n"
	"  analyser report survey.db --you-said-we-did you-said-we-did.html --top 5\n";

/*
 * Today's date as "22 November 2025" (UTC), or the date SOURCE_DATE_EPOCH
 * gives, so that builds of the page can be repeated.
 */
static void today(char *buf, size_t cap)
{
	static const char *const months[] = {
		"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December",
	};
	time_t t = stamp_time();
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, cap, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

struct report_cmd {
	struct report_options opt;
	const char *path;
	char stamp[64];
	int no_suppress;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	enum { O_YSWD = 256, O_TOP, O_STAMP, O_THRESHOLD, O_ROUNDING, O_NO_SUPPRESS, O_LAYOUT,
	       O_RULES_ONLY };
	static const struct option longopts[] = {
		{ "you-said-we-did", required_argument, NULL, O_YSWD },
		{ "top", required_argument, NULL, O_TOP },
		{ "stamp", no_argument, NULL, O_STAMP },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "rounding", required_argument, NULL, O_ROUNDING },
		{ "no-suppress", no_argument, NULL, O_NO_SUPPRESS },
		{ "layout", required_argument, NULL, O_LAYOUT },
		{ "rules-only", no_argument, NULL, O_RULES_ONLY },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report_cmd *o = ctx->opts;
	struct report_options *opt = &o->opt;
	long n = 0;
	int c;

	*opt = (struct report_options){ .top = REPORT_TOP_DEFAULT, .rule = SDC_NHS };
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_YSWD:
			o->path = optarg;
			break;
		case O_TOP:
			if (cmd_parse_long("--top", optarg, 1, REPORT_TOP_MAX, &n, usage) < 0)
				return EXIT_USAGE;
			opt->top = (int)n;
			opt->top_given = 1;
			break;
		case O_LAYOUT:
			if (report_layout_parse(optarg, &opt->layout) < 0)
				return cmd_usage_error(usage, "--layout is statistical or pairs, not "
						       "'%s'", optarg);
			break;
		case O_STAMP:
			today(o->stamp, sizeof o->stamp);
			opt->stamp = o->stamp;
			break;
		case O_THRESHOLD:
			if (cmd_parse_long("--threshold", optarg, 0, 1000, &n, usage) < 0)
				return EXIT_USAGE;
			opt->rule.threshold = n;
			break;
		case O_ROUNDING:
			if (cmd_parse_long("--rounding", optarg, 1, 1000, &n, usage) < 0)
				return EXIT_USAGE;
			opt->rule.rounding = n;
			break;
		case O_NO_SUPPRESS:
			o->no_suppress = 1;
			break;
		case O_RULES_ONLY:
			opt->rules_only = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "report takes one database");
	if (!o->path)
		return cmd_usage_error(usage, "report needs --you-said-we-did OUT.html: the page "
				       "to write");
	if (!*o->path)
		return cmd_usage_error(usage, "--you-said-we-did needs a file name");
	if (cmd_sdc_check(&opt->rule, o->no_suppress, "report", usage) < 0)
		return EXIT_USAGE;
	ctx->db_path = argv[optind];
	if (cmd_sdc_publisher(ctx, !o->no_suppress, e) < 0)
		return -1;
	return CMD_GO_ON;
}

/* A publication whose numbers could not be recorded is taken back, page and fragment. */
static void unlink_both(const char *path)
{
	char frag[4096];

	unlink(path);
	if (report_fragment_path(path, frag, sizeof frag) == 0)
		unlink(frag);
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct report_cmd *o = ctx->opts;
	struct report_options *opt = &o->opt;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	struct progress_ticker *tick = progress_ticker_start(1, "report");
	long long waiting = 0;
	/* Published numbers are hidden alike in everything published from this data. */
	int done;

	opt->tick = tick;
	done = tag_state_require_current(db, ex, ctx->db_path, e) == 0 &&
		cmd_safeguarding_waiting(db, ex, &waiting, e) == 0 &&
		(o->no_suppress ||
		 (opt->ledger = ledger_open_tags(db, ex, &opt->rule, opt->rules_only, e))) &&
		report_publish(db, ex, o->path, opt, e) == 0 &&
		(!opt->ledger || ledger_commit(opt->ledger, e) == 0 || (unlink_both(o->path), 0));

	progress_ticker_stop(tick); /* its line cleared before anything is said */
	if (done) {
		printf("wrote %s and its fragment for a website\n", o->path);
		cmd_safeguarding_warn(waiting, ctx->db_path);
	}
	ledger_free(opt->ledger);
	return EXIT_OK;
}

const struct cmd_ops cmd_report = { parse, run, NULL, sizeof(struct report_cmd) };
