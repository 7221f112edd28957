/*
 * analyser safeguarding list|seen: the answers a safeguarding theme
 * flagged, for a named person to review, and the record of that review
 * (docs/safeguarding.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "safeguard.h"

const char cmd_safeguarding_usage[] =
	"usage: analyser safeguarding list DB [--all] [--text]\n"
	"       analyser safeguarding seen DB ANSWER_ID --as NAME --action TEXT\n"
	"\n"
	"Themes marked safeguarding=\"true\" in the rules file look for possible\n"
	"disclosures of self-harm, abuse or neglect. What they find is never counted,\n"
	"published or quoted: it is listed here for a named person to read, who\n"
	"records that they saw it and what was done. 'analyser counts' and\n"
	"'analyser report' warn while any is not yet reviewed. The rules are a\n"
	"safety net, not a diagnosis: see docs/safeguarding.md.\n"
	"\n"
	"list shows each flagged answer not yet reviewed: its number, the response,\n"
	"the question, the theme and the rule that fired. What the person wrote is\n"
	"shown only with --text, with the matched words marked [[like this]]; it is\n"
	"personal and may be sensitive: read it on a screen, do not save or send it.\n"
	"\n"
	"  --all           also the answers already reviewed, with who saw them, when\n"
	"                  and what was done\n"
	"  --text          show what each person wrote\n"
	"  --as NAME       seen: the person who read the answer\n"
	"  --action TEXT   seen: what was done, such as \"referred to the safeguarding\n"
	"                  lead\" or \"no concern: about a parking machine\"\n"
	"  --exercise CODE which exercise, when the database holds several\n"
	"  -h, --help      show this help\n"
	"\n"
	"Example:\n"
	"  analyser safeguarding list survey.db --text\n"
	"  analyser safeguarding seen survey.db 4127 --as \"Sam Patel\" \\\n"
	"      --action \"referred to the trust's safeguarding team\"\n";

struct sg_opts {
	int all, text;
	const char *as, *action;
	long long answer;
};

static int parse_opts(struct cmd_ctx *ctx, int argc, char **argv, struct sg_opts *o)
{
	enum { O_ALL = 256, O_TEXT, O_AS, O_ACTION };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, O_ALL },
		{ "text", no_argument, NULL, O_TEXT },
		{ "as", required_argument, NULL, O_AS },
		{ "action", required_argument, NULL, O_ACTION },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case O_ALL:
			o->all = 1;
			break;
		case O_TEXT:
			o->text = 1;
			break;
		case O_AS:
			o->as = optarg;
			break;
		case O_ACTION:
			o->action = optarg;
			break;
		case 'h':
			return cmd_help(cmd_safeguarding_usage);
		default:
			return cmd_bad_option(cmd_safeguarding_usage);
		}
	}
	return CMD_GO_ON;
}

static int list_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct sg_opts *o = ctx->opts;
	int rc;

	(void)e;
	if ((rc = parse_opts(ctx, argc, argv, o)) != CMD_GO_ON)
		return rc;
	if (o->as || o->action)
		return cmd_usage_error(cmd_safeguarding_usage, "--as and --action are for "
				       "'safeguarding seen'");
	if (argc - optind != 1)
		return cmd_usage_error(cmd_safeguarding_usage, "safeguarding list takes one "
				       "database");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

struct listing {
	const struct sg_opts *o;
	long long last, answers;
};

/*
 * The answer as written (no redaction: the reviewer needs the words), on
 * one line, line breaks as " / ", the words the rule matched [[marked]].
 */
static void print_marked(const struct safeguard_flag *f)
{
	fputs("  \"", stdout);
	for (size_t i = 0; i <= f->len; i++) {
		if (i == f->match_end && f->match_end > f->match_start)
			fputs("]]", stdout);
		if (i == f->len)
			break;
		if (i == f->match_start && f->match_end > f->match_start)
			fputs("[[", stdout);
		if (f->text[i] == '\r' && i + 1 < f->len && f->text[i + 1] == '\n')
			continue;
		if (f->text[i] == '\n' || f->text[i] == '\r')
			fputs(" / ", stdout);
		else
			putchar(f->text[i]);
	}
	fputs("\"\n", stdout);
}

