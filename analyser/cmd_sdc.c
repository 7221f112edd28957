/* cmd_sdc.c: the disclosure-control options the publishing commands share. */
#include "cmd_sdc.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int cmd_sdc_check(struct sdc_rule *rule, int no_suppress, const char *what, const char *usage)
{
	if (no_suppress) {
		rule->threshold = 0;
		rule->rounding = 1;
		rule->secondary = 0;
		cmd_warn("small counts are shown as they are (--no-suppress): do not publish this");
		return 0;
	}
	if (rule->threshold < 2) {
		cmd_usage_error(usage, "--threshold %ld hides no count, so the %s would publish "
				"counts as they are: give 2 or more (8 is the NHS rule), or "
				"--no-suppress to say so", rule->threshold, what);
		return -1;
	}
	return 0;
}

const char *cmd_sdc_text(const struct sdc_rule *rule, char *buf, size_t cap)
{
	char hid[48], rnd[48];

	if (rule->threshold > 2)
		snprintf(hid, sizeof hid, "counts from 1 to %ld hidden", rule->threshold - 1);
	else if (rule->threshold == 2)
		snprintf(hid, sizeof hid, "counts of 1 hidden");
	else
		snprintf(hid, sizeof hid, "no count hidden");
	if (rule->rounding > 1)
		snprintf(rnd, sizeof rnd, "rounded to %ld", rule->rounding);
	else
		snprintf(rnd, sizeof rnd, "exact");
	snprintf(buf, cap, "%s, %s %s", hid, rule->threshold > 1 ? "others" : "counts", rnd);
	return buf;
}

/* True when this user can write `path` and the folder it is in (WAL needs both). */
static int writable(const char *path)
{
	char *copy = strdup(path);
	int ok = copy && access(path, W_OK) == 0 && access(dirname(copy), W_OK) == 0;

	free(copy);
	return ok;
}

int cmd_sdc_publisher(struct cmd_ctx *ctx, int records, struct err *e)
{
	const char *path = ctx->db_path;

	if (!records)
		return 0;
	if (access(path, F_OK) == 0 && !writable(path))
		return err_set(e, EXIT_SYSTEM,
			       "%s cannot be written here: publishing under disclosure control "
			       "records what it publishes in the database, so that later tables hide "
			       "the same counts; copy the database to a folder you can write, or "
			       "look at the counts on screen (analyser counts without --format)",
			       path);
	ctx->writes = 1;
	return 0;
}
