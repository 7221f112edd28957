/* commands.c: tally-web's command table, with what the dispatcher does for each. */
#include "commands.h"

static const struct command user[] = {
	{ .name = "add", .ops = &cmd_user_add, .flags = CMD_NEEDS_DB | CMD_WRITES,
	  .summary = "add an account" },
	{ .name = "list", .ops = &cmd_user_list, .flags = CMD_NEEDS_DB,
	  .summary = "list the accounts" },
	{ .name = "disable", .ops = &cmd_user_disable, .flags = CMD_NEEDS_DB | CMD_WRITES,
	  .summary = "disable an account" },
	{ 0 },
};

static const struct command commands[] = {
	/* Opened for writing: the first open brings the schema up to date. */
	{ .name = "serve", .ops = &cmd_serve,
	  .flags = CMD_NEEDS_DB | CMD_WRITES | CMD_PICKS_EXERCISE,
	  .summary = "serve the database to browsers: officers type forms in" },
	{ .name = "user", .summary = "add, list and disable the accounts that can log in",
	  .subcommands = user },
	{ 0 },
};

const struct program web_program = {
	"tally-web",
	"A local web service over one survey database: engagement officers log in\n"
	"from a browser or a tablet and type paper forms in, with double entry.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};
