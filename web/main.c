/* tally-web: the survey database served to officers' browsers on a laptop. */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve the database to browsers: officers type forms in" },
	{ "user", cmd_user, "add, list and disable the accounts that can log in" },
	{ 0 },
};

static const struct program web = {
	"tally-web",
	"A local web service over one survey database: engagement officers log in\n"
	"from a browser or a tablet and type paper forms in, with double entry.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};

int main(int argc, char **argv)
{
	int rc = cmd_main(&web, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
