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
#include "utf8.h"

#define ACTION_TEXT_MAX 4000

static const char action_usage[] =
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
	const char *theme, *text, *owner, *date, *exercise;
	int set_owner, set_date;
};

static int parse_opts(int argc, char **argv, struct action_opts *o)
{
	enum { O_THEME = 256, O_TEXT, O_OWNER, O_DATE, O_EXERCISE };
	static const struct option longopts[] = {
		{ "theme", required_argument, NULL, O_THEME },
		{ "text", required_argument, NULL, O_TEXT },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "date", required_argument, NULL, O_DATE },
		{ "exercise", required_argument, NULL, O_EXERCISE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
		case O_EXERCISE:
			o->exercise = optarg;
			break;
		case 'h':
			return cmd_help(action_usage) + 1000;
		default:
			return cmd_usage_error(action_usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return 0;
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
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (strcmp(arg, "-")) {
		n = strlen(arg);
		if (!(buf = strdup(arg))) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			return NULL;
		}
	} else {
		int ch;

		while ((ch = getchar()) != EOF) {
			if (n + 2 > cap) {
				char *b = realloc(buf, cap = cap ? cap * 2 : 256);

				if (!b) {
					free(buf);
					err_set(e, EXIT_SYSTEM, "out of memory");
					return NULL;
				}
				buf = b;
			}
			buf[n++] = (char)ch;
			if (n > ACTION_TEXT_MAX)
				break;
		}
		if (!buf && !(buf = calloc(1, 1))) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			return NULL;
		}
		buf[n] = '\0';
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
			buf[--n] = '\0';
	}
	size_t bad;
	const char *s = buf;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (!*s)
		err_set(e, EXIT_USAGE, "the action's text is empty: say what was done");
	else if (n > ACTION_TEXT_MAX)
		err_set(e, EXIT_USAGE, "the action's text is longer than %d characters: keep it "
			"to a short paragraph", ACTION_TEXT_MAX);
	else if (!utf8_check(buf, n, &bad))
		err_set(e, EXIT_USAGE, "the action's text is not valid UTF-8 at byte %zu", bad + 1);
	else if (memchr(buf, '\0', n))
		err_set(e, EXIT_USAGE, "the action's text holds a NUL byte");
	else
		return buf;
	free(buf);
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

static int action_add(int argc, char **argv)
{
	struct action_opts o;
	char theme[512], when[32], *text = NULL, *tab;
	struct err e;
	sqlite3 *db;
	long long ex;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc >= 1000 ? rc - 1000 : rc;
	if (argc - optind != 1)
		return cmd_usage_error(action_usage, "action add takes one database");
	if (!o.theme || !o.text)
		return cmd_usage_error(action_usage, "action add needs --theme and --text");
	err_init(&e);
	if (o.date && check_date(o.date, &e) < 0)
		return err_print(&e, cmd_progname);
	if (!(text = take_text(o.text, &e)))
		return err_print(&e, cmd_progname);
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e))) {
		free(text);
		return err_print(&e, cmd_progname);
	}
	if (db_pick_exercise(db, o.exercise, &ex, &e) == 0 &&
	    find_theme(db, ex, o.theme, theme, sizeof theme, &e) == 0) {
		sqlite3_stmt *st;

		tab = strchr(theme, '\t');
		*tab = '\0';
		now_utc(when, sizeof when);
		if ((st = db_prepare(db, "INSERT INTO action (exercise_id, theme_code, text, owner, "
					 "action_date, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &e))) {
			sqlite3_bind_int64(st, 1, ex);
			sqlite3_bind_text(st, 2, theme, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
			if (o.owner && *o.owner)
				sqlite3_bind_text(st, 4, o.owner, -1, SQLITE_STATIC);
			if (o.date && *o.date)
				sqlite3_bind_text(st, 5, o.date, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, when, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				db_fail(db, "recording the action", &e);
			else
				printf("action %lld recorded for %s (%s)\n",
				       (long long)sqlite3_last_insert_rowid(db), theme, tab + 1);
			sqlite3_finalize(st);
		}
	}
	free(text);
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}

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

static int action_list(int argc, char **argv)
{
	struct action_opts o;
	sqlite3_stmt *st = NULL;
	struct err e;
	sqlite3 *db;
	long long ex;
	int rc, n = 0;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc >= 1000 ? rc - 1000 : rc;
	if (argc - optind != 1)
		return cmd_usage_error(action_usage, "action list takes one database");
	err_init(&e);
	if (!(db = cmd_open_reader(argv[optind], &e)))
		return err_print(&e, cmd_progname);
	if (db_pick_exercise(db, o.exercise, &ex, &e) == 0 &&
	    (st = db_prepare(db, "SELECT a.id, a.theme_code, coalesce(h.label, '(not in the "
				 "current rule set)'), coalesce(a.action_date, ''), "
				 "coalesce(a.owner, ''), a.text FROM action a "
				 "LEFT JOIN ruleset s ON s.exercise_id = a.exercise_id "
				 "LEFT JOIN theme h ON h.ruleset_id = s.id AND h.code = a.theme_code "
				 "WHERE a.exercise_id = ?1 AND (?2 IS NULL OR a.theme_code = ?2 "
				 "COLLATE NOCASE) ORDER BY h.position IS NULL, a.theme_code, "
				 "a.action_date, a.id", &e))) {
		sqlite3_bind_int64(st, 1, ex);
		if (o.theme)
			sqlite3_bind_text(st, 2, o.theme, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *date = (const char *)sqlite3_column_text(st, 3);
			const char *owner = (const char *)sqlite3_column_text(st, 4);

			printf("%s%lld  %s (%s)%s%s%s%s\n", n++ ? "\n" : "", sqlite3_column_int64(st, 0),
			       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			       *date ? ", " : "", date, *owner ? ", " : "", owner);
			print_wrapped((const char *)sqlite3_column_text(st, 5), 4, 78);
		}
		if (rc != SQLITE_DONE)
			db_fail(db, "listing the actions", &e);
		else if (!n)
			printf("no actions recorded%s%s yet\n", o.theme ? " for " : "",
			       o.theme ? o.theme : "");
		sqlite3_finalize(st);
	}
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}

static int action_edit(int argc, char **argv)
{
	struct action_opts o;
	char theme[512] = "", when[32], *text = NULL;
	sqlite3_stmt *st;
	long long id, ex, found = 0;
	struct err e;
	sqlite3 *db;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc >= 1000 ? rc - 1000 : rc;
	if (argc - optind != 2)
		return cmd_usage_error(action_usage, "action edit takes a database and an action number");
	if (!parse_id(argv[optind + 1], &id))
		return cmd_usage_error(action_usage, "'%s' is not an action number (see 'analyser "
				       "action list DB')", argv[optind + 1]);
	if (!o.theme && !o.text && !o.set_owner && !o.set_date)
		return cmd_usage_error(action_usage, "action edit needs something to change: "
				       "--theme, --text, --owner or --date");
	err_init(&e);
	if (o.date && check_date(o.date, &e) < 0)
		return err_print(&e, cmd_progname);
	if (o.text && !(text = take_text(o.text, &e)))
		return err_print(&e, cmd_progname);
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e))) {
		free(text);
		return err_print(&e, cmd_progname);
	}
	if (db_pick_exercise(db, o.exercise, &ex, &e) < 0 ||
	    (o.theme && find_theme(db, ex, o.theme, theme, sizeof theme, &e) < 0))
		goto out;
	if (*theme)
		*strchr(theme, '\t') = '\0';
	now_utc(when, sizeof when);
	if (!(st = db_prepare(db, "UPDATE action SET "
				  "theme_code = coalesce(?3, theme_code), text = coalesce(?4, text), "
				  "owner = CASE WHEN ?5 THEN nullif(?6, '') ELSE owner END, "
				  "action_date = CASE WHEN ?7 THEN nullif(?8, '') ELSE action_date END, "
				  "updated_at = ?9 WHERE id = ?1 AND exercise_id = ?2", &e)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ex);
	if (*theme)
		sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, o.set_owner);
	sqlite3_bind_text(st, 6, o.owner ? o.owner : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, o.set_date);
	sqlite3_bind_text(st, 8, o.date ? o.date : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, when, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, "changing the action", &e);
	else
		found = sqlite3_changes(db);
	sqlite3_finalize(st);
	if (!e.code && !found)
		err_set(&e, EXIT_USAGE, "there is no action %lld (see 'analyser action list DB')", id);
	else if (!e.code)
		printf("action %lld changed\n", id);
out:
	free(text);
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}

