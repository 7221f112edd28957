/* analyser counts: the headline, respondents mentioning each theme by district. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "counts.h"
#include "db.h"

static const char usage[] =
	"usage: analyser counts DB [--percent] [--level 1|2] [--exercise CODE]\n"
	"\n"
	"Prints the headline table: each theme (sub-themes indented under their\n"
	"parent, and counted toward it), the number of respondents who mentioned\n"
	"it in each district and in all, a row for any theme, and the number of\n"
	"respondents in each district. Only responses that count for analysis are\n"
	"counted (not forms waiting for a second entry or with differences).\n"
	"\n"
	"The table is for reading on screen: small numbers are shown as they\n"
	"are, so do not publish it as it is.\n"
	"\n"
	"  --percent         percentages of the respondents in each column\n"
	"  --level N         only themes down to level N (1: top-level themes)\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n";

int cmd_counts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "percent", no_argument, NULL, 'p' },
		{ "level", required_argument, NULL, 'l' },
		{ "exercise", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *code = NULL;
	struct count_table *t = NULL;
	struct err e;
	sqlite3 *db;
	long long ex;
	int c, percent = 0, level = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			percent = 1;
			break;
		case 'l':
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return cmd_usage_error(usage, "--level takes 1 or 2, not '%s'", optarg);
			level = atoi(optarg);
			break;
		case 'x':
			code = optarg;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "counts takes one database");
	err_init(&e);
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e)))
		return err_print(&e, cmd_progname);
	if (db_pick_exercise(db, code, &ex, &e) == 0 && (t = counts_headline(db, ex, level, &e)))
		counts_print_table(t, percent, stdout);
	count_table_free(t);
	db_close(db, &e);
	if (fflush(stdout) != 0)
		err_set(&e, EXIT_SYSTEM, "cannot write the table to standard output");
	return err_print(&e, cmd_progname);
}
