/* commands.h: the collector's commands, one file each (cmd_NAME.c). */
#ifndef TALLY_COLLECTOR_COMMANDS_H
#define TALLY_COLLECTOR_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_rejects(int argc, char **argv);
int cmd_postcodes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_resolve(int argc, char **argv);

#endif
