/*
 * collector rejects: every row an import rejected and has not been fixed
 * since, with where it was, why, and what it said (personal data redacted
 * unless asked for), so an officer can correct it and import it again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "csv.h"
#include "db.h"
#include "redact.h"
#include "utf8.h"

static const char usage[] =
	"usage: collector rejects DB [--import N] [--file NAME] [--format table|csv]\n"
	"                            [--all] [--show-personal] [--exercise CODE]\n"
	"\n"
	"Lists the rows that imports rejected and no later import has fixed: the\n"
	"import (its number), the file, the line or record, why it was rejected and\n"
	"the row as it was read. Correct those rows in the file (or in a new file\n"
	"with only them) and import it again: a later import that stores the same\n"
	"response (same survey id, serial number or content) closes its rejects.\n"
	"A row rejected because its id came twice in its file is closed by a later\n"
	"import that reads that id once more and finds it imported.\n"
	"\n"
	"E-mail addresses, phone numbers, NHS numbers, postcodes and names in the\n"
	"rows are replaced by [email], [phone], ... unless --show-personal is given.\n"
	"\n"
	"  --import N        only the rows rejected by import N\n"
	"  --file NAME       only the rows of that file (its name, or as given)\n"
	"  --format FORMAT   table (the default) or csv\n"
	"  --all             the rows fixed (or rejected again) by later imports too,\n"
	"                    with the import that did it\n"
	"  --show-personal   the rows exactly as they were: the output then holds\n"
	"                    personal data; keep it as safe as the database\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n";

struct rejects_opts {
	long long exercise, batch; /* batch 0: every import */
	const char *file;
	int csv, all, show_personal;
};

/* 1 when the import that closed reject j rejected the same row again, 0 when it fixed it. */
#define REJECT_AGAIN_SQL \
	"EXISTS (SELECT 1 FROM reject k WHERE k.batch_id = j.closed_by_batch AND " \
	"  ((j.response_key IS NOT NULL AND k.response_key = j.response_key) OR " \
	"   (j.serial IS NOT NULL AND k.serial = j.serial)))"

static const char rejects_sql[] =
	"SELECT j.batch_id, b.file_name, j.place, j.line, j.reason, j.raw, j.closed_by_batch, "
	"  c.file_name, " REJECT_AGAIN_SQL " "
	"FROM reject j JOIN import_batch b ON b.id = j.batch_id "
	"LEFT JOIN import_batch c ON c.id = j.closed_by_batch "
	"WHERE b.exercise_id = ?1 AND (?2 = 0 OR j.batch_id = ?2) AND "
	"  (?3 IS NULL OR b.file_name = ?3 OR (length(b.file_name) > length(?3) AND "
	"   substr(b.file_name, -length(?3)) = ?3 AND "
	"   substr(b.file_name, -length(?3) - 1, 1) = '/')) AND "
	"  (?4 OR j.closed_by_batch IS NULL) "
	"ORDER BY j.batch_id, j.line, j.id";

/* Appends the UTF-8 encoding of U+FFFD. */
static size_t put_replacement(char *out, size_t o)
{
	memcpy(out + o, "\xEF\xBF\xBD", 3);
	return o + 3;
}

/*
 * The `n` bytes at `s` as valid UTF-8 safe to print: invalid bytes, NUL,
 * control characters other than tab and line breaks, and C1 controls (which
 * a terminal may obey) each become U+FFFD; CR LF and a lone CR become LF. NUL-terminated, for the caller to free(); NULL when out of memory.
 */
