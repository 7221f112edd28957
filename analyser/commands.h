/* commands.h: the analyser's commands, one file each (cmd_NAME.c). */
#ifndef TALLY_ANALYSER_COMMANDS_H
#define TALLY_ANALYSER_COMMANDS_H

int cmd_action(int argc, char **argv);
int cmd_counts(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_untagged(int argc, char **argv);

#endif
