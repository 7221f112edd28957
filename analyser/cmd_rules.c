/* analyser rules: checking a theme rule set before it is used. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "commands.h"
#include "prefilter.h"
#include "rules.h"

static const char check_usage[] =
	"usage: analyser rules check [--draft] RULES\n"
	"\n"
	"Checks a theme rule set (docs/rules-format.md): the file's structure,\n"
	"theme codes and parents, that every pattern compiles (a broken pattern is\n"
	"shown with a caret under the problem), and every example: each\n"
	"match=\"true\" example must be found by its theme, each match=\"false\"\n"
	"one must not. Failures are listed like a test run.\n"
	"\n"
	"Tagging first looks for the fixed text of each pattern and runs only the\n"
	"patterns whose text is there; patterns it cannot do that for are tried\n"
	"on every answer, which is slower, and are listed with the reason.\n"
	"\n"
	"With --draft, a set still being written (one made by analyser rules\n"
	"from-codebook) passes with themes that have no patterns yet; they are\n"
	"listed, to be done before the set can tag.\n"
	"\n"
	"Exit status: 0 all good, 1 a problem or a failing example.\n"
	"\n"
	"  --draft      allow themes without patterns, and list them\n"
	"  -h, --help   show this help\n";

/* Lists the patterns tagging runs on every answer. 0, or -1 with `e` set. */
static int print_slow(const struct ruleset *rs, struct err *e)
{
	struct prefilter *pf = prefilter_build(rs, e);
	size_t n;

	if (!pf)
		return -1;
	if ((n = prefilter_nslow(pf))) {
		printf("%s: %zu pattern%s checked the slow way, against every answer:\n", rs->path,
		       n, n == 1 ? " is" : "s are");
		for (size_t i = 0; i < n; i++) {
			const char *why;
			const struct rule_pattern *pat = prefilter_slow(pf, i, &why);

			printf("  %s (line %ld): %s\n", pat->id, pat->line, why);
		}
	}
	prefilter_free(pf);
	return 0;
}

struct check_opts {
	struct ruleset *rs;
	int draft;
};

/* A draft's themes that nothing can find yet: no patterns, no sub-themes. */
static void print_themes_without_patterns(const struct ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->nthemes; i++) {
		const struct rule_theme *t = &rs->themes[i];
		int has_child = 0;

		for (size_t j = 0; j < rs->nthemes && !has_child; j++)
			has_child = rs->themes[j].parent == (int)i;
		if (t->nincludes || has_child || t->otherwise)
			continue;
		if (!n++)
			printf("%s: themes with no patterns yet (add <include> patterns before tagging):\n",
			       rs->path);
		printf("  %s (line %ld): %s\n", t->code, t->line, t->label);
	}
	printf("%s: %zu theme%s, %zu still without patterns\n", rs->path, rs->nthemes,
	       rs->nthemes == 1 ? "" : "s", n);
}

static int check_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "draft", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_opts *o = ctx->opts;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(check_usage);
		if (c == 'd') {
			o->draft = 1;
			continue;
		}
		return cmd_bad_option(check_usage);
	}
	if (argc - optind != 1)
		return cmd_usage_error(check_usage, "check takes one rules file");
	if (!(o->rs = o->draft ? rules_load_draft(argv[optind], e) : rules_load(argv[optind], e)))
		return -1;
	return CMD_GO_ON;
}

static int check_run(struct cmd_ctx *ctx, struct err *e)
{
	struct check_opts *o = ctx->opts;
	struct ruleset *rs = o->rs;
	int failures = rules_check_examples(rs, stdout);

	if (print_slow(rs, e) < 0)
		return -1;
	if (o->draft)
		print_themes_without_patterns(rs);
	return failures ? EXIT_DATA : EXIT_OK;
}

static void check_release(void *opts)
{
	ruleset_free(((struct check_opts *)opts)->rs);
}

const struct cmd_ops cmd_rules_check = { check_parse, check_run, check_release,
					 sizeof(struct check_opts) };
