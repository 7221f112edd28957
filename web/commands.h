/* commands.h: tally-web's commands, one file each (cmd_NAME.c), and its table. */
#ifndef TALLY_WEB_COMMANDS_H
#define TALLY_WEB_COMMANDS_H

#include "cmd.h"

extern const struct cmd_ops cmd_serve;
extern const struct cmd_ops cmd_user_add;
extern const struct cmd_ops cmd_user_list;
extern const struct cmd_ops cmd_user_disable;

extern const struct program web_program;

#endif
