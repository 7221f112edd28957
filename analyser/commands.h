/*
 * commands.h: the analyser's commands, one file each (cmd_NAME.c), and the
 * table that says what the dispatcher does for each (commands.c).
 */
#ifndef TALLY_ANALYSER_COMMANDS_H
#define TALLY_ANALYSER_COMMANDS_H

#include "cmd.h"

extern const struct cmd_ops cmd_action_add;
extern const struct cmd_ops cmd_action_list;
extern const struct cmd_ops cmd_action_edit;
extern const struct cmd_ops cmd_action_remove;
extern const char cmd_action_usage[];
extern const struct cmd_ops cmd_counts;
extern const struct cmd_ops cmd_evaluate;
extern const struct cmd_ops cmd_export;
extern const struct cmd_ops cmd_explain;
extern const struct cmd_ops cmd_report;
extern const struct cmd_ops cmd_rules_check;
extern const struct cmd_ops cmd_rules_score;
extern const struct cmd_ops cmd_rules_try;
extern const struct cmd_ops cmd_rules_from_codebook;
extern const struct cmd_ops cmd_suggest;
extern const struct cmd_ops cmd_tag;
extern const struct cmd_ops cmd_untagged;

/* The program: its commands, their flags and help (cmd_main runs it). */
extern const struct program analyser_program;

#endif
