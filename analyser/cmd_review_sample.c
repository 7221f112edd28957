/*
 * analyser review sample load|list|drop: hand-coded samples kept in the
 * database (coded_sample.h), for `review list --disagree NAME` and the web
 * service's disagreement queue. The help is cmd_review_sample_usage's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "coded_sample.h"
#include "commands.h"
#include "fileutil.h"

const char cmd_review_sample_usage[] =
	"usage: analyser review sample load DB GOLD.csv [--name NAME] [--as NAME]\n"
	"       analyser review sample list DB\n"
	"       analyser review sample drop DB NAME\n"
	"\n"
	"Hand-coded samples kept in the database.\n"
	"'analyser review list --disagree NAME' and the web service's review pages\n"
	"list the answers a stored sample and the tags disagree on (docs/review.md).\n"
	"\n"
	"load: checks the gold file GOLD.csv as 'analyser evaluate' does (every\n"
	"problem said with its line; nothing stored unless all is right) and stores\n"
	"its codes and its coders' notes.\n"
	"  --name NAME       the sample's name (default: the file's name without .csv);\n"
	"                    a name already stored is refused: drop it first\n"
	"  --as NAME         who loads it (default: $USER)\n"
	"The notes are personal data, as review reasons are: never printed, and\n"
	"erased with their response.\n"
	"\n"
	"list: the stored samples, tab-separated: name, coded responses, who loaded\n"
	"it, when, the file, and whether the rules have changed since.\n"
	"\n"
	"drop: deletes a stored sample with its codes and notes.\n"
	"\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 done, 1 bad data (a problem in the file, a name already\n"
	"stored, no such sample), 2 wrong command line, 3 system or database error.\n"
	"\n"
	"Example:\n"
	"  analyser review sample load survey.db gold.csv --name \"March audit\"\n"
	"  analyser review list survey.db --disagree \"March audit\"\n";

#define SAMPLE_FILE_MAX (64UL * 1024 * 1024) /* bytes of a gold file loaded */

struct sample_opts {
	const char *file, *name, *by;
	char default_name[SAMPLE_NAME_MAX + 1];
};

enum { O_NAME = 256, O_AS };

static const struct option longopts[] = {
	{ "name", required_argument, NULL, O_NAME },
	{ "as", required_argument, NULL, O_AS },
	CMD_EXERCISE_OPTION,
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* Options, then the database and `nargs` more arguments into args. */
static int parse(struct cmd_ctx *ctx, int argc, char **argv, int load, int nargs,
		 const char **args)
{
	struct sample_opts *o = ctx->opts;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(cmd_review_sample_usage);
		if (c == '?' || c == ':')
			return cmd_bad_option(cmd_review_sample_usage);
		if (c == CMD_OPT_EXERCISE)
			continue;
		if (!load)
			return cmd_usage_error(cmd_review_sample_usage, "review sample %s does not take --%s",
					       argv[0], c == O_NAME ? "name" : "as");
		if (c == O_NAME)
			o->name = optarg;
		else
			o->by = optarg;
	}
	if (argc - optind != 1 + nargs)
		return cmd_usage_error(cmd_review_sample_usage, "review sample %s takes %s", argv[0],
				       nargs ? (load ? "a database and a gold file" :
						"a database and a sample's name") : "one database");
	ctx->db_path = argv[optind++];
	if (nargs)
		*args = argv[optind];
	return CMD_GO_ON;
}

static int load_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct sample_opts *o = ctx->opts;
	int rc = parse(ctx, argc, argv, 1, 1, &o->file);

	(void)e;
	if (rc != CMD_GO_ON)
		return rc;
	if (!o->name) {
		sample_default_name(o->file, o->default_name, sizeof o->default_name);
		o->name = o->default_name;
	}
	{
		struct err bad;

		err_init(&bad);
		if (sample_name_check(o->name, &bad) < 0)
			return cmd_usage_error(cmd_review_sample_usage, "%s (--name NAME)", err_first(&bad));
	}
	if (!o->by)
		o->by = getenv("USER");
	if (!o->by || !*o->by)
		return cmd_usage_error(cmd_review_sample_usage, "say who loads the sample with --as NAME "
				       "($USER is not set)");
	return CMD_GO_ON;
}

static int load_run(struct cmd_ctx *ctx, struct err *e)
{
	struct sample_opts *o = ctx->opts;
	char *buf;
	size_t len;
	long n;
	int rc;

	if (file_read_all(o->file, SAMPLE_FILE_MAX, &buf, &len, e) < 0)
		return -1;
	rc = sample_load(ctx->db, ctx->exercise, buf, len, o->file, o->name, o->by, &n, e);
	free(buf);
	if (rc < 0)
		return -1;
	fprintf(stderr, "%s: coded sample '%s' stored: %ld responses, loaded by %s\n", cmd_progname,
		o->name, n, o->by);
	return EXIT_OK;
}

static int list_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	(void)e;
	return parse(ctx, argc, argv, 0, 0, NULL);
}

static int print_sample(const struct sample_info *s, void *arg)
{
	long *n = arg;

	printf("%s\t%ld\t%s\t%s\t%s\t%s\n", s->name, s->responses, s->loaded_by, s->loaded_at,
	       s->source, s->current_rules ? "current rules" : "rules changed since");
	(*n)++;
	return 0;
}

static int list_run(struct cmd_ctx *ctx, struct err *e)
{
	long n = 0;

	printf("name\tresponses\tloaded_by\tloaded_at\tfile\trules\n");
	if (sample_each(ctx->db, ctx->exercise, print_sample, &n, e) != 0)
		return -1;
	fprintf(stderr, "%s: %ld coded samples stored\n", cmd_progname, n);
	return EXIT_OK;
}

static int drop_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct sample_opts *o = ctx->opts;

	(void)e;
	return parse(ctx, argc, argv, 0, 1, &o->name);
}

static int drop_run(struct cmd_ctx *ctx, struct err *e)
{
	struct sample_opts *o = ctx->opts;

	if (sample_drop(ctx->db, ctx->exercise, o->name, e) < 0)
		return -1;
	fprintf(stderr, "%s: coded sample '%s' dropped, with its codes and notes\n", cmd_progname,
		o->name);
	return EXIT_OK;
}

const struct cmd_ops cmd_review_sample_load = { load_parse, load_run, NULL,
						sizeof(struct sample_opts) };
const struct cmd_ops cmd_review_sample_list = { list_parse, list_run, NULL,
						sizeof(struct sample_opts) };
const struct cmd_ops cmd_review_sample_drop = { drop_parse, drop_run, NULL,
						sizeof(struct sample_opts) };
