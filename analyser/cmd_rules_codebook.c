/* analyser rules from-codebook: a REFI-QDA codebook as a rule set to complete. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "refi.h"

static const char usage[] =
	"usage: analyser rules from-codebook [--exercise CODE] IN.qdc OUT.rules.xml\n"
	"\n"
	"Starts a rule set from a REFI-QDA codebook, as NVivo, ATLAS.ti, MAXQDA,\n"
	"QualCoder or analyser export --codebook write it: one theme a code, in\n"
	"the codebook's order, sub-codes under their parents, the code's name as\n"
	"the label and its description as the theme's. The themes have no\n"
	"patterns: add <include> patterns and examples to each (docs/rules-format.md);\n"
	"analyser rules check --draft lists the themes still without any. A code\n"
	"that Tally exported keeps its theme code; another gets one made of its\n"
	"name. docs/refi-qda.md describes both directions.\n"
	"\n"
	"Exit status: 0 written, 1 the file is not a codebook (with its line),\n"
	"2 wrong command line, 3 the output cannot be written.\n"
	"\n"
	"  --exercise CODE  the exercise the rules are for (their exercise attribute)\n"
	"  -h, --help       show this help\n";

struct fc_opts {
	const char *in, *out, *exercise;
};

static int valid_code(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40 || !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", s[0]))
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int fc_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "exercise", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct fc_opts *o = ctx->opts;
	int c;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		if (c == 'x') {
			if (!valid_code(optarg))
				return cmd_usage_error(usage, "--exercise takes an exercise code (letters, "
						       "digits, '_', '.', '-'), not '%s'", optarg);
			o->exercise = optarg;
			continue;
		}
		return cmd_bad_option(usage);
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "from-codebook takes a codebook and the rules file to write");
	o->in = argv[optind];
	o->out = argv[optind + 1];
	return CMD_GO_ON;
}

static int fc_run(struct cmd_ctx *ctx, struct err *e)
{
	struct fc_opts *o = ctx->opts;
	size_t n = 0;

	if (refi_codebook_to_rules(o->in, o->out, o->exercise, &n, e) < 0)
		return -1;
	printf("wrote %s: %zu theme%s from %s, no patterns yet: add them, then analyser rules check\n",
	       o->out, n, n == 1 ? "" : "s", o->in);
	return EXIT_OK;
}

const struct cmd_ops cmd_rules_from_codebook = { fc_parse, fc_run, NULL, sizeof(struct fc_opts) };