static int show_one(const struct safeguard_flag *f, void *ctx)
{
	struct listing *l = ctx;

	if (f->answer != l->last) {
		l->answers++;
		printf("%sanswer %lld  response %lld  question %s\n", l->last ? "\n" : "", f->answer,
		       f->response, f->question);
		if (f->seen_by)
			printf("  seen by %s at %s: %s\n", f->seen_by, f->seen_at, f->action);
		else
			printf("  not yet reviewed\n");
		if (l->o->text)
			print_marked(f);
		l->last = f->answer;
	}
	printf("  theme %s (%s), rule %s\n", f->theme, f->label, f->rule);
	return 0;
}

static int list_run(struct cmd_ctx *ctx, struct err *e)
{
	struct sg_opts *o = ctx->opts;
	struct listing l = { .o = o };
	long long flagged, open;

	if (safeguard_each(ctx->db, ctx->exercise, o->all, show_one, &l, e) < 0)
		return -1;
	if (safeguard_count(ctx->db, ctx->exercise, &flagged, &open, e) < 0)
		return -1;
	printf("%s%lld answer%s flagged, %lld not yet reviewed%s\n", l.answers ? "\n" : "",
	       flagged, flagged == 1 ? "" : "s", open,
	       l.answers && !o->text ? " (--text shows what was written)" : "");
	return EXIT_OK;
}

const struct cmd_ops cmd_safeguarding_list = { list_parse, list_run, NULL, sizeof(struct sg_opts) };

static int seen_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct sg_opts *o = ctx->opts;
	char *end;
	int rc;

	(void)e;
	if ((rc = parse_opts(ctx, argc, argv, o)) != CMD_GO_ON)
		return rc;
	if (o->all || o->text)
		return cmd_usage_error(cmd_safeguarding_usage, "--all and --text are for "
				       "'safeguarding list'");
	if (argc - optind != 2)
		return cmd_usage_error(cmd_safeguarding_usage, "safeguarding seen takes a database "
				       "and an answer number");
	o->answer = strtoll(argv[optind + 1], &end, 10);
	if (!*argv[optind + 1] || *end || o->answer <= 0)
		return cmd_usage_error(cmd_safeguarding_usage, "'%s' is not an answer number (see "
				       "'analyser safeguarding list DB')", argv[optind + 1]);
	if (!o->as || !o->action)
		return cmd_usage_error(cmd_safeguarding_usage, "safeguarding seen needs --as NAME "
				       "(who read it) and --action TEXT (what was done)");
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int seen_run(struct cmd_ctx *ctx, struct err *e)
{
	struct sg_opts *o = ctx->opts;

	if (safeguard_seen(ctx->db, ctx->exercise, o->answer, o->as, o->action, e) < 0)
		return -1;
	printf("answer %lld: review by %s recorded\n", o->answer, o->as);
	return EXIT_OK;
}

const struct cmd_ops cmd_safeguarding_seen = { seen_parse, seen_run, NULL, sizeof(struct sg_opts) };

int cmd_safeguarding_waiting(sqlite3 *db, long long ex, long long *open, struct err *e)
{
	long long flagged;

	return safeguard_count(db, ex, &flagged, open, e);
}

void cmd_safeguarding_warn(long long open, const char *db_path)
{
	if (open)
		cmd_warn("%lld answer%s flagged by a safeguarding theme %s not yet reviewed: they "
			 "are in no count, and a named person should read them ('analyser "
			 "safeguarding list %s')", open, open == 1 ? "" : "s",
			 open == 1 ? "is" : "are", db_path);
}