static int action_remove(int argc, char **argv)
{
	struct action_opts o;
	sqlite3_stmt *st;
	long long id, ex;
	struct err e;
	sqlite3 *db;
	int rc;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc >= 1000 ? rc - 1000 : rc;
	if (argc - optind != 2)
		return cmd_usage_error(action_usage, "action remove takes a database and an action number");
	if (!parse_id(argv[optind + 1], &id))
		return cmd_usage_error(action_usage, "'%s' is not an action number (see 'analyser "
				       "action list DB')", argv[optind + 1]);
	err_init(&e);
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e)))
		return err_print(&e, cmd_progname);
	if (db_pick_exercise(db, o.exercise, &ex, &e) == 0 &&
	    (st = db_prepare(db, "DELETE FROM action WHERE id = ?1 AND exercise_id = ?2", &e))) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, ex);
		if (sqlite3_step(st) != SQLITE_DONE)
			db_fail(db, "removing the action", &e);
		else if (!sqlite3_changes(db))
			err_set(&e, EXIT_USAGE, "there is no action %lld (see 'analyser action list DB')", id);
		else
			printf("action %lld removed\n", id);
		sqlite3_finalize(st);
	}
	db_close(db, &e);
	return err_print(&e, cmd_progname);
}

static const struct command action_commands[] = {
	{ "add", action_add, "record what was done about a theme" },
	{ "list", action_list, "list the actions, theme by theme" },
	{ "edit", action_edit, "change an action's theme, text, owner or date" },
	{ "remove", action_remove, "remove an action" },
	{ 0 },
};

int cmd_action(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_help(action_usage);
	return cmd_dispatch("action", action_commands, argc, argv);
}
