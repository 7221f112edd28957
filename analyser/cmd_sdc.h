/*
 * cmd_sdc.h: the disclosure-control options the publishing commands share
 * (counts in csv, json or xml; export; report).
 */
#ifndef TALLY_CMD_SDC_H
#define TALLY_CMD_SDC_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"
#include "sdc.h"

/*
 * Settles `rule` for a publication (`what`: "export", "report", "csv", ...).
 * With `no_suppress` the numbers go out as they are (threshold 0, rounding
 * 1, no secondary suppression) and a warning says not to publish them.
 * Without it a threshold below 2, which hides no count, is refused: a usage
 * error is printed and -1 returned (the caller returns EXIT_USAGE). 0 when
 * the rule stands.
 */
int cmd_sdc_check(struct sdc_rule *rule, int no_suppress, const char *what, const char *usage);

/*
 * What `rule` does, in words for a command's last line: "counts from 1 to
 * 7 hidden, others rounded to 5", "no count hidden, counts exact". Returns
 * `buf`.
 */
const char *cmd_sdc_text(const struct sdc_rule *rule, char *buf, size_t cap);

/*
 * Opens the database `path` for a publishing command. With `records` (the
 * numbers go out under disclosure control) the command records what it
 * publishes (ledger.h), so the database is opened for writing, and a
 * database that cannot be written is refused with a message saying why and
 * what to do instead. Without it the database is opened read-only, as for
 * any command that only reads. NULL with `e` set.
 */
sqlite3 *cmd_open_publisher(const char *path, int records, struct err *e);

#endif
