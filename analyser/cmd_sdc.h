/*
 * cmd_sdc.h: the disclosure-control options the publishing commands share
 * (counts in csv, json or xml; export; report).
 */
#ifndef TALLY_CMD_SDC_H
#define TALLY_CMD_SDC_H

#include <stddef.h>

#include "suppress.h"

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

#endif
