/* collector import: survey exports into the database, every row accounted for. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "exercise.h"
#include "import.h"
#include "mapping.h"

static const char usage[] =
	"usage: collector import DB FILE... --map MAPPING [options]\n"
	"\n"
	"Imports survey exports into DB: CSV (Google Forms, SurveyMonkey, any\n"
	"spreadsheet saved as CSV), XLSX (Citizen Space, Microsoft Forms,\n"
	"SmartSurvey), ODK/KoboToolbox submissions (a folder of XML instances, or\n"
	"one), and LimeSurvey response exports (.lsr). The mapping file says which\n"
	"column is which question (docs/mapping-format.md).\n"
	"\n"
	"Each file is imported whole or not at all. Every row is accounted for:\n"
	"imported, skipped as already in the database, or rejected with\n"
	"FILE:LINE: reason (kept in the database; 'collector status' counts them).\n"
	"Importing the same file again adds nothing.\n"
	"\n"
	"  --map MAPPING         the mapping file (required)\n"
	"  --format FORMAT       csv, xlsx, xform or limesurvey (default: the\n"
	"                        mapping's, else told from the file)\n"
	"  --channel CHANNEL     online, paper, easy-read-paper or event-card\n"
	"                        (default: the mapping's, else online)\n"
	"  --form FORM           standard or easy-read (default: the mapping's)\n"
	"  --event CODE          every response was collected at this event\n"
	"  --officer NAME        who typed the forms in\n"
	"  --sheet NAME          XLSX: the sheet to read (default: the first)\n"
	"  --xform FILE          ODK: the form definition\n"
	"  --structure FILE      LimeSurvey: the .lss survey structure\n"
	"                        (a .lsa survey archive holds its own)\n"
	"  --threshold SHARE     decisive outward-code share, 0.5 to 1\n"
	"  --exercise CODE       which exercise, when the database holds several\n"
	"  --strict              refuse a file with any rejected row\n"
	"  -q, --quiet           no progress line (on a terminal it shows rows, rows a\n"
	"                        second and, for CSV, percent done and time left)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 everything imported; 1 some rows were rejected (the rest\n"
	"were imported) or a file was refused; 2 wrong command line; 3 system or\n"
	"database error.\n";

/* "Cannock Chase 20, Tamworth 14, not known 3" for one batch. */
static void print_districts(const struct import_stats *st)
{
	for (size_t i = 0; i < st->ndistricts; i++)
		printf("%s %s %ld", i ? "," : "  by district:", st->districts[i].name,
		       st->districts[i].count);
	if (st->ndistricts)
		printf("\n");
}

/* What importing `path` did: the counts, what was skipped or flagged, the districts. */
static void print_summary(const char *path, const struct import_stats *st)
{
	printf("%s: %ld read, %ld imported, %ld rejected, %ld already in the database "
	       "(%s, import %lld)\n",
	       path, st->read, st->accepted, st->rejected, st->duplicates, st->format,
	       st->batch_id);
	if (st->erased)
		printf("  %ld skipped: erased earlier at the respondent's request "
		       "(see 'collector erase')\n", st->erased);
	if (st->outside)
		printf("  %ld dated outside the exercise's opening and closing dates: kept and "
		       "flagged ('analyser counts --within-dates' leaves them out; "
		       "<submitted outside=\"reject\"> in the mapping rejects them)\n",
		       st->outside);
	if (st->replaced)
		printf("  %ld replaced by edits: an edited submission took the place of "
		       "the earlier response\n", st->replaced);
	if (st->superseded)
		printf("  %ld skipped: replaced by a later edit (meta/deprecatedID), "
		       "not another person\n", st->superseded);
	if (st->cross_checked)
		printf("  %ld stored as given though they break a cross-field check of the "
		       "exercise (an exclusive option with another, or a question their answers "
		       "skip): see the warnings\n", st->cross_checked);
	if (st->no_answer)
		printf("  %ld cells read as no answer (the mapping's <no-answer> values)\n",
		       st->no_answer);
	print_districts(st);
}

