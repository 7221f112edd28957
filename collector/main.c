/* collector: takes survey responses from every channel into the database. */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

static const struct command commands[] = {
	{ "init", cmd_init, "create or upgrade a database and load an exercise definition" },
	{ "status", cmd_status, "show what the database holds: responses by channel, district, event" },
	{ "import", cmd_import, "import survey exports: CSV, XLSX, ODK/Kobo XML, LimeSurvey" },
	{ "rejects", cmd_rejects, "list the rows imports rejected, to correct and import again" },
	{ "enter", cmd_enter, "type in paper and Easy Read forms, one question at a time" },
	{ "resolve", cmd_resolve, "settle differences between two officers' entries of a form" },
	{ "erase", cmd_erase, "erase one response at the respondent's request (UK GDPR)" },
	{ "postcodes", cmd_postcodes, "load postcode lookups, look postcodes up" },
	{ 0 },
};

static const struct program collector = {
	"collector",
	"Takes in what the public said in a listening exercise, from every channel,\n"
	"into one database file that the analyser reads.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};

int main(int argc, char **argv)
{
	int rc = cmd_main(&collector, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
