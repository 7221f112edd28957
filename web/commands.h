/* commands.h: tally-web's commands, one file each (cmd_NAME.c). */
#ifndef TALLY_WEB_COMMANDS_H
#define TALLY_WEB_COMMANDS_H

int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);

#endif
