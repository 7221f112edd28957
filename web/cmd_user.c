/* tally-web user: the accounts that can log in. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "account.h"
#include "audit.h"
#include "cmd.h"
#include "commands.h"
#include "db.h"

static const char usage[] =
	"usage: tally-web user add DB NAME --role officer|supervisor|admin [--password-stdin]\n"
	"       tally-web user list DB\n"
	"       tally-web user disable DB NAME\n"
	"\n"
	"The accounts that can log in to 'tally-web serve'. Forms typed in the\n"
	"browser are saved under the account's name, so give each officer their own.\n"
	"\n"
	"  add       a new account. The password (at least 10 characters) is asked\n"
	"            for twice at the terminal and not shown; it is stored only as an\n"
	"            Argon2id hash. It is never given on the command line.\n"
	"  list      every account, its role, and whether it is disabled\n"
	"  disable   the account can no longer log in; anyone logged in with it is\n"
	"            logged out. What it saved stays.\n"
	"\n"
	"  --role ROLE         officer (types forms in), supervisor (also settles\n"
	"                      differences), admin (also sees the accounts)\n"
	"  --password-stdin    read the password from the first line of standard input\n"
	"                      (for scripts), not from the terminal\n"
	"  -h, --help          show this help\n"
	"\n"
	"Example:\n"
	"  tally-web user add survey.db \"Jo Bloggs\" --role officer\n";

/* Reads one line from `in` into buf (without its end). 1, 0 at end of input, -1 too long. */
static int read_line(FILE *in, char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, in))
		return 0;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(in))
		return -1;
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 1;
}

/* Asks for the password at the terminal with echo off. 1, 0 (no terminal / end), -1 too long. */
static int ask(FILE *tty, const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int fd = fileno(tty), rc;

	if (tcgetattr(fd, &old) != 0)
		return 0;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(tty, buf, cap);
	tcsetattr(fd, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	return rc;
}

static int user_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *role_s = NULL;
	int c, from_stdin = 0, rc;
	enum role role;
	static char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
	char why[200];
	sqlite3 *db = NULL;
	struct err e;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': role_s = optarg; break;
		case 'p': from_stdin = 1; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "user add takes a database and a name");
	if (!role_s)
		return cmd_usage_error(usage, "user add needs --role officer, supervisor or admin");
	if (role_parse(role_s, &role) < 0)
		return cmd_usage_error(usage, "--role is officer, supervisor or admin, not '%s'",
				       role_s);
	err_init(&e);
	if (account_init(&e) < 0)
		return err_print(&e, cmd_progname);
	if (from_stdin) {
		rc = read_line(stdin, pw, sizeof pw);
		if (rc <= 0)
			return cmd_usage_error(usage, rc < 0 ? "the password is too long"
							     : "--password-stdin: no password on "
							       "standard input");
	} else {
		FILE *tty = fopen("/dev/tty", "r+");

		if (!tty)
			return cmd_usage_error(usage, "there is no terminal to ask for the password "
						      "on: use --password-stdin");
		rc = ask(tty, "Password for the new account: ", pw, sizeof pw);
		if (rc > 0 && account_password_ok(pw, why, sizeof why))
			rc = ask(tty, "The same password again: ", again, sizeof again);
		fclose(tty);
		if (rc <= 0) {
			sodium_memzero(pw, sizeof pw);
			return cmd_usage_error(usage, rc < 0 ? "the password is too long"
							     : "no password was typed");
		}
		if (account_password_ok(pw, why, sizeof why) && strcmp(pw, again)) {
			sodium_memzero(pw, sizeof pw);
			sodium_memzero(again, sizeof again);
			err_set(&e, EXIT_DATA, "the two passwords are not the same: nothing was "
					       "added");
			return err_print(&e, cmd_progname);
		}
		sodium_memzero(again, sizeof again);
	}
	if (!(db = db_open(argv[optind], DB_MUST_EXIST, NULL, &e)) ||
	    account_add(db, argv[optind + 1], role, pw, &e) < 0 ||
	    audit_log(db, NULL, NULL, "account-added", argv[optind + 1], &e) < 0) {
		sodium_memzero(pw, sizeof pw);
		db_close(db, NULL);
		return err_print(&e, cmd_progname);
	}
	sodium_memzero(pw, sizeof pw);
	if (db_close(db, &e) < 0)
		return err_print(&e, cmd_progname);
	printf("Added %s as %s.\n", argv[optind + 1], role_name(role));
	return EXIT_OK;
}

static void print_row(const struct account_row *a, void *ctx)
{
	(void)ctx;
	printf("%-30s %-10s %-9s %s\n", a->name, role_name(a->role),
	       a->disabled ? "disabled" : "active", a->created_at);
}

static int user_list(int argc, char **argv)
{
	sqlite3 *db;
	struct err e;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_help(usage);
	if (argc != 2)
		return cmd_usage_error(usage, "user list takes a database");
	err_init(&e);
	if (!(db = cmd_open_reader(argv[1], &e)))
		return err_print(&e, cmd_progname);
	printf("%-30s %-10s %-9s %s\n", "NAME", "ROLE", "STATE", "ADDED (UTC)");
	if (account_list(db, print_row, NULL, &e) < 0) {
		db_close(db, NULL);
		return err_print(&e, cmd_progname);
	}
	return db_close(db, &e) < 0 ? err_print(&e, cmd_progname) : EXIT_OK;
}

static int user_disable(int argc, char **argv)
{
	sqlite3 *db;
	struct err e;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_help(usage);
	if (argc != 3)
		return cmd_usage_error(usage, "user disable takes a database and a name");
	err_init(&e);
	if (!(db = db_open(argv[1], DB_MUST_EXIST, NULL, &e)))
		return err_print(&e, cmd_progname);
	if ((rc = account_disable(db, argv[2], &e)) < 0 ||
	    (rc && audit_log(db, NULL, NULL, "account-disabled", argv[2], &e) < 0)) {
		db_close(db, NULL);
		return err_print(&e, cmd_progname);
	}
	if (db_close(db, &e) < 0)
		return err_print(&e, cmd_progname);
	if (!rc) {
		err_set(&e, EXIT_DATA, "there is no account called '%s' ('tally-web user list %s' "
				       "lists them)", argv[2], argv[1]);
		return err_print(&e, cmd_progname);
	}
	printf("Disabled %s.\n", argv[2]);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	static const struct command subs[] = {
		{ "add", user_add, "add an account" },
		{ "list", user_list, "list the accounts" },
		{ "disable", user_disable, "disable an account" },
		{ 0 },
	};

	return cmd_dispatch("user", subs, argc, argv);
}
