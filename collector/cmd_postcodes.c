/* collector postcodes: the postcode lookup that places responses in districts. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "exercise.h"
#include "postcode.h"

static const char load_usage[] =
	"usage: collector postcodes load DB FILE... [--district-column NAME] [--strict]\n"
	"\n"
	"Loads postcode lookups into DB, each file in one go (all of it or none).\n"
	"Two layouts are read, told apart by their header row:\n"
	"  - the ONS Postcode Directory (ONSPD) or National Statistics Postcode\n"
	"    Lookup (NSPL) CSV: the postcode in 'pcds' and the local authority in\n"
	"    'oslaua', 'laua' or 'ladNNcd' (e.g. lad25cd);\n"
	"  - an outward-code share table: outward_code, lad_code, share (0 to 1)\n"
	"    and optionally postcode_units.\n"
	"After full postcodes, each outward code's shares are counted from them,\n"
	"unless a share table gave that outward code.\n"
	"Rows that cannot be read are listed as FILE:LINE: reason and skipped.\n"
	"\n"
	"  --district-column NAME  the local authority column, if it is named otherwise\n"
	"  --strict                refuse a file with any bad row\n"
	"  -h, --help              show this help\n";

static const char lookup_usage[] =
	"usage: collector postcodes lookup DB POSTCODE... [--event CODE] [--district CODE]\n"
	"                                  [--threshold SHARE] [--exercise CODE]\n"
	"\n"
	"Shows which district each POSTCODE (full, or an outward code such as ST7)\n"
	"would place a response in, and why, following the order of trust: full\n"
	"postcode, then the event, then a ticked district, then the outward code\n"
	"when one district holds at least the threshold share of it.\n"
	"\n"
	"  --event CODE       the response was collected at this event\n"
	"  --district CODE    the respondent ticked this district (ONS code)\n"
	"  --threshold SHARE  decisive outward-code share, 0.5 to 1 (default: the\n"
	"                     exercise's, 0.8 unless its definition says otherwise)\n"
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  -h, --help         show this help\n";

static int load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "district-column", required_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct postcode_load_options opt = { NULL, 0, 1 };
	struct postcode_load_stats stats;
	struct err e, rejects;
	sqlite3 *db;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.district_column = optarg;
			break;
		case 's':
			opt.strict = 1;
			break;
		case 'h':
			return cmd_help(load_usage);
		default:
			return cmd_usage_error(load_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(load_usage, "load takes a database and at least one file");
	err_init(&e);
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e)))
		return err_print(&e, cmd_progname);
	for (int i = optind + 1; i < argc && rc == EXIT_OK; i++) {
		err_init(&rejects);
		if (postcode_load(db, argv[i], &opt, &stats, &rejects, &e) < 0) {
			err_print(&rejects, cmd_progname);
			rc = err_print(&e, cmd_progname);
			break;
		}
		err_print(&rejects, cmd_progname);
		printf("%s: %ld rows, %ld loaded (%s layout)", argv[i], stats.rows, stats.loaded,
		       strcmp(stats.layout, "onspd") == 0 ? "postcode directory" : "outward-code share");
		if (stats.skipped)
			printf(", %ld without a district skipped", stats.skipped);
		if (stats.rejected)
			printf(", %ld rejected", stats.rejected);
		if (stats.derived_outward)
			printf("; shares counted for %ld outward codes", stats.derived_outward);
		printf("\n");
		if (stats.rejected)
			rc = EXIT_DATA;
	}
	db_close(db, &e);
	if (rc != EXIT_OK)
		return rc;
	return (int)err_print(&e, cmd_progname);
}

static int lookup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'v' },
		{ "district", required_argument, NULL, 'd' },
		{ "threshold", required_argument, NULL, 't' },
		{ "exercise", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *event = NULL, *ticked = NULL, *code = NULL;
	char event_district[16] = "";
	double threshold = -1;
	struct postcode_resolver *r = NULL;
	struct err e;
	sqlite3 *db;
	long long ex;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			event = optarg;
			break;
		case 'd':
			ticked = optarg;
			break;
		case 't':
			if (cmd_parse_double("--threshold", optarg, 0.5, 1, &threshold,
					     lookup_usage) < 0)
				return EXIT_USAGE;
			break;
		case 'x':
			code = optarg;
			break;
		case 'h':
			return cmd_help(lookup_usage);
		default:
			return cmd_usage_error(lookup_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(lookup_usage, "lookup takes a database and a postcode");
	err_init(&e);
	if (!(db = cmd_open_reader(argv[optind], &e)))
		return err_print(&e, cmd_progname);
	if (db_pick_exercise(db, code, &ex, &e) < 0)
		goto out;
	if (event) {
		sqlite3_stmt *st = db_prepare(db, "SELECT district_code FROM event WHERE "
						  "exercise_id = ?1 AND code = ?2", &e);

		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, ex);
		sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(event_district, sizeof event_district, "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (!event_district[0]) {
			err_set(&e, EXIT_USAGE, "there is no event '%s' in this exercise: "
						"'collector status' lists them", event);
			goto out;
		}
	}
	if (!(r = postcode_resolver_new(db, ex, &e)))
		goto out;
	if (threshold > 0)
		postcode_resolver_set_threshold(r, threshold);
	for (int i = optind + 1; i < argc; i++) {
		struct postcode_input in = { argv[i], event_district, ticked };
		struct postcode_result res;

		if (postcode_resolve(r, &in, &res, &e) < 0)
			goto out;
		printf("%s\t%s\t%s\t%s\n", argv[i], res.district[0] ? res.district : "-", res.source,
		       res.note);
	}
out:
	postcode_resolver_free(r);
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}

static const struct command postcode_commands[] = {
	{ "load", load, "load an ONS postcode directory CSV or an outward-code share table" },
	{ "lookup", lookup, "show which district postcodes resolve to, and why" },
	{ 0 },
};

int cmd_postcodes(int argc, char **argv)
{
	return cmd_dispatch("postcodes", postcode_commands, argc, argv);
}
