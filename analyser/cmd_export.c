/* analyser export: theme counts for Healthwatch, with disclosure control. */
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
#include "export.h"
#include "ledger.h"
#include "progress.h"
#include "stamp.h"
#include "tag_state.h"

static const char usage[] =
	"usage: analyser export DB --healthwatch OUT.xlsx|OUT.csv|OUT.xml\n"
	"                          [--threshold N] [--rounding N] [--no-suppress]\n"
	"                          [--level 1|2] [--stamp]\n"
	"                          [--exercise CODE]\n"
	"\n"
	"Writes the tables Healthwatch asks for: respondents mentioning each theme\n"
	"by district, by channel and by each demographic question (age, sex,\n"
	"ethnicity, disability, carer), with disclosure control applied: counts\n"
	"from 1 to 7 shown as '*', the others rounded to the nearest 5, and further\n"
	"cells hidden so that no hidden count can be worked out from the totals.\n"
	"A Notes sheet says exactly how, with the rule-set version and dates.\n"
	"Everything published from the same data hides alike (it is recorded in\n"
	"the database), so tables published apart give no hidden count away.\n"
	"\n"
	"The file's ending chooses the format: .xlsx (a sheet per table and the\n"
	"notes), .csv (one long table with a 'table' column; the notes last) or\n"
	"  .xml. The same database and rules always give the same bytes.\n"
	"\n"
	"  --healthwatch FILE  where to write the export (readable only by you)\n"
	"  --threshold N       hide counts from 1 to N-1 (default 8)\n"
	"  --rounding N        round shown counts to the nearest N (default 5)\n"
	"  --no-suppress       counts as they are: not for publication (a threshold\n"
	"                      below 2 hides nothing and needs this said)\n"
	"  --level N           only themes down to level N (default: all)\n"
	"  --stamp             say in the notes when the file was produced (now, in\n"
	"                      UTC, or the time SOURCE_DATE_EPOCH gives when it is set)\n"
	"  --exercise CODE     which exercise, when the database holds several\n"
	"  -h, --help          show this help\n";

struct export_cmd {
	struct export_options opt;
	const char *out;
	char stamp[64];
	int no_suppress;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	enum { O_HW = 256, O_THRESHOLD, O_ROUNDING, O_NO_SUPPRESS, O_LEVEL, O_STAMP };
	static const struct option longopts[] = {
		{ "healthwatch", required_argument, NULL, O_HW },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "rounding", required_argument, NULL, O_ROUNDING },
		{ "no-suppress", no_argument, NULL, O_NO_SUPPRESS },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "stamp", no_argument, NULL, O_STAMP },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct export_cmd *o = ctx->opts;
	struct export_options *opt = &o->opt;
	int c;

	opt->rule = (struct sdc_rule)SDC_NHS;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_HW:
			o->out = optarg;
			break;
		case O_THRESHOLD:
		case O_ROUNDING:
			if (cmd_parse_long(c == O_THRESHOLD ? "--threshold" : "--rounding", optarg,
					   c == O_THRESHOLD ? 0 : 1, 1000,
					   c == O_THRESHOLD ? &opt->rule.threshold : &opt->rule.rounding,
					   usage) < 0)
				return EXIT_USAGE;
			break;
		case O_NO_SUPPRESS:
			o->no_suppress = 1;
			break;
		case O_LEVEL:
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(usage, "--level takes 1 or 2, not '%s'", optarg);
			opt->level = atoi(optarg);
			break;
		case O_STAMP: {
			time_t t = stamp_time();
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(o->stamp, sizeof o->stamp, "%Y-%m-%d %H:%M UTC", &tm);
			opt->stamp = o->stamp;
			break;
		}
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "export takes one database");
	if (!o->out)
		return cmd_usage_error(usage, "say where to write the export with --healthwatch FILE");
	if ((opt->format = export_format_of(o->out)) == EXPORT_UNKNOWN)
		return cmd_usage_error(usage, "%s: give the export a name ending .xlsx, .csv or .xml",
				       o->out);
	if (cmd_sdc_check(&opt->rule, o->no_suppress, "export", usage) < 0)
		return EXIT_USAGE;
	ctx->db_path = argv[optind];
	if (cmd_sdc_publisher(ctx, !o->no_suppress, e) < 0)
		return -1;
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct export_cmd *o = ctx->opts;
	struct export_options *opt = &o->opt;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	struct progress_ticker *tick = progress_ticker_start(1, "export");
	/* Published numbers are hidden alike in everything published from this data. */
	int done = tag_state_require_current(db, ex, ctx->db_path, e) == 0 &&
		(o->no_suppress || (opt->ledger = ledger_open(db, ex, &opt->rule, e))) &&
		export_healthwatch(db, ex, o->out, opt, e) == 0 &&
		(!opt->ledger || ledger_commit(opt->ledger, e) == 0 || (unlink(o->out), 0));

	progress_ticker_stop(tick); /* its line cleared before anything is said */
	if (done) {
		char how[96];

		printf("wrote %s: theme by district, by channel and by each demographic question; "
		       "%s\n", o->out, cmd_sdc_text(&opt->rule, how, sizeof how));
	}
	ledger_free(opt->ledger);
	return EXIT_OK;
}

const struct cmd_ops cmd_export = { parse, run, NULL, sizeof(struct export_cmd) };