struct import_cmd {
	struct import_options opt;
	struct mapping *m;
	char **files;
	int nfiles;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "channel", required_argument, NULL, 'c' },
		{ "form", required_argument, NULL, 'F' },
		{ "event", required_argument, NULL, 'v' },
		{ "officer", required_argument, NULL, 'o' },
		{ "sheet", required_argument, NULL, 's' },
		{ "xform", required_argument, NULL, 'X' },
		{ "structure", required_argument, NULL, 'S' },
		{ "threshold", required_argument, NULL, 't' },
		CMD_EXERCISE_OPTION,
		{ "strict", no_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct import_cmd *o = ctx->opts;
	struct import_options *opt = &o->opt;
	const char *map_path = NULL;
	int c;

	opt->progress = 1;
	while ((c = cmd_getopt(ctx, argc, argv, "qh", longopts)) != -1) {
		switch (c) {
		case 'm': map_path = optarg; break;
		case 'f': opt->format = optarg; break;
		case 'c': opt->channel = optarg; break;
		case 'F': opt->form = optarg; break;
		case 'v': opt->event = optarg; break;
		case 'o': opt->officer = optarg; break;
		case 's': opt->src.sheet = optarg; break;
		case 'X': opt->src.form_path = optarg; break;
		case 'S': opt->src.structure = optarg; break;
		case 'r': opt->strict = 1; break;
		case 'q': opt->progress = 0; break;
		case 't':
			if (cmd_parse_double("--threshold", optarg, 0.5, 1, &opt->threshold, usage) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(usage, "import takes a database and at least one file");
	if (!map_path)
		return cmd_usage_error(usage, "import needs --map MAPPING: which column is which "
					      "question");
	if (opt->format && strcmp(opt->format, "csv") && strcmp(opt->format, "xlsx") &&
	    strcmp(opt->format, "xform") && strcmp(opt->format, "limesurvey"))
		return cmd_usage_error(usage, "unknown format '%s'", opt->format);
	if (!(o->m = mapping_load(map_path, e)))
		return -1;
	opt->src.header_rows = o->m->header_rows;
	opt->src.separator = o->m->separator;
	if (!opt->src.sheet)
		opt->src.sheet = o->m->sheet;
	if (!ctx->exercise_code)
		ctx->exercise_code = o->m->exercise;
	ctx->db_path = argv[optind];
	o->files = argv + optind + 1;
	o->nfiles = argc - optind - 1;
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct import_cmd *o = ctx->opts;
	struct err rejects, warnings;
	int rc = EXIT_OK;

	for (int i = 0; i < o->nfiles; i++) {
		const char *file = o->files[i];
		struct import_stats st;

		err_init(&rejects);
		err_init(&warnings);
		if (import_file(ctx->db, ctx->exercise, o->m, file, &o->opt, &st, &rejects,
				&warnings, e) < 0) {
			err_print(&warnings, cmd_progname);
			err_print(&rejects, cmd_progname);
			fprintf(stderr, "%s: %s was not imported: the database is unchanged\n",
				cmd_progname, file);
			rc = e->code == EXIT_OK ? EXIT_DATA : e->code;
			err_print(e, cmd_progname);
			err_init(e);
			if (rc == EXIT_SYSTEM || rc == EXIT_USAGE)
				break;
			continue;
		}
		err_print(&warnings, cmd_progname);
		if (st.already) {
			printf("%s: already imported with this mapping (import %lld): nothing to do\n",
			       file, st.batch_id);
			continue;
		}
		err_print(&rejects, cmd_progname);
		print_summary(file, &st);
		import_stats_free(&st);
		if (st.rejected && rc == EXIT_OK)
			rc = EXIT_DATA;
	}
	return rc;
}

static void release(void *opts)
{
	mapping_free(((struct import_cmd *)opts)->m);
}

const struct cmd_ops cmd_import = { parse, run, release, sizeof(struct import_cmd) };
