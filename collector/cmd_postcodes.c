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

struct load_opts {
	struct postcode_load_options opt;
	char **files;
	int nfiles;
};

static int load_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "district-column", required_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct load_opts *o = ctx->opts;
	int c;

	(void)e;
	o->opt = (struct postcode_load_options){ NULL, 0, 1 };
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'd':
			o->opt.district_column = optarg;
			break;
		case 's':
			o->opt.strict = 1;
			break;
		case 'h':
			return cmd_help(load_usage);
		default:
			return cmd_bad_option(load_usage);
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(load_usage, "load takes a database and at least one file");
	ctx->db_path = argv[optind];
	o->files = argv + optind + 1;
	o->nfiles = argc - optind - 1;
	return CMD_GO_ON;
}

static int load_run(struct cmd_ctx *ctx, struct err *e)
{
	struct load_opts *o = ctx->opts;
	struct postcode_load_stats stats;
	struct err rejects;
	int rc = EXIT_OK;

	for (int i = 0; i < o->nfiles && rc == EXIT_OK; i++) {
		const char *file = o->files[i];

		err_init(&rejects);
		if (postcode_load(ctx->db, file, &o->opt, &stats, &rejects, e) < 0) {
			err_print(&rejects, cmd_progname);
			return -1;
		}
		err_print(&rejects, cmd_progname);
		printf("%s: %ld rows, %ld loaded (%s layout)", file, stats.rows, stats.loaded,
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
	return rc;
}

const struct cmd_ops cmd_postcodes_load = { load_parse, load_run, NULL, sizeof(struct load_opts) };

struct lookup_opts {
	const char *event, *ticked;
	double threshold;
	char **postcodes;
	int npostcodes;
};

static int lookup_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'v' },
		{ "district", required_argument, NULL, 'd' },
		{ "threshold", required_argument, NULL, 't' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct lookup_opts *o = ctx->opts;
	int c;

	(void)e;
	o->threshold = -1;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'v':
			o->event = optarg;
			break;
		case 'd':
			o->ticked = optarg;
			break;
		case 't':
			if (cmd_parse_double("--threshold", optarg, 0.5, 1, &o->threshold,
					     lookup_usage) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(lookup_usage);
		default:
			return cmd_bad_option(lookup_usage);
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(lookup_usage, "lookup takes a database and a postcode");
	ctx->db_path = argv[optind];
	o->postcodes = argv + optind + 1;
	o->npostcodes = argc - optind - 1;
	return CMD_GO_ON;
}

static int lookup_run(struct cmd_ctx *ctx, struct err *e)
{
	struct lookup_opts *o = ctx->opts;
	char event_district[16] = "";
	struct postcode_resolver *r = NULL;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;

	if (o->event) {
		sqlite3_stmt *st = db_prepare(db, "SELECT district_code FROM event WHERE "
						  "exercise_id = ?1 AND code = ?2", e);

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, ex);
		sqlite3_bind_text(st, 2, o->event, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(event_district, sizeof event_district, "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (!event_district[0])
			return err_set(e, EXIT_USAGE, "there is no event '%s' in this exercise: "
						      "'collector status' lists them", o->event);
	}
	if (!(r = postcode_resolver_new(db, ex, e)))
		return -1;
	if (o->threshold > 0)
		postcode_resolver_set_threshold(r, o->threshold);
	for (int i = 0; i < o->npostcodes; i++) {
		struct postcode_input in = { o->postcodes[i], event_district, o->ticked };
		struct postcode_result res;

		if (postcode_resolve(r, &in, &res, e) < 0)
			break;
		printf("%s\t%s\t%s\t%s\n", o->postcodes[i], res.district[0] ? res.district : "-",
		       res.source, res.note);
	}
	postcode_resolver_free(r);
	return EXIT_OK;
}

const struct cmd_ops cmd_postcodes_lookup = { lookup_parse, lookup_run, NULL,
					      sizeof(struct lookup_opts) };
