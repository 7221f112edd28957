/*
 * analyser: tags what people said against the exercise's themes and counts
 * it.
 */
#include "cmd.h"
#include "commands.h"
#include "xmlsafe.h"

static const struct command commands[] = {
	{ "rules", cmd_rules, "check a theme rule set: patterns and examples" },
	{ "tag", cmd_tag, "tag the free-text answers with a rule set's themes" },
	{ "counts", cmd_counts, "respondents mentioning each theme, by district or another split" },
	{ "untagged", cmd_untagged, "list the free text no theme matched" },
	{ "explain", cmd_explain, "show one response's tags with the matched words marked" },
	{ "evaluate", cmd_evaluate, "agreement of the tags with a hand-coded sample" },
	{ "export", cmd_export, "theme counts for Healthwatch: XLSX, CSV or XML, disclosure-controlled" },
	{ "action", cmd_action, "record what was done about a theme (\"we did\")" },
	{ "report", cmd_report, "write \"You said, we did\": an accessible web page for the public" },
	{ 0 },
};

static const struct program analyser = {
	"analyser",
	"Tags the free text in a survey database against a listening exercise's\n"
	"themes and produces theme counts and reports.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};

int main(int argc, char **argv)
{
	int rc = cmd_main(&analyser, argc, argv);

	xmlsafe_cleanup();
	return rc;
}
