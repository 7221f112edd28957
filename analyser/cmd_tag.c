/* analyser tag: the free text tagged with a rule set, with provenance. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "prefilter.h"
#include "review.h"
#include "rules.h"
#include "rules_cache.h"
#include "tagger.h"
#include "xmlsafe.h"

static const char usage[] =
	"usage: analyser tag DB RULES [--allow-failing-examples] [--no-cache] [--quiet]\n"
	"                             [--exercise CODE]\n"
	"\n"
	"Tags every free-text answer in DB with the themes of the rule set RULES\n"
	"(docs/rules-format.md). Each tag records the answer (so the response and\n"
	"question), the theme, the pattern that fired, where in the text it\n"
	"matched, and the rule-set version (the SHA-256 of RULES).\n"
	"\n"
	"Running it again with the same rules changes nothing but tags answers\n"
	"imported since; with changed rules, the new tags replace the old ones\n"
	"in one go. A pattern that runs too long on some answer is stopped and\n"
	"counted, and the themes concerned are listed at the end.\n"
	"\n"
	"The rule set's own examples are run first, as `analyser rules check`\n"
	"does: if any fails, they are listed and nothing is tagged.\n"
	"\n"
	"Once they all pass, DB keeps the compiled rule set (table rules_cache),\n"
	"keyed by the SHA-256 of the file's bytes and of the program's, PCRE2's\n"
	"and Vectorscan's versions: tagging again with the same file starts at\n"
	"once, without running the examples again. A changed file is compiled\n"
	"and checked afresh; a damaged entry is said, and compiled again.\n"
	"\n"
	"  --allow-failing-examples  tag even though some examples fail\n"
	"  --no-cache                compile the rule set and run its examples even\n"
	"                            when DB has it compiled (the entry is renewed)\n"
	"  -q, --quiet               no progress line (on a terminal it shows answers\n"
	"                            read, their rate, percent done and time left)\n"
	"  --exercise CODE           which exercise, when the database holds several\n"
	"  -h, --help                show this help\n";

/*
 * Runs the rule set's examples, listing any failure on stderr as `analyser
 * rules check` does. Returns how many failed, or -1 with `e` set.
 */