static char *printable(const unsigned char *s, size_t n)
{
	char *out = malloc(n * 3 + 1);
	size_t i = 0, o = 0, bad;

	if (!out)
		return NULL;
	while (i < n) {
		unsigned char ch = s[i];

		if (ch < 0x80) {
			if (ch == '\r') {
				out[o++] = '\n';
				i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
				continue;
			}
			if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f)
				o = put_replacement(out, o);
			else
				out[o++] = (char)ch;
			i++;
			continue;
		}
		/* One multi-byte sequence: its length from the lead byte, then checked. */
		{
			size_t len = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;

			if (len > n - i || !utf8_check((const char *)s + i, len, &bad) ||
			    (ch == 0xC2 && s[i + 1] < 0xA0)) {
				/* invalid, or a C1 control (U+0080..U+009F) */
				o = put_replacement(out, o);
				i += len <= n - i && utf8_check((const char *)s + i, len, &bad) ? len : 1;
				continue;
			}
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * The raw text of a reject, printable and redacted by `red` (NULL: shown as
 * it is, --show-personal); "" when none. NULL: out of memory.
 */
static char *shown_raw(sqlite3_stmt *st, int col, const struct redactor *red)
{
	const unsigned char *raw = sqlite3_column_blob(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	char *clean = printable(raw ? raw : (const unsigned char *)"", raw ? n : 0), *out;

	if (!clean || !red)
		return clean;
	out = redactor_apply(red, clean, strlen(clean), NULL);
	free(clean);
	return out;
}

static const char *text_or(sqlite3_stmt *st, int col, const char *dflt)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return v ? v : dflt;
}

/* One reject in the table: "import N  file:line  reason", then the row, indented. */
static void print_table_row(sqlite3_stmt *st, const char *raw)
{
	const char *file = text_or(st, 1, ""), *place = text_or(st, 2, "");

	printf("\nimport %lld  ", sqlite3_column_int64(st, 0));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL && !strncmp(place, "line ", 5))
		printf("%s:%lld", file, sqlite3_column_int64(st, 3));
	else
		printf("%s: %s", file, place);
	printf(": %s\n", text_or(st, 4, ""));
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		printf("  %s by import %lld (%s)\n",
		       sqlite3_column_int(st, 8) ? "rejected again" : "fixed",
		       sqlite3_column_int64(st, 6), text_or(st, 7, ""));
	if (*raw) {
		fputs("    | ", stdout);
		for (const char *p = raw; *p; p++) {
			putchar(*p);
			if (*p == '\n' && p[1])
				fputs("    | ", stdout);
		}
		if (raw[strlen(raw) - 1] != '\n')
			putchar('\n');
	} else {
		puts("    (the row was not kept)");
	}
}

static void print_csv_row(sqlite3_stmt *st, const char *raw)
{
	printf("%lld,", sqlite3_column_int64(st, 0));
	csv_write_field(stdout, text_or(st, 1, ""));
	putchar(',');
	csv_write_field(stdout, text_or(st, 2, ""));
	putchar(',');
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		printf("%lld", sqlite3_column_int64(st, 3));
	putchar(',');
	csv_write_field(stdout, text_or(st, 4, ""));
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		printf(",%s,%lld,", sqlite3_column_int(st, 8) ? "rejected-again" : "fixed",
		       sqlite3_column_int64(st, 6));
	else
		fputs(",open,,", stdout);
	csv_write_field(stdout, raw);
	fputs("\r\n", stdout);
}

/* Lists the rejects `o` asks for on standard output. 0, or -1 with `e` set. */
static int list_rejects(sqlite3 *db, const struct rejects_opts *o, struct err *e)
{
	struct redactor *red = NULL;
	sqlite3_stmt *st;
	long long open = 0, fixed = 0;
	int rc;

	if (!o->show_personal && !(red = redactor_new(e)))
		return -1;
	if (!(st = db_prepare(db, rejects_sql, e))) {
		redactor_free(red);
		return -1;
	}
	sqlite3_bind_int64(st, 1, o->exercise);
	sqlite3_bind_int64(st, 2, o->batch);
	if (o->file)
		sqlite3_bind_text(st, 3, o->file, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, o->all);
	if (o->csv)
		fputs("import,file,place,line,reason,status,closed_by_import,row\r\n", stdout);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *raw = shown_raw(st, 5, red);

		if (!raw) {
			sqlite3_finalize(st);
			redactor_free(red);
			return err_set(e, EXIT_SYSTEM, "out of memory listing the rejected rows");
		}
		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			open++;
		else if (!sqlite3_column_int(st, 8))
			fixed++;
		if (o->csv)
			print_csv_row(st, raw);
		else
			print_table_row(st, raw);
		free(raw);
	}
	sqlite3_finalize(st);
	redactor_free(red);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the rejected rows", e);
	if (!o->csv) {
		printf("\n%lld rejected row%s to fix", open, open == 1 ? "" : "s");
		if (o->all)
			printf(", %lld fixed by later imports", fixed);
		printf("%s\n", open && !o->show_personal
				       ? " (personal data replaced by [email], [phone], ...)" : "");
	}
	return 0;
}

/* 0 when import `batch` is one of the exercise's; -1 with `e` set (EXIT_USAGE) when not. */
static int check_batch(sqlite3 *db, long long ex, long long batch, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM import_batch WHERE id = ?1 AND "
					  "exercise_id = ?2", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	sqlite3_bind_int64(st, 2, ex);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the imports", e);
	if (rc == SQLITE_DONE)
		return err_set(e, EXIT_USAGE, "--import %lld: there is no import %lld in this "
					      "exercise ('collector rejects DB --all' lists them)",
			       batch, batch);
	return 0;
}

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "import", required_argument, NULL, 'i' },
		{ "file", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "all", no_argument, NULL, 'a' },
		{ "show-personal", no_argument, NULL, 'p' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct rejects_opts *o = ctx->opts;
	long n;
	int c;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'i':
			if (cmd_parse_long("--import", optarg, 1, 1L << 62, &n, usage) < 0)
				return EXIT_USAGE;
			o->batch = n;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'F':
			if (!strcmp(optarg, "csv"))
				o->csv = 1;
			else if (strcmp(optarg, "table"))
				return cmd_usage_error(usage, "--format: '%s' is not table or csv",
						       optarg);
			break;
		case 'a':
			o->all = 1;
			break;
		case 'p':
			o->show_personal = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "rejects takes one database");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct rejects_opts *o = ctx->opts;

	o->exercise = ctx->exercise;
	if (o->batch && check_batch(ctx->db, o->exercise, o->batch, e) < 0)
		return -1;
	return list_rejects(ctx->db, o, e);
}

const struct cmd_ops cmd_rejects = { parse, run, NULL, sizeof(struct rejects_opts) };
