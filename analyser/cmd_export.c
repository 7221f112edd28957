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
#include "tag_state.h"
#include "ledger.h"
#include "stamp.h"

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

int cmd_export(int argc, char **argv)
{
	enum { O_HW = 256, O_THRESHOLD, O_ROUNDING, O_NO_SUPPRESS, O_LEVEL, O_STAMP, O_EXERCISE };
	static const struct option longopts[] = {
		{ "healthwatch", required_argument, NULL, O_HW },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "rounding", required_argument, NULL, O_ROUNDING },
		{ "no-suppress", no_argument, NULL, O_NO_SUPPRESS },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "stamp", no_argument, NULL, O_STAMP },
		{ "exercise", required_argument, NULL, O_EXERCISE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct export_options opt = { .rule = SDC_NHS };
	const char *out = NULL, *code = NULL;
	char stamp[64];
	struct err e;
	sqlite3 *db;
	long long ex;
	int c, no_suppress = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_HW:
			out = optarg;
			break;
		case O_THRESHOLD:
		case O_ROUNDING:
			if (cmd_parse_long(c == O_THRESHOLD ? "--threshold" : "--rounding", optarg,
					   c == O_THRESHOLD ? 0 : 1, 1000,
					   c == O_THRESHOLD ? &opt.rule.threshold : &opt.rule.rounding,
					   usage) < 0)
				return EXIT_USAGE;
			break;
		case O_NO_SUPPRESS:
			no_suppress = 1;
			break;
		case O_LEVEL:
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(usage, "--level takes 1 or 2, not '%s'", optarg);
			opt.level = atoi(optarg);
			break;
		case O_STAMP: {
			time_t t = stamp_time();
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
			opt.stamp = stamp;
			break;
		}
		case O_EXERCISE:
			code = optarg;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "export takes one database");
	if (!out)
		return cmd_usage_error(usage, "say where to write the export with --healthwatch FILE");
	if ((opt.format = export_format_of(out)) == EXPORT_UNKNOWN)
		return cmd_usage_error(usage, "%s: give the export a name ending .xlsx, .csv or .xml", out);
	if (cmd_sdc_check(&opt.rule, no_suppress, "export", usage) < 0)
		return EXIT_USAGE;
	err_init(&e);
	if (!(db = cmd_open_publisher(argv[optind], !no_suppress, &e)))
		return err_print(&e, cmd_progname);
	/* Published numbers are hidden alike in everything published from this data. */
	if (db_pick_exercise(db, code, &ex, &e) == 0 &&
	    tag_state_require_current(db, ex, argv[optind], &e) == 0 &&
	    (no_suppress || (opt.ledger = ledger_open(db, ex, &opt.rule, &e))) &&
	    export_healthwatch(db, ex, out, &opt, &e) == 0 &&
	    (!opt.ledger || ledger_commit(opt.ledger, &e) == 0 || (unlink(out), 0))) {
		char how[96];

		printf("wrote %s: theme by district, by channel and by each demographic question; "
		       "%s\n", out, cmd_sdc_text(&opt.rule, how, sizeof how));
	}
	ledger_free(opt.ledger);
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}
