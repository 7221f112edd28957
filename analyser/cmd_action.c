/*
 * analyser action: what the partnership did about each theme, recorded by
 * comms staff for "You said, we did".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "strbuf.h"
#include "trim.h"
#include "utf8.h"

#define ACTION_TEXT_MAX 4000

const char cmd_action_usage[] =
	"usage: analyser action add DB --theme CODE --text TEXT [--owner NAME] [--date DATE]\n"
	"       analyser action list DB [--theme CODE]\n"
	"       analyser action edit DB ID [--theme CODE] [--text TEXT] [--owner NAME] [--date DATE]\n"
	"       analyser action remove DB ID\n"
	"\n"
	"Records what the partnership did about a theme people raised: the \"we did\"\n"
	"half of \"You said, we did\". Each action belongs to a theme of the rule set\n"
	"the database was tagged with (see 'analyser counts DB' for the codes), and\n"
	"the report prints it under that theme.\n"
	"\n"
	"  --theme CODE    the theme, such as ACCESS-PARKING\n"
	"  --text TEXT     what was done, in plain words; '-' reads it from standard\n"
	"                  input (several lines, end with Ctrl-D)\n"
	"  --owner NAME    who did it or is doing it: a team or a person\n"
	"  --date DATE     when it was done or is due, as YYYY-MM-DD\n"
	"  --exercise CODE which exercise, when the database holds several\n"
	"  -h, --help      show this help\n"
	"\n"
	"Example:\n"
	"  analyser action add survey.db --theme ACCESS-PARKING --owner \"Estates team\" \\\n"
	"      --date 2019-11-01 --text \"120 more parking spaces at Royal Stoke.\"\n";

struct action_opts {
	const char *theme, *text, *owner, *date;
	int set_owner, set_date;
	long long id;   /* edit, remove */
	char *taken;    /* add, edit: the text, checked (take_text) */
};

/* The options every action command takes; CMD_GO_ON or an exit code. */
static int parse_opts(struct cmd_ctx *ctx, int argc, char **argv, struct action_opts *o)
{
	enum { O_THEME = 256, O_TEXT, O_OWNER, O_DATE };
	static const struct option longopts[] = {
		{ "theme", required_argument, NULL, O_THEME },
		{ "text", required_argument, NULL, O_TEXT },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "date", required_argument, NULL, O_DATE },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_THEME:
			o->theme = optarg;
			break;
		case O_TEXT:
			o->text = optarg;
			break;
		case O_OWNER:
			o->owner = optarg;
			o->set_owner = 1;
			break;
		case O_DATE:
			o->date = optarg;
			o->set_date = 1;
			break;
		case 'h':
			return cmd_help(cmd_action_usage);
		default:
			return cmd_bad_option(cmd_action_usage);
		}
	}
	return CMD_GO_ON;
}

/* A real calendar date as YYYY-MM-DD, or empty (clears it). */
static int check_date(const char *s, struct err *e)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (!*s)
		return 0;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] ||
	    (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return err_set(e, EXIT_USAGE, "--date takes a date as YYYY-MM-DD, such as "
			       "2019-11-01, not '%s'", s);
	return 0;
}

/* The text as given, or read from standard input for '-'; checked. */
static char *take_text(const char *arg, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t bad;

	if (strcmp(arg, "-")) {
		if (strbuf_addstr(&sb, arg) < 0)
			goto oom;
	} else {
		int ch;

		while ((ch = getchar()) != EOF) {
			if (strbuf_addch(&sb, ch) < 0)
				goto oom;
			if (sb.len > ACTION_TEXT_MAX)
				break;
		}
		/* What is typed ends with a line break that is no part of it. */
		while (sb.len && trim_is_space((unsigned char)sb.buf[sb.len - 1]))
			strbuf_setlen(&sb, sb.len - 1);
	}
	if (!trim_bounds(sb.buf, sb.len, NULL))
		err_set(e, EXIT_USAGE, "the action's text is empty: say what was done");
	else if (sb.len > ACTION_TEXT_MAX)
		err_set(e, EXIT_USAGE, "the action's text is longer than %d characters: keep it "
			"to a short paragraph", ACTION_TEXT_MAX);
	else if (!utf8_check(sb.buf, sb.len, &bad))
		err_set(e, EXIT_USAGE, "the action's text is not valid UTF-8 at byte %zu", bad + 1);
	else if (memchr(sb.buf, '\0', sb.len))
		err_set(e, EXIT_USAGE, "the action's text holds a NUL byte");
	else
		return strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return NULL;
oom:
	strbuf_release(&sb);
	err_set(e, EXIT_SYSTEM, "out of memory reading the action's text");
	return NULL;
}

