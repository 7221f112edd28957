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
	"usage: tally-web user add DB NAME --role officer|supervisor|admin|comms|analyst\n"
	"                           [--password-stdin]\n"
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
	"                      differences), admin (also sees the accounts), comms\n"
	"                      (edits and publishes \"You said, we did\"; sees no\n"
	"                      forms), analyst (kept for analysts' pages)\n"
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

struct add_opts {
	const char *name;
	enum role role;
	char pw[PASSWORD_MAX + 2];
};

static int add_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct add_opts *o = ctx->opts;
	const char *role_s = NULL;
	int c, from_stdin = 0, rc;
	static char again[PASSWORD_MAX + 2];
	char why[200];

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'r': role_s = optarg; break;
		case 'p': from_stdin = 1; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "user add takes a database and a name");
	if (!role_s)
		return cmd_usage_error(usage, "user add needs --role officer, supervisor, admin, "
				       "comms or analyst");
	if (role_parse(role_s, &o->role) < 0)
		return cmd_usage_error(usage, "--role is officer, supervisor, admin, comms or "
				       "analyst, not '%s'",
				       role_s);
	if (account_init(e) < 0)
		return -1;
	if (from_stdin) {
		rc = read_line(stdin, o->pw, sizeof o->pw);
		if (rc <= 0)
			return cmd_usage_error(usage, rc < 0 ? "the password is too long"
							     : "--password-stdin: no password on "
							       "standard input");
	} else {
		FILE *tty = fopen("/dev/tty", "r+");

		if (!tty)
			return cmd_usage_error(usage, "there is no terminal to ask for the password "
						      "on: use --password-stdin");
		rc = ask(tty, "Password for the new account: ", o->pw, sizeof o->pw);
		if (rc > 0 && account_password_ok(o->pw, why, sizeof why))
			rc = ask(tty, "The same password again: ", again, sizeof again);
		fclose(tty);
		if (rc <= 0)
			return cmd_usage_error(usage, rc < 0 ? "the password is too long"
							     : "no password was typed");
		if (account_password_ok(o->pw, why, sizeof why) && strcmp(o->pw, again)) {
			sodium_memzero(again, sizeof again);
			return err_set(e, EXIT_DATA, "the two passwords are not the same: nothing "
						     "was added");
		}
		sodium_memzero(again, sizeof again);
	}
	ctx->db_path = argv[optind];
	o->name = argv[optind + 1];
	return CMD_GO_ON;
}

static int add_run(struct cmd_ctx *ctx, struct err *e)
{
	struct add_opts *o = ctx->opts;

	if (account_add(ctx->db, o->name, o->role, o->pw, e) < 0 ||
	    audit_log(ctx->db, NULL, NULL, "account-added", o->name, e) < 0)
		return -1;
	printf("Added %s as %s.\n", o->name, role_name(o->role));
	return EXIT_OK;
}

/* The password is wiped whatever happened. */
static void add_release(void *opts)
{
	struct add_opts *o = opts;

	sodium_memzero(o->pw, sizeof o->pw);
}

static void print_row(const struct account_row *a, void *ctx)
{
	(void)ctx;
	printf("%-30s %-10s %-9s %s\n", a->name, role_name(a->role),
	       a->disabled ? "disabled" : "active", a->created_at);
}

static int list_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	int rc = cmd_no_options(ctx, argc, argv, usage, 1, "user list takes a database");

	(void)e;
	if (rc == CMD_GO_ON)
		ctx->db_path = argv[optind];
	return rc;
}

static int list_run(struct cmd_ctx *ctx, struct err *e)
{
	printf("%-30s %-10s %-9s %s\n", "NAME", "ROLE", "STATE", "ADDED (UTC)");
	return account_list(ctx->db, print_row, NULL, e) < 0 ? -1 : EXIT_OK;
}

struct disable_opts {
	const char *name;
};

static int disable_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct disable_opts *o = ctx->opts;
	int rc = cmd_no_options(ctx, argc, argv, usage, 2,
				"user disable takes a database and a name");

	(void)e;
	if (rc == CMD_GO_ON) {
		ctx->db_path = argv[optind];
		o->name = argv[optind + 1];
	}
	return rc;
}

static int disable_run(struct cmd_ctx *ctx, struct err *e)
{
	struct disable_opts *o = ctx->opts;
	int rc;

	if ((rc = account_disable(ctx->db, o->name, e)) < 0 ||
	    (rc && audit_log(ctx->db, NULL, NULL, "account-disabled", o->name, e) < 0))
		return -1;
	if (!rc)
		return err_set(e, EXIT_DATA, "there is no account called '%s' ('tally-web user "
					     "list %s' lists them)", o->name, ctx->db_path);
	printf("Disabled %s.\n", o->name);
	return EXIT_OK;
}

const struct cmd_ops cmd_user_add = { add_parse, add_run, add_release, sizeof(struct add_opts) };
const struct cmd_ops cmd_user_list = { list_parse, list_run, NULL, 0 };
const struct cmd_ops cmd_user_disable = { disable_parse, disable_run, NULL,
					  sizeof(struct disable_opts) };
