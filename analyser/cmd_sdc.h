/*
 * cmd_sdc.h: the disclosure-control options the publishing commands share
 * (counts in csv, json or xml; export; report).
 */
#ifndef TALLY_CMD_SDC_H
#define TALLY_CMD_SDC_H

#include <sqlite3.h>
#include <stddef.h>

#include "cmd.h"
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
 * Says how the dispatcher opens ctx->db_path (named already) for a
 * publishing command. With `records` (the numbers go out under disclosure
 * control) the command records what it publishes (ledger.h), so the
 * database is to be opened for writing (ctx->writes), and one that cannot
 * be written is refused here, with a message saying why and what to do
 * instead: -1 with `e` set. Without it the database is opened read-only, as
 * for any command that only reads. 0 when it can go on.
 */
int cmd_sdc_publisher(struct cmd_ctx *ctx, int records, struct err *e);

#endif
