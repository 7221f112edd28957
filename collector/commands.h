/*
 * commands.h: the collector's commands, one file each (cmd_NAME.c), and the
 * table that says what the dispatcher does for each (commands.c).
 */
#ifndef TALLY_COLLECTOR_COMMANDS_H
#define TALLY_COLLECTOR_COMMANDS_H

#include "cmd.h"

extern const struct cmd_ops cmd_init;
extern const struct cmd_ops cmd_status;
extern const struct cmd_ops cmd_xform;
extern const struct cmd_ops cmd_rejects;
extern const struct cmd_ops cmd_postcodes_load;
extern const struct cmd_ops cmd_postcodes_lookup;
extern const struct cmd_ops cmd_import;
extern const struct cmd_ops cmd_erase;
extern const struct cmd_ops cmd_enter;
extern const struct cmd_ops cmd_resolve;

/* The program: its commands, their flags and help (cmd_main runs it). */
extern const struct program collector_program;

#endif
