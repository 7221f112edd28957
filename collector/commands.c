/* commands.c: the collector's command table, with what the dispatcher does for each. */
#include "commands.h"

enum {
	READS = CMD_NEEDS_DB | CMD_PICKS_EXERCISE,
	WRITES = CMD_NEEDS_DB | CMD_WRITES | CMD_PICKS_EXERCISE,
};

static const struct command postcodes[] = {
	{ .name = "load", .ops = &cmd_postcodes_load, .flags = CMD_NEEDS_DB | CMD_WRITES,
	  .summary = "load an ONS postcode directory CSV or an outward-code share table" },
	{ .name = "lookup", .ops = &cmd_postcodes_lookup, .flags = READS,
	  .summary = "show which district postcodes resolve to, and why" },
	{ 0 },
};

static const struct command commands[] = {
	{ .name = "init", .ops = &cmd_init, .flags = CMD_NEEDS_DB | CMD_CREATES_DB,
	  .summary = "create or upgrade a database and load an exercise definition" },
	{ .name = "status", .ops = &cmd_status, .flags = READS,
	  .summary = "show what the database holds: responses by channel, district, event" },
	{ .name = "import", .ops = &cmd_import, .flags = WRITES,
	  .summary = "import survey exports: CSV, XLSX, ODK/Kobo XML, LimeSurvey" },
	{ .name = "rejects", .ops = &cmd_rejects, .flags = READS,
	  .summary = "list the rows imports rejected, to correct and import again" },
	{ .name = "xform", .ops = &cmd_xform, .flags = READS,
	  .summary = "write the questionnaire as an ODK XForm for tablets, with its mapping" },
	{ .name = "enter", .ops = &cmd_enter, .flags = WRITES,
	  .summary = "type in paper and Easy Read forms, one question at a time" },
	{ .name = "resolve", .ops = &cmd_resolve, .flags = WRITES,
	  .summary = "settle differences between two officers' entries of a form" },
	{ .name = "erase", .ops = &cmd_erase, .flags = CMD_NEEDS_DB | CMD_WRITES,
	  .summary = /* --exercise narrows the search */
	  "erase one response at the respondent's request (UK GDPR)" },
	{ .name = "postcodes",
	  .summary = "load postcode lookups, look postcodes up",
	  .subcommands = postcodes },
	{ 0 },
};

const struct program collector_program = {
	"collector",
	"Takes in what the public said in a listening exercise, from every channel,\n"
	"into one database file that the analyser reads.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};