/* The theme's label in the exercise's rule set; fails when it has no such theme. */
static int find_theme(sqlite3 *db, long long ex, const char *code, char *label, size_t cap,
		      struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT h.code, h.label FROM theme h JOIN ruleset s "
				      "ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 "
				      "AND h.code = ?2 COLLATE NOCASE", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(label, cap, "%s\t%s", (const char *)sqlite3_column_text(st, 0),
			 (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		long long n = 0;

		if (db_int(db, "SELECT count(*) FROM ruleset", 0, &n, e, 0) < 0)
			return -1;
		return err_set(e, EXIT_USAGE, n ? "no theme '%s' in the rule set the database was "
			       "tagged with (see 'analyser counts DB' for the codes)" :
			       "nothing is tagged yet, so there are no themes to record '%s' "
			       "against: run 'analyser tag DB RULES' first", code);
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, "finding the theme", e);
	return 0;
}

static void now_utc(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int parse_id(const char *s, long long *id)
{
	char *end;

	*id = strtoll(s, &end, 10);
	return *s && !*end && *id > 0;
}

static int add_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct action_opts *o = ctx->opts;
	int rc;

	if ((rc = parse_opts(ctx, argc, argv, o)) != CMD_GO_ON)
		return rc;
	if (argc - optind != 1)
		return cmd_usage_error(cmd_action_usage, "action add takes one database");
	if (!o->theme || !o->text)
		return cmd_usage_error(cmd_action_usage, "action add needs --theme and --text");
	if (o->date && check_date(o->date, e) < 0)
		return -1;
	if (!(o->taken = take_text(o->text, e)))
		return -1;
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int add_run(struct cmd_ctx *ctx, struct err *e)
{
	struct action_opts *o = ctx->opts;
	char theme[512], when[32], *tab;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	sqlite3_stmt *st;

	if (find_theme(db, ex, o->theme, theme, sizeof theme, e) < 0)
		return -1;
	tab = strchr(theme, '\t');
	*tab = '\0';
	now_utc(when, sizeof when);
	if (!(st = db_prepare(db, "INSERT INTO action (exercise_id, theme_code, text, owner, "
				  "action_date, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->taken, -1, SQLITE_STATIC);
	if (o->owner && *o->owner)
		sqlite3_bind_text(st, 4, o->owner, -1, SQLITE_STATIC);
	if (o->date && *o->date)
		sqlite3_bind_text(st, 5, o->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, when, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, "recording the action", e);
	else
		printf("action %lld recorded for %s (%s)\n",
		       (long long)sqlite3_last_insert_rowid(db), theme, tab + 1);
	sqlite3_finalize(st);
	return EXIT_OK;
}

static void release(void *opts)
{
	free(((struct action_opts *)opts)->taken);
}

const struct cmd_ops cmd_action_add = { add_parse, add_run, release, sizeof(struct action_opts) };

/* Prints `s` wrapped at `width` columns, each line after `indent` spaces. */
static void print_wrapped(const char *s, int indent, int width)
{
	while (*s) {
		size_t n = strcspn(s, "\n"), cut = n;

		if ((int)n > width - indent) {
			cut = 0;
			for (size_t k = (size_t)(width - indent); k > 0 && !cut; k--)
				if (s[k] == ' ')
					cut = k;
			if (!cut)
				cut = (size_t)(width - indent);
			while (cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
				cut++;
		}
		printf("%*s%.*s\n", indent, "", (int)cut, s);
		s += cut;
		while (*s == ' ' || *s == '\n')
			s++;
	}
}

static int list_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	int rc;

	(void)e;
	if ((rc = parse_opts(ctx, argc, argv, ctx->opts)) != CMD_GO_ON)
		return rc;
	if (argc - optind != 1)
		return cmd_usage_error(cmd_action_usage, "action list takes one database");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int list_run(struct cmd_ctx *ctx, struct err *e)
{
	struct action_opts *o = ctx->opts;
	sqlite3 *db = ctx->db;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!(st = db_prepare(db, "SELECT a.id, a.theme_code, coalesce(h.label, '(not in the "
				  "current rule set)'), coalesce(a.action_date, ''), "
				  "coalesce(a.owner, ''), a.text FROM action a "
				  "LEFT JOIN ruleset s ON s.exercise_id = a.exercise_id "
				  "LEFT JOIN theme h ON h.ruleset_id = s.id AND h.code = a.theme_code "
				  "WHERE a.exercise_id = ?1 AND (?2 IS NULL OR a.theme_code = ?2 "
				  "COLLATE NOCASE) ORDER BY h.position IS NULL, a.theme_code, "
				  "a.action_date, a.id", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ctx->exercise);
	if (o->theme)
		sqlite3_bind_text(st, 2, o->theme, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *date = (const char *)sqlite3_column_text(st, 3);
		const char *owner = (const char *)sqlite3_column_text(st, 4);

		printf("%s%lld  %s (%s)%s%s%s%s\n", n++ ? "\n" : "", sqlite3_column_int64(st, 0),
		       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
		       *date ? ", " : "", date, *owner ? ", " : "", owner);
		print_wrapped((const char *)sqlite3_column_text(st, 5), 4, 78);
	}
	if (rc != SQLITE_DONE)
		db_fail(db, "listing the actions", e);
	else if (!n)
		printf("no actions recorded%s%s yet\n", o->theme ? " for " : "",
		       o->theme ? o->theme : "");
	sqlite3_finalize(st);
	return EXIT_OK;
}

const struct cmd_ops cmd_action_list = { list_parse, list_run, NULL, sizeof(struct action_opts) };

/* DB ID: the database and the action's number. */
static int parse_db_id(struct cmd_ctx *ctx, int argc, char **argv, const char *what)
{
	struct action_opts *o = ctx->opts;

	if (argc - optind != 2)
		return cmd_usage_error(cmd_action_usage, "action %s takes a database and an action "
				       "number", what);
	if (!parse_id(argv[optind + 1], &o->id))
		return cmd_usage_error(cmd_action_usage, "'%s' is not an action number (see "
				       "'analyser action list DB')", argv[optind + 1]);
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int edit_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct action_opts *o = ctx->opts;
	int rc;

	if ((rc = parse_opts(ctx, argc, argv, o)) != CMD_GO_ON ||
	    (rc = parse_db_id(ctx, argc, argv, "edit")) != CMD_GO_ON)
		return rc;
	if (!o->theme && !o->text && !o->set_owner && !o->set_date)
		return cmd_usage_error(cmd_action_usage, "action edit needs something to change: "
				       "--theme, --text, --owner or --date");
	if (o->date && check_date(o->date, e) < 0)
		return -1;
	if (o->text && !(o->taken = take_text(o->text, e)))
		return -1;
	return CMD_GO_ON;
}

static int edit_run(struct cmd_ctx *ctx, struct err *e)
{
	struct action_opts *o = ctx->opts;
	char theme[512] = "", when[32];
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise, found = 0;
	sqlite3_stmt *st;

	if (o->theme && find_theme(db, ex, o->theme, theme, sizeof theme, e) < 0)
		return -1;
	if (*theme)
		*strchr(theme, '\t') = '\0';
	now_utc(when, sizeof when);
	if (!(st = db_prepare(db, "UPDATE action SET "
				  "theme_code = coalesce(?3, theme_code), text = coalesce(?4, text), "
				  "owner = CASE WHEN ?5 THEN nullif(?6, '') ELSE owner END, "
				  "action_date = CASE WHEN ?7 THEN nullif(?8, '') ELSE action_date END, "
				  "updated_at = ?9 WHERE id = ?1 AND exercise_id = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, o->id);
	sqlite3_bind_int64(st, 2, ex);
	if (*theme)
		sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
	if (o->taken)
		sqlite3_bind_text(st, 4, o->taken, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, o->set_owner);
	sqlite3_bind_text(st, 6, o->owner ? o->owner : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, o->set_date);
	sqlite3_bind_text(st, 8, o->date ? o->date : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, when, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, "changing the action", e);
	else
		found = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (!err_isset(e) && !found)
		err_set(e, EXIT_USAGE, "there is no action %lld (see 'analyser action list DB')",
			o->id);
	else if (!err_isset(e))
		printf("action %lld changed\n", o->id);
	return EXIT_OK;
}

const struct cmd_ops cmd_action_edit = { edit_parse, edit_run, release, sizeof(struct action_opts) };

static int remove_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	int rc;

	(void)e;
	if ((rc = parse_opts(ctx, argc, argv, ctx->opts)) != CMD_GO_ON)
		return rc;
	return parse_db_id(ctx, argc, argv, "remove");
}

static int remove_run(struct cmd_ctx *ctx, struct err *e)
{
	struct action_opts *o = ctx->opts;
	sqlite3 *db = ctx->db;
	sqlite3_stmt *st;

	if (!(st = db_prepare(db, "DELETE FROM action WHERE id = ?1 AND exercise_id = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, o->id);
	sqlite3_bind_int64(st, 2, ctx->exercise);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, "removing the action", e);
	else if (!sqlite3_changes(db))
		err_set(e, EXIT_USAGE, "there is no action %lld (see 'analyser action list DB')",
			o->id);
	else
		printf("action %lld removed\n", o->id);
	sqlite3_finalize(st);
	return EXIT_OK;
}

const struct cmd_ops cmd_action_remove = { remove_parse, remove_run, NULL,
					   sizeof(struct action_opts) };
