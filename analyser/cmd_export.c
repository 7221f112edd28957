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
#include "crosswalk.h"
#include "db.h"
#include "export.h"
#include "ledger.h"
#include "progress.h"
#include "refi.h"
#include "stamp.h"
#include "tag_state.h"

static const char usage[] =
	"usage: analyser export DB [--healthwatch OUT.xlsx|OUT.csv|OUT.xml]\n"
	"                          [--tables OUT.xlsx|OUT.csv] [--rows OUT.xlsx|OUT.csv]\n"
	"                          [--threshold N] [--rounding N] [--no-suppress]\n"
	"                          [--level 1|2] [--stamp] [--raw-text]\n"
	"                          [--crosswalk FILE] [--rules-only] [--codebook OUT.qdc]\n"
	"                          [--qdpx OUT.qdpx]\n"
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
	"--healthwatch lays them out for reading: .xlsx (a sheet per table and the\n"
	"notes), .csv (one long table with a 'table' column; the notes last) or\n"
	"  .xml. --tables gives the same numbers as data, for a pivot table, R or\n"
	"Python: one header row, codes and labels in their own columns, counts as\n"
	"numbers with a status column (shown, rounded, suppressed), totals flagged\n"
	"in a 'total' column; in a workbook, one Excel table a sheet. The same\n"
	"database and rules always give the same bytes.\n"
	"\n"
	"--rows is for analysts inside the organisation, not for publication: one\n"
	"row per response and free-text answer, with its district, channel, event,\n"
	"form, demographics, the answer (personal data redacted) and its themes.\n"
	"Disclosure control does not apply to rows: never publish them.\n"
	"\n"
	"The tags counted are the rules' with the reviewers' decisions ('analyser\n"
	"review'), and the notes say so; --rules-only counts the rules' alone. The\n"
	"rows give both, and the decisions with their reasons (redacted).\n"
	"--codebook and --qdpx are for qualitative-analysis tools (NVivo, ATLAS.ti,\n"
	"MAXQDA, QualCoder) in the REFI-QDA exchange format: the themes as a\n"
	"codebook, or a project with every counted free-text answer as a text\n"
	"source (redacted; as written with --raw-text) and every tag as a coding\n"
	"of the words that matched. Like --rows they are not for publication.\n"
	"docs/refi-qda.md describes them.\n"
	"\n"
	"Every export gets a data dictionary beside it (every column: name, type,\n"
	"meaning, allowed values): OUT.dictionary.csv beside OUT.csv,\n"
	"OUT.xlsx.dictionary.csv beside OUT.xlsx; --tables in CSV also writes\n"
	"OUT.notes.csv. docs/export.md describes them.\n"
	"\n"
	"  --healthwatch FILE  the tables laid out for reading (readable only by you)\n"
	"  --tables FILE       the tables as data (readable only by you)\n"
	"  --rows FILE         one row per free-text answer, not for publication\n"
	"  --codebook FILE     the themes as a REFI-QDA codebook (.qdc)\n"
	"  --qdpx FILE         the answers and their tags as a REFI-QDA project (.qdpx)\n"
	"  --raw-text          --rows and --qdpx with the answers as written, personal\n"
	"                      data and all (says so on stderr)\n"
	"  --crosswalk FILE    lay the themes onto the recipient's own categories and\n"
	"                      headings (docs/crosswalk.md); default: the Healthwatch\n"
	"                      layout, samples/crosswalks/healthwatch.xml\n"
	"  --threshold N       hide counts from 1 to N-1 (default 8)\n"
	"  --rounding N        round shown counts to the nearest N (default 5)\n"
	"  --no-suppress       counts as they are: not for publication (a threshold\n"
	"                      below 2 hides nothing and needs this said)\n"
	"  --level N           only themes down to level N (default: all)\n"
	"  --stamp             say in the notes when the file was produced (now, in\n"
	"                      UTC, or the time SOURCE_DATE_EPOCH gives when it is set)\n"
	"  --rules-only        the rules' tags alone, without the review decisions\n"
	"  --exercise CODE     which exercise, when the database holds several\n"
	"  -h, --help          show this help\n";

