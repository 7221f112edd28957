/* commands.c: the analyser's command table, with what the dispatcher does for each. */
#include "commands.h"

enum {
	READS = CMD_NEEDS_DB | CMD_PICKS_EXERCISE,
	WRITES = CMD_NEEDS_DB | CMD_WRITES | CMD_PICKS_EXERCISE,
};

static const struct command rules[] = {
	{ .name = "check", .ops = &cmd_rules_check,
	  .summary = "compile every pattern and run every example" },
	{ .name = "score", .ops = &cmd_rules_score, .flags = READS,
	  .summary = "each pattern and alternative against a hand-coded sample" },
	{ .name = "try", .ops = &cmd_rules_try, .flags = READS,
	  .summary = "one pattern over every answer: matches, and P/R on a coded sample" },
	{ .name = "from-codebook", .ops = &cmd_rules_from_codebook,
	  .summary = "start a rule set from a REFI-QDA codebook (NVivo, QualCoder...)" },
	{ 0 },
};

static const struct command actions[] = {
	{ .name = "add", .ops = &cmd_action_add, .flags = WRITES,
	  .summary = "record what was done about a theme" },
	{ .name = "list", .ops = &cmd_action_list, .flags = READS,
	  .summary = "list the actions, theme by theme" },
	{ .name = "edit", .ops = &cmd_action_edit, .flags = WRITES,
	  .summary = "change an action's theme, text, owner or date" },
	{ .name = "remove", .ops = &cmd_action_remove, .flags = WRITES,
	  .summary = "remove an action" },
	{ 0 },
};

static const struct command safeguarding[] = {
	{ .name = "list", .ops = &cmd_safeguarding_list, .flags = READS,
	  .summary = "the answers a safeguarding theme flagged, for a named person to review" },
	{ .name = "seen", .ops = &cmd_safeguarding_seen, .flags = WRITES,
	  .summary = "record who read a flagged answer and what was done" },
	{ 0 },
};

static const struct command review_sample[] = {
	{ .name = "load", .ops = &cmd_review_sample_load, .flags = WRITES,
	  .summary = "store a hand-coded sample (a gold file) under a name" },
	{ .name = "list", .ops = &cmd_review_sample_list, .flags = READS,
	  .summary = "the stored samples" },
	{ .name = "drop", .ops = &cmd_review_sample_drop, .flags = WRITES,
	  .summary = "delete a stored sample with its codes and notes" },
	{ 0 },
};

static const struct command review[] = {
	{ .name = "list", .ops = &cmd_review_list, .flags = READS,
	  .summary = "the answers of a review queue, with their tags and decisions" },
	{ .name = "accept", .ops = &cmd_review_decide, .flags = WRITES,
	  .summary = "accept a tag the rules gave an answer" },
	{ .name = "remove", .ops = &cmd_review_decide, .flags = WRITES,
	  .summary = "remove a wrong tag from an answer" },
	{ .name = "add", .ops = &cmd_review_decide, .flags = WRITES,
	  .summary = "add a theme the rules missed to an answer" },
	{ .name = "mark", .ops = &cmd_review_mark, .flags = WRITES,
	  .summary = "mark answers reviewed" },
	{ .name = "progress", .ops = &cmd_review_progress, .flags = READS,
	  .summary = "the share of answers reviewed, by theme or district" },
	{ .name = "sample", .summary = "hand-coded samples kept in the database: load, list, drop",
	  .subcommands = review_sample, .usage = cmd_review_sample_usage },
	{ 0 },
};

/* counts, export and report open for writing when they record what they publish. */
static const struct command commands[] = {
	{ .name = "rules",
	  .summary = "check, score and try a theme rule set's patterns",
	  .subcommands = rules },
	{ .name = "tag", .ops = &cmd_tag, .flags = WRITES,
	  .summary = "tag the free-text answers with a rule set's themes" },
	{ .name = "counts", .ops = &cmd_counts, .flags = READS,
	  .summary = "respondents mentioning each theme, by district or another split" },
	{ .name = "untagged", .ops = &cmd_untagged, .flags = READS,
	  .summary = "list the free text no theme matched" },
	{ .name = "explain", .ops = &cmd_explain, .flags = CMD_NEEDS_DB,
	  .summary = "show one response's tags with the matched words marked" },
	{ .name = "evaluate", .ops = &cmd_evaluate, .flags = READS,
	  .summary = "agreement of the tags with a hand-coded sample" },
	{ .name = "agree", .ops = &cmd_agree, .flags = READS,
	  .summary = "agreement between two coders' hand coding; adjudication" },
	{ .name = "suggest", .ops = &cmd_suggest, .flags = READS,
	  .summary = "words and phrases typical of a theme in a hand-coded sample" },
	{ .name = "export", .ops = &cmd_export, .flags = READS,
	  .summary = "disclosure-controlled theme tables (Healthwatch, or as data); answer rows" },
	{ .name = "action",
	  .summary = "record what was done about a theme (\"we did\")",
	  .subcommands = actions, .usage = cmd_action_usage },
	{ .name = "review",
	  .summary = "human decisions over the tags: accept, remove, add; queues, progress",
	  .subcommands = review, .usage = cmd_review_usage },
	{ .name = "report", .ops = &cmd_report, .flags = READS,
	  .summary = "write \"You said, we did\": an accessible web page for the public" },
	{ .name = "safeguarding",
	  .summary = "possible disclosures of harm: list them for review, record the review",
	  .subcommands = safeguarding, .usage = cmd_safeguarding_usage },
	{ 0 },
};

const struct program analyser_program = {
	"analyser",
	"Tags the free text in a survey database against a listening exercise's\n"
	"themes and produces theme counts and reports.",
	commands,
	"Exit status: 0 done, 1 bad data, 2 wrong command line, 3 system or database error.",
};