static int failing_examples(const struct ruleset *rs, struct err *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int failures;

	if (!f)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	failures = rules_check_examples(rs, f);
	if (fclose(f) != 0) {
		free(buf);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	if (failures)
		fputs(buf, stderr);
	free(buf);
	return failures;
}

struct tag_opts {
	const char *rules_path;
	char *bytes;       /* the rules file */
	size_t nbytes;
	struct ruleset *rs;
	int quiet;
	int allow_failing;
	int no_cache;
};

/* The rules file is read (not yet parsed) before the database is opened. */
static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "allow-failing-examples", no_argument, NULL, 'F' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tag_opts *o = ctx->opts;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "qh", longopts)) != -1) {
		switch (c) {
		case 'F':
			o->allow_failing = 1;
			break;
		case 'N':
			o->no_cache = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "tag takes a database and a rules file");
	o->rules_path = argv[optind + 1];
	if (file_read_all(o->rules_path, XMLSAFE_MAX_FILE, &o->bytes, &o->nbytes, e) < 0)
		return -1;
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

/* What the cache gives a run, and what it stores when the run commits. */
struct compiled {
	struct rules_cache_key key;
	struct prefilter *pf;
	const struct ruleset *rs;
	int store;       /* the examples all passed and pf was compiled here */
};

static int store_compiled(sqlite3 *db, void *arg, struct err *e)
{
	struct compiled *c = arg;

	return c->store ? rules_cache_put(db, &c->key, c->rs, c->pf, e) : 0;
}

/*
 * The rule set from DB's cache, when it holds this file's: 1 (o->rs and
 * c->pf set: the examples passed), 0 (none, or one that cannot be used,
 * said), or -1.
 */
static int from_cache(struct cmd_ctx *ctx, struct tag_opts *o, struct compiled *c,
		      struct err *e)
{
	char why[ERR_LINE_LEN] = "", *blob = NULL;
	size_t len = 0;
	struct err bad;
	int rc;

	if ((rc = rules_cache_get(ctx->db, &c->key, &blob, &len, why, sizeof why, e)) < 0)
		return -1;
	if (rc == 1) {
		/* Bytes this build checked against the schema when it cached them. */
		err_init(&bad);
		if ((o->rs = rules_parse_lazy(o->bytes, o->nbytes, o->rules_path, 1, &bad)) &&
		    (c->pf = prefilter_restore(o->rs, blob, len, &bad))) {
			free(blob);
			return 1;
		}
		if (bad.code == EXIT_SYSTEM) {
			free(blob);
			return err_set(e, EXIT_SYSTEM, "%s", err_first(&bad));
		}
		snprintf(why, sizeof why, "%s", err_first(&bad));
		ruleset_free(o->rs);
		o->rs = NULL;
		rc = 2;
	}
	free(blob);
	if (rc == 2)
		cmd_warn("%s: the compiled rule set cached for %s (key %.12s) cannot be used: %s; "
			 "compiling it again", ctx->db_path, o->rules_path, c->key.hex, why);
	return 0;
}

/*
 * The rule set ready to tag with: from DB's cache when it holds exactly
 * this file's, else read, compiled and its examples run (refusing it as
 * before there was a cache), marked to be stored. 0 or -1.
 */
static int get_compiled(struct cmd_ctx *ctx, struct tag_opts *o, struct compiled *c,
			struct err *e)
{
	char sha[SHA256_HEX_LEN + 1];
	int rc = 0, failures;

	sha256_hex(o->bytes, o->nbytes, sha);
	if (rules_cache_key(sha, &c->key, e) < 0)
		return -1;
	if (!o->no_cache && (rc = from_cache(ctx, o, c, e)) != 0) {
		c->rs = o->rs;
		return rc < 0 ? -1 : 0;
	}
	if (!(o->rs = rules_parse_lazy(o->bytes, o->nbytes, o->rules_path, 0, e)) ||
	    rules_compile(o->rs, e) < 0)
		return -1;
	c->rs = o->rs;
	/* A rule set that misses its own examples would count answers wrongly. */
	if ((failures = failing_examples(o->rs, e)) < 0)
		return -1;
	if (failures && !o->allow_failing)
		return err_set(e, EXIT_DATA, "%s: %d of the rule set's examples fail%s (listed "
			       "above), so nothing was tagged: fix the rules (`analyser rules check "
			       "%s`), or tag anyway with --allow-failing-examples", o->rules_path,
			       failures, failures == 1 ? "s" : "", o->rules_path);
	if (failures)
		cmd_warn("%s: tagging although %d of the rule set's examples fail "
			 "(--allow-failing-examples)", o->rules_path, failures);
	if (!(c->pf = prefilter_build(o->rs, e)))
		return -1;
	c->store = !failures;
	return 0;
}

/* How the review decisions in force stand against the rules just applied. */
static int tally_agreement(const struct review_decision *d, void *arg)
{
	long *n = arg;

	n[d->agreement]++;
	return 0;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct tag_opts *o = ctx->opts;
	const struct ruleset *rs;
	struct compiled c = { 0 };
	struct tagger_options topt = { .threads = 0, .progress = !o->quiet,
				       .before_commit = store_compiled, .arg = &c };
	struct tag_stats st;
	struct err errors;
	int rc;

	err_init(&errors);
	if (get_compiled(ctx, o, &c, e) < 0) {
		prefilter_free(c.pf);
		return -1;
	}
	rs = o->rs;
	topt.pf = c.pf;
	rc = tagger_run(ctx->db, ctx->exercise, rs, &topt, &st, &errors, e);
	prefilter_free(c.pf);
	if (rc < 0)
		return -1;
	if (st.same_version)
		printf("%s: rule set %.12s already in use; %ld new answers read, %ld tags added "
		       "(%ld tags in all)\n",
		       o->rules_path, rs->sha256, st.answers, st.tags, st.total_tags);
	else
		printf("%s: rule set %.12s, %zu themes: %ld answers read, %ld tagged, %ld tags\n",
		       o->rules_path, rs->sha256, rs->nthemes, st.answers, st.tagged, st.tags);
	if (st.invalid_utf8)
		cmd_warn("%ld answers are not valid UTF-8 and were not tagged", st.invalid_utf8);
	err_print(&errors, cmd_progname);
	{
		long n[3] = { 0, 0, 0 };

		if (review_each_decision(ctx->db, ctx->exercise, 0, 0, tally_agreement, n, e) != 0)
			return -1;
		if (n[REVIEW_AGREES] + n[REVIEW_OVERRIDES] + n[REVIEW_THEME_GONE])
			printf("review decisions kept: %ld agree with these rules, %ld override them, "
			       "%ld name a theme they do not have ('analyser review list --decided "
			       "--decisions')\n", n[REVIEW_AGREES], n[REVIEW_OVERRIDES],
			       n[REVIEW_THEME_GONE]);
	}
	return EXIT_OK;
}

static void release(void *opts)
{
	struct tag_opts *o = opts;

	ruleset_free(o->rs);
	free(o->bytes);
}

const struct cmd_ops cmd_tag = { parse, run, release, sizeof(struct tag_opts) };