struct export_cmd {
	struct export_options opt;
	const char *out, *tables, *rows, *crosswalk, *codebook, *qdpx;
	char stamp[64];
	int no_suppress, raw;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	enum { O_HW = 256, O_TABLES, O_ROWS, O_RAW, O_CROSSWALK, O_THRESHOLD, O_ROUNDING, O_NO_SUPPRESS, O_LEVEL, O_STAMP,
	       O_RULES_ONLY, O_CODEBOOK, O_QDPX };
	static const struct option longopts[] = {
		{ "healthwatch", required_argument, NULL, O_HW },
		{ "tables", required_argument, NULL, O_TABLES },
		{ "rows", required_argument, NULL, O_ROWS },
		{ "raw-text", no_argument, NULL, O_RAW },
		{ "crosswalk", required_argument, NULL, O_CROSSWALK },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "rounding", required_argument, NULL, O_ROUNDING },
		{ "no-suppress", no_argument, NULL, O_NO_SUPPRESS },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "stamp", no_argument, NULL, O_STAMP },
		{ "rules-only", no_argument, NULL, O_RULES_ONLY },
		{ "codebook", required_argument, NULL, O_CODEBOOK },
		{ "qdpx", required_argument, NULL, O_QDPX },
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
		case O_TABLES:
			o->tables = optarg;
			break;
		case O_ROWS:
			o->rows = optarg;
			break;
		case O_RAW:
			o->raw = 1;
			break;
		case O_RULES_ONLY:
			opt->rules_only = 1;
			break;
		case O_CODEBOOK:
			o->codebook = optarg;
			break;
		case O_QDPX:
			o->qdpx = optarg;
			break;
		case O_CROSSWALK:
			o->crosswalk = optarg;
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
	if (!o->out && !o->tables && !o->rows && !o->codebook && !o->qdpx)
		return cmd_usage_error(usage, "say where to write the export with --healthwatch FILE, "
				       "--tables FILE, --rows FILE, --codebook FILE or --qdpx FILE");
	if (o->out && (opt->format = export_format_of(o->out)) == EXPORT_UNKNOWN)
		return cmd_usage_error(usage, "%s: give the export a name ending .xlsx, .csv or .xml",
				       o->out);
	for (int i = 0; i < 2; i++) {
		const char *f = i ? o->rows : o->tables;
		enum export_format k = f ? export_format_of(f) : EXPORT_CSV;

		if (k != EXPORT_CSV && k != EXPORT_XLSX)
			return cmd_usage_error(usage, "%s: give %s a name ending .xlsx or .csv", f,
					       i ? "--rows" : "--tables");
	}
	if (o->crosswalk && !o->out && !o->tables)
		return cmd_usage_error(usage, "--crosswalk is for --healthwatch and --tables: rows "
				       "keep the rule set's themes");
	if (o->raw && !o->rows && !o->qdpx)
		return cmd_usage_error(usage, "--raw-text is for --rows and --qdpx: the tables have "
				       "no text");
	if ((o->out || o->tables) && cmd_sdc_check(&opt->rule, o->no_suppress, "export", usage) < 0)
		return EXIT_USAGE;
	ctx->db_path = argv[optind];
	if (cmd_sdc_publisher(ctx, (o->out || o->tables) && !o->no_suppress, e) < 0)
		return -1;
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct export_cmd *o = ctx->opts;
	struct export_options *opt = &o->opt;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	int publish = o->out || o->tables, wrote_hw = 0, wrote_tables = 0, wrote_rows = 0;
	struct refi_project_stats qs = { 0 };
	struct progress_ticker *tick = NULL;
	struct crosswalk *cw = NULL;
	char how[96];

	if (tag_state_require_current(db, ex, ctx->db_path, e) < 0)
		return -1;
	if (o->crosswalk && !(cw = crosswalk_load(o->crosswalk, e)))
		return -1;
	opt->crosswalk = cw;
	for (int i = 0; i < 2 && o->raw; i++)
		if (i ? o->qdpx != NULL : o->rows != NULL)
			cmd_warn("--raw-text: %s holds what respondents wrote as they wrote it, names, "
				 "phone numbers and all; keep it inside the organisation and delete it "
				 "when done", i ? o->qdpx : o->rows);
	tick = progress_ticker_start(1, "export");
	if (tick) {
		/* Steps: each table counted, for each set of tables; then each other file. */
		long long ndemo = 0, steps;
		char id[32];

		snprintf(id, sizeof id, "%lld", ex);
		if (db_int(db, "SELECT count(*) FROM question q JOIN questionnaire n ON n.id = "
			   "q.questionnaire_id WHERE n.exercise_id = ?1 AND n.variant = 'standard' "
			   "AND q.type = 'demographic'", 0, &ndemo, e, 1, id) < 0)
			goto out;
		steps = (2 + ndemo) * ((o->out != NULL) + (o->tables != NULL)) + (o->rows != NULL) +
			(o->codebook != NULL) + (o->qdpx != NULL);
		progress_ticker_steps(tick, 0, steps);
		opt->tick = tick;
	}
	/* Published numbers are hidden alike in everything published from this data. */
	if (publish && !o->no_suppress &&
	    !(opt->ledger = ledger_open_tags(db, ex, &opt->rule, opt->rules_only, e)))
		goto out;
	if (o->out && export_healthwatch(db, ex, o->out, opt, e) < 0)
		goto out;
	wrote_hw = o->out != NULL;
	if (o->tables) {
		struct export_options t = *opt;

		t.format = export_format_of(o->tables);
		if (export_tables(db, ex, o->tables, &t, e) < 0)
			goto out;
		wrote_tables = 1;
	}
	if (opt->ledger && ledger_commit(opt->ledger, e) < 0)
		goto out;
	if (o->rows) {
		struct export_options r = *opt;

		r.format = export_format_of(o->rows);
		if (export_rows(db, ex, o->rows, &r, o->raw, e) < 0)
			goto out;
		wrote_rows = 1;
		progress_ticker_step(tick);
	}
	if (o->codebook) {
		if (refi_codebook_export(db, ex, o->codebook, e) < 0)
			goto out;
		progress_ticker_step(tick);
	}
	if (o->qdpx) {
		if (refi_project_export(db, ex, o->qdpx, o->raw, opt->rules_only, &qs, e) < 0)
			goto out;
		progress_ticker_step(tick);
	}
	progress_ticker_stop(tick); /* its line cleared before anything is said */
	tick = NULL;
	if (o->out)
		printf("wrote %s: theme by district, by channel and by each demographic question; "
		       "%s\n", o->out, cmd_sdc_text(&opt->rule, how, sizeof how));
	if (o->tables)
		printf("wrote %s: the same tables as data, with a data dictionary beside it; %s\n",
		       o->tables, cmd_sdc_text(&opt->rule, how, sizeof how));
	if (wrote_rows)
		printf("wrote %s: one row per free-text answer%s, with a data dictionary beside it; "
		       "not for publication (no disclosure control)\n", o->rows,
		       o->raw ? " (not redacted)" : " (redacted)");
	if (o->codebook)
		printf("wrote %s: the themes as a REFI-QDA codebook\n", o->codebook);
	if (o->qdpx)
		printf("wrote %s: a REFI-QDA project, %ld answer%s%s as sources and %ld tag%s as "
		       "codings; not for publication\n", o->qdpx, qs.sources, qs.sources == 1 ? "" : "s",
		       o->raw ? " (not redacted)" : " (redacted)", qs.codings,
		       qs.codings == 1 ? "" : "s");
	if (o->qdpx && qs.decisions)
		printf("the project's codings are the tags as counted: the rules' with the reviewers' "
		       "decisions (%ld added, each coding its whole answer; removed tags left out)\n",
		       qs.added);
out:
	progress_ticker_stop(tick);
	/* What the ledger does not record is not published: the numbers would be
	   hidden unlike those published later. */
	if (e->code && wrote_hw)
		export_remove(o->out, 0);
	if (e->code && wrote_tables)
		export_remove(o->tables, export_format_of(o->tables) == EXPORT_CSV);
	ledger_free(opt->ledger);
	crosswalk_free(cw);
	return e->code ? -1 : EXIT_OK;
}

const struct cmd_ops cmd_export = { parse, run, NULL, sizeof(struct export_cmd) };
