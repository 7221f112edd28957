/*
 * analyser: tags what people said against the exercise's themes and counts
 * it. Its commands arrive with the rule-set work; until then it answers
 * --help and --version so scripts can rely on it being there.
 */
#include "cmd.h"
#include "xmlsafe.h"

static const struct command commands[] = {
	{ 0 },
};

static const struct program analyser = {
	"analyser",
	"Tags the free text in a survey database against a listening exercise's\n"
	"themes and produces theme counts and reports. (No analysis commands are\n"
	"available in this version yet.)",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};

int main(int argc, char **argv)
{
	int rc = cmd_main(&analyser, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
