/*
 * commands.h: the analyser's commands, one file each (cmd_NAME.c), and the
 * table that says what the dispatcher does for each (commands.c).
 */
#ifndef TALLY_ANALYSER_COMMANDS_H
#define TALLY_ANALYSER_COMMANDS_H

#include "cmd.h"

extern const struct cmd_ops cmd_action_add;
extern const struct cmd_ops cmd_agree;
extern const struct cmd_ops cmd_action_list;
extern const struct cmd_ops cmd_action_edit;
extern const struct cmd_ops cmd_action_remove;
extern const char cmd_action_usage[];
extern const struct cmd_ops cmd_counts;
extern const struct cmd_ops cmd_evaluate;
extern const struct cmd_ops cmd_export;
extern const struct cmd_ops cmd_explain;
extern const struct cmd_ops cmd_report;
extern const struct cmd_ops cmd_review_list;
extern const struct cmd_ops cmd_review_decide;
extern const struct cmd_ops cmd_review_mark;
extern const struct cmd_ops cmd_review_progress;
extern const struct cmd_ops cmd_review_sample_load; /* cmd_review_sample.c */
extern const struct cmd_ops cmd_review_sample_list;
extern const struct cmd_ops cmd_review_sample_drop;
extern const char cmd_review_sample_usage[];
extern const char cmd_review_usage[];
extern const struct cmd_ops cmd_rules_check;
extern const struct cmd_ops cmd_rules_score;
extern const struct cmd_ops cmd_rules_try;
extern const struct cmd_ops cmd_safeguarding_list;
extern const struct cmd_ops cmd_safeguarding_seen;
extern const char cmd_safeguarding_usage[];
/*
 * How many answers a safeguarding theme flagged are not yet reviewed (read
 * before the work, so a failure changes nothing), and the warning about
 * them on stderr that counts and report give after it (none for 0).
 */
int cmd_safeguarding_waiting(sqlite3 *db, long long ex, long long *open, struct err *e);
void cmd_safeguarding_warn(long long open, const char *db_path);
extern const struct cmd_ops cmd_rules_from_codebook;
extern const struct cmd_ops cmd_suggest;
extern const struct cmd_ops cmd_tag;
extern const struct cmd_ops cmd_untagged;

/* The program: its commands, their flags and help (cmd_main runs it). */
extern const struct program analyser_program;

#endif
