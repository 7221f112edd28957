/*
 * analyser review: human decisions over the rules' tags, for scripts and
 * tests (the web service's review pages do the same through review.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "coded_sample.h"
#include "commands.h"
#include "db.h"
#include "marked.h"
#include "redact.h"
#include "review.h"

const char cmd_review_usage[] =
	"usage: analyser review list DB [--untagged | --sample N [--seed S] | --theme CODE |\n"
	"                               --disagree SAMPLE | --decided] [--rules-only]\n"
	"                               [--unreviewed] [--question CODE] [--limit N]\n"
	"                               [--decisions] [--text]\n"
	"       analyser review accept|remove|add DB ANSWER THEME [--reason TEXT] [--as NAME]\n"
	"       analyser review mark DB ANSWER... [--as NAME]\n"
	"       analyser review progress DB [--by theme|district]\n"
	"       analyser review sample load DB GOLD.csv [--name NAME] [--as NAME]\n"
	"       analyser review sample list DB\n"
	"       analyser review sample drop DB NAME\n"
	"\n"
	"Human decisions over the rules' tags (docs/review.md). A reviewer accepts\n"
	"a tag the rules gave, removes a wrong one or adds a theme the rules missed;\n"
	"the decision is kept beside the tags, so a new 'analyser tag' run, with the\n"
	"same or changed rules, keeps it. The latest decision on an answer and theme\n"
	"wins; the earlier ones stay as history. Counts, report and export use the\n"
	"tags with the decisions unless given --rules-only.\n"
	"\n"
	"list: one answer a line, tab-separated: answer, response, question,\n"
	"district, the themes the rules give, the themes as counted, decisions in\n"
	"force, who marked it reviewed. Without a queue, every free-text answer of\n"
	"the responses that count.\n"
	"  --untagged        answers with no theme as counted\n"
	"  --sample N        a random sample of N answers for audit; --seed S (default\n"
	"                    1) gives the same sample again\n"
	"  --theme CODE      answers with this theme or one of its sub-themes\n"
	"  --disagree SAMPLE answers of the responses a hand-coded sample codes\n"
	"                    otherwise than the tags; a last column says how: +CODE only\n"
	"                    the sample (missed), -CODE only the tags (extra). SAMPLE is\n"
	"                    the name of a sample stored with 'review sample load',\n"
	"                    compared with the tags as counted (rules and decisions),\n"
	"                    or else a gold file (as for 'analyser evaluate'), compared\n"
	"                    with the rules' tags alone\n"
	"  --rules-only      compare a stored sample with the rules' tags alone\n"
	"  --decided         answers with a decision\n"
	"  --unreviewed      only answers not marked reviewed\n"
	"  --question CODE   only answers to this question\n"
	"  --limit N         at most N answers\n"
	"  --decisions       under each answer, its decisions in force: who, when, and\n"
	"                    whether the current rules now agree\n"
	"  --text            add the answer's text, personal data redacted (the text is\n"
	"                    still the respondent's own: keep the list inside the team);\n"
	"                    with a stored sample, the coder's note too, redacted\n"
	"\n"
	"accept, remove, add: records a decision on answer ANSWER (its number, as\n"
	"'list' and 'analyser explain' show it) and theme THEME, a code of the\n"
	"current rule set. accept and remove are for a theme the answer has, add for\n"
	"one it has not.\n"
	"  --reason TEXT     why, kept with the decision (never printed; redacted in\n"
	"                    exports)\n"
	"  --as NAME         the reviewer (default: $USER)\n"
	"\n"
	"mark: marks the answers reviewed, by --as NAME, now: what progress counts.\n"
	"\n"
	"sample: hand-coded samples kept in the database ('review sample --help').\n"
	"\n"
	"progress: answers reviewed out of the answers that count, by theme (the\n"
	"answers with it as counted) or by district, and the decisions in force:\n"
	"those the current rules now agree with, those that override the rules, and\n"
	"those on a theme the rules no longer have (counted nowhere).\n"
	"\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 done, 1 bad data (no such answer, a theme not in the rules, a\n"
	"decision that does not fit), 2 wrong command line, 3 system or database\n"
	"error.\n"
	"\n"
	"Example:\n"
	"  analyser review list survey.db --theme ACCESS-PARKING --text\n"
	"  analyser review list survey.db --disagree \"March audit\"\n"
	"  analyser review remove survey.db 812 ACCESS-PARKING --reason \"about a car park\n"
	"      at work\" --as asmith\n";

struct review_opts {
	struct review_query q;
	int decisions, text;
	const char *action, *theme, *reason, *reviewer;
	sqlite3_int64 *answers;
	int nanswers;
	enum review_split by;
};

enum {
	O_UNTAGGED = 256, O_SAMPLE, O_SEED, O_THEME, O_DISAGREE, O_DECIDED, O_UNREVIEWED,
	O_QUESTION, O_LIMIT, O_DECISIONS, O_TEXT, O_REASON, O_AS, O_BY, O_RULES_ONLY,
};

static const struct option longopts[] = {
	{ "untagged", no_argument, NULL, O_UNTAGGED },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "theme", required_argument, NULL, O_THEME },
	{ "disagree", required_argument, NULL, O_DISAGREE },
	{ "decided", no_argument, NULL, O_DECIDED },
	{ "unreviewed", no_argument, NULL, O_UNREVIEWED },
	{ "question", required_argument, NULL, O_QUESTION },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "decisions", no_argument, NULL, O_DECISIONS },
	{ "text", no_argument, NULL, O_TEXT },
	{ "reason", required_argument, NULL, O_REASON },
	{ "as", required_argument, NULL, O_AS },
	{ "by", required_argument, NULL, O_BY },
	{ "rules-only", no_argument, NULL, O_RULES_ONLY },
	CMD_EXERCISE_OPTION,
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* Which options each subcommand takes. */
enum { LIST = 1, DECIDE = 2, MARK = 4, PROGRESS = 8 };

static unsigned option_for(int c)
{
	switch (c) {
	case O_REASON:
		return DECIDE;
	case O_AS:
		return DECIDE | MARK;
	case O_BY:
		return PROGRESS;
	default:
		return LIST;
	}
}

static const char *option_name(int c)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* A whole number >= min for option `name`; -1 after saying so. */
static int whole(const char *name, const char *s, long min, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min)
		return cmd_usage_error(cmd_review_usage, "--%s takes a whole number%s, not '%s'",
				       name, min > 0 ? " above 0" : "", s), -1;
	*out = v;
	return 0;
}

/* A queue named twice is a usage error. */
static int set_queue(struct review_opts *o, enum review_queue q)
{
	if (o->q.queue != REVIEW_QUEUE_ALL && o->q.queue != q)
		return cmd_usage_error(cmd_review_usage, "list takes one of --untagged, --sample, "
				       "--theme, --disagree and --decided"), -1;
	o->q.queue = q;
	return 0;
}

static int parse_opts(struct cmd_ctx *ctx, int argc, char **argv, unsigned which,
		      struct review_opts *o)
{
	long n;
	int c;

	o->q.seed = 1;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(cmd_review_usage);
		if (c == '?' || c == ':')
			return cmd_bad_option(cmd_review_usage);
		if (c != CMD_OPT_EXERCISE && !(option_for(c) & which))
			return cmd_usage_error(cmd_review_usage, "review %s does not take --%s",
					       argv[0], option_name(c));
		switch (c) {
		case O_UNTAGGED:
			if (set_queue(o, REVIEW_QUEUE_UNTAGGED) < 0)
				return EXIT_USAGE;
			break;
		case O_SAMPLE:
			if (set_queue(o, REVIEW_QUEUE_SAMPLE) < 0 || whole("sample", optarg, 1, &n) < 0)
				return EXIT_USAGE;
			o->q.limit = n;
			break;
		case O_SEED:
			if (whole("seed", optarg, 0, &n) < 0)
				return EXIT_USAGE;
			o->q.seed = (unsigned long)n;
			break;
		case O_THEME:
			if (set_queue(o, REVIEW_QUEUE_THEME) < 0)
				return EXIT_USAGE;
			o->q.theme = optarg;
			break;
		case O_DISAGREE:
			if (set_queue(o, REVIEW_QUEUE_GOLD) < 0)
				return EXIT_USAGE;
			o->q.gold_path = optarg;
			break;
		case O_DECIDED:
			if (set_queue(o, REVIEW_QUEUE_DECIDED) < 0)
				return EXIT_USAGE;
			break;
		case O_UNREVIEWED:
			o->q.unreviewed = 1;
			break;
		case O_QUESTION:
			o->q.question = optarg;
			break;
		case O_LIMIT:
			if (whole("limit", optarg, 1, &n) < 0)
				return EXIT_USAGE;
			if (o->q.queue != REVIEW_QUEUE_SAMPLE)
				o->q.limit = n;
			break;
		case O_RULES_ONLY:
			o->q.rules_only = 1;
			break;
		case O_DECISIONS:
			o->decisions = 1;
			break;
		case O_TEXT:
			o->text = 1;
			break;
		case O_REASON:
			o->reason = optarg;
			break;
		case O_AS:
			o->reviewer = optarg;
			break;
		case O_BY:
			if (!strcmp(optarg, "theme"))
				o->by = REVIEW_BY_THEME;
			else if (!strcmp(optarg, "district"))
				o->by = REVIEW_BY_DISTRICT;
			else
				return cmd_usage_error(cmd_review_usage, "--by takes theme or district, "
						       "not '%s'", optarg);
			break;
		default:
			return cmd_bad_option(cmd_review_usage);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(cmd_review_usage, "review %s needs a database", argv[0]);
	ctx->db_path = argv[optind++];
	if (!o->reviewer)
		o->reviewer = getenv("USER");
	return CMD_GO_ON;
}

/* A positive answer number, or -1 after saying so. */
static int answer_number(const char *s, sqlite3_int64 *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!*s || *end || v <= 0)
		return cmd_usage_error(cmd_review_usage, "ANSWER is an answer's number, such as "
				       "812, not '%s'", s), -1;
	*out = v;
	return 0;
}

static int list_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct review_opts *o = ctx->opts;
	int rc = parse_opts(ctx, argc, argv, LIST, o);

	(void)e;
	if (rc != CMD_GO_ON)
		return rc;
	if (optind != argc)
		return cmd_usage_error(cmd_review_usage, "review list takes one database");
	return CMD_GO_ON;
}

/* What printing the list needs. */
struct list_state {
	sqlite3 *db;
	long long ex;
	const struct review_opts *o;
	struct redactor *rd;
	long shown;
	struct err *e;
};

static int print_decision(const struct review_decision *d, void *arg)
{
	(void)arg;
	printf("  %s %s by %s at %s (%s)\n", d->action, d->theme, d->reviewer, d->decided_at,
	       review_agreement_name(d->agreement));
	return 0;
}

static int print_item(const struct review_item *it, void *arg)
{
	struct list_state *s = arg;

	printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%d\t%s", (long long)it->answer_id,
	       (long long)it->response_id, it->question, it->district ? it->district : "",
	       it->rule_themes, it->themes, it->decisions, it->reviewed_by ? it->reviewed_by : "");
	if (s->o->q.queue == REVIEW_QUEUE_GOLD)
		printf("\t%s", it->gold_differs);
	if (s->o->text) {
		putchar('\t');
		if (marked_print(s->rd, it->text, it->text_len, NULL, 0, 0, stdout) < 0)
			return err_set(s->e, EXIT_SYSTEM, "out of memory");
		/* A stored sample's note, redacted as the text is. */
		if (s->o->q.sample) {
			putchar('\t');
			if (it->gold_note && marked_print(s->rd, it->gold_note, strlen(it->gold_note),
							  NULL, 0, 0, stdout) < 0)
				return err_set(s->e, EXIT_SYSTEM, "out of memory");
		}
	}
	putchar('\n');
	s->shown++;
	if (s->o->decisions && it->decisions > 0)
		return review_each_decision(s->db, s->ex, it->answer_id, 0, print_decision, NULL, s->e);
	return 0;
}

static int list_run(struct cmd_ctx *ctx, struct err *e)
{
	struct review_opts *o = ctx->opts;
	struct list_state s = { .db = ctx->db, .ex = ctx->exercise, .o = o, .e = e };
	int rc;

	if (o->q.queue == REVIEW_QUEUE_GOLD) {
		/* A stored sample's name first, else a file. */
		long long id;
		int found = sample_find(ctx->db, ctx->exercise, o->q.gold_path, &id, e);

		if (found < 0)
			return -1;
		if (found)
			o->q.sample = o->q.gold_path;
	}
	if (o->text && !(s.rd = redactor_new(e)))
		return -1;
	printf("answer\tresponse\tquestion\tdistrict\trules\tcounted\tdecisions\treviewed_by%s%s%s\n",
	       o->q.queue == REVIEW_QUEUE_GOLD ? "\tsample_differs" : "",
	       o->text ? "\ttext" : "", o->text && o->q.sample ? "\tsample_note" : "");
	rc = review_list(ctx->db, ctx->exercise, &o->q, print_item, &s, e);
	redactor_free(s.rd);
	if (rc != 0)
		return -1;
	fprintf(stderr, "%s: %ld answers listed%s\n", cmd_progname, s.shown,
		o->q.queue != REVIEW_QUEUE_GOLD ? "" : o->q.sample && !o->q.rules_only
		? " (the sample against the tags as counted: rules and decisions)"
		: " (the sample against the rules' tags alone)");
	return EXIT_OK;
}

static int decide_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct review_opts *o = ctx->opts;
	int rc = parse_opts(ctx, argc, argv, DECIDE, o);

	(void)e;
	if (rc != CMD_GO_ON)
		return rc;
	o->action = argv[0];
	if (argc - optind != 2)
		return cmd_usage_error(cmd_review_usage, "review %s takes a database, an answer "
				       "and a theme", argv[0]);
	if (!(o->answers = malloc(sizeof *o->answers)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (answer_number(argv[optind], &o->answers[0]) < 0)
		return EXIT_USAGE;
	o->nanswers = 1;
	o->theme = argv[optind + 1];
	if (!o->reviewer || !*o->reviewer)
		return cmd_usage_error(cmd_review_usage, "say who is reviewing with --as NAME ($USER "
				       "is not set)");
	return CMD_GO_ON;
}

static int decide_run(struct cmd_ctx *ctx, struct err *e)
{
	struct review_opts *o = ctx->opts;

	if (review_decide(ctx->db, o->answers[0], o->theme, o->action, o->reviewer, o->reason,
			  e) < 0)
		return -1;
	fprintf(stderr, "%s: answer %lld: %s %s, by %s\n", cmd_progname, (long long)o->answers[0],
		!strcmp(o->action, "accept") ? "accepted" : !strcmp(o->action, "add") ? "added"
		: "removed", o->theme, o->reviewer);
	return EXIT_OK;
}

static int mark_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct review_opts *o = ctx->opts;
	int rc = parse_opts(ctx, argc, argv, MARK, o);

	if (rc != CMD_GO_ON)
		return rc;
	if (optind >= argc)
		return cmd_usage_error(cmd_review_usage, "review mark takes a database and answers");
	if (!(o->answers = calloc((size_t)(argc - optind), sizeof *o->answers)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	for (; optind < argc; optind++)
		if (answer_number(argv[optind], &o->answers[o->nanswers++]) < 0)
			return EXIT_USAGE;
	if (!o->reviewer || !*o->reviewer)
		return cmd_usage_error(cmd_review_usage, "say who is reviewing with --as NAME ($USER "
				       "is not set)");
	return CMD_GO_ON;
}

static int mark_run(struct cmd_ctx *ctx, struct err *e)
{
	struct review_opts *o = ctx->opts;

	/* All or none. */
	if (db_begin(ctx->db, e) < 0)
		return -1;
	for (int i = 0; i < o->nanswers; i++)
		if (review_mark_reviewed(ctx->db, o->answers[i], o->reviewer, e) < 0) {
			db_rollback(ctx->db);
			return -1;
		}
	if (db_commit(ctx->db, e) < 0)
		return -1;
	fprintf(stderr, "%s: %d answers marked reviewed by %s\n", cmd_progname, o->nanswers,
		o->reviewer);
	return EXIT_OK;
}

static int progress_parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct review_opts *o = ctx->opts;
	int rc = parse_opts(ctx, argc, argv, PROGRESS, o);

	(void)e;
	if (rc != CMD_GO_ON)
		return rc;
	if (optind != argc)
		return cmd_usage_error(cmd_review_usage, "review progress takes one database");
	return CMD_GO_ON;
}

static int print_progress(const struct review_progress *p, void *arg)
{
	(void)arg;
	if (!p->code)
		printf("%-20s %-30s", "(all)", "All answers");
	else
		printf("%-20s %-30.30s", p->code, p->label ? p->label : "(not in the current rules)");
	printf(" %8ld %8ld %5.1f%% %7ld %9ld %5ld\n", p->answers, p->reviewed,
	       p->answers ? 100.0 * (double)p->reviewed / (double)p->answers : 0.0, p->agree,
	       p->overrides, p->gone);
	return 0;
}

static int progress_run(struct cmd_ctx *ctx, struct err *e)
{
	struct review_opts *o = ctx->opts;

	printf("%-20s %-30s %8s %8s %6s %7s %9s %5s\n", o->by == REVIEW_BY_THEME ? "theme" : "district",
	       "", "answers", "reviewed", "share", "agrees", "overrides", "gone");
	if (review_each_progress(ctx->db, ctx->exercise, o->by, print_progress, NULL, e) != 0)
		return -1;
	return EXIT_OK;
}

static void review_release(void *opts)
{
	struct review_opts *o = opts;

	free(o->answers);
}

const struct cmd_ops cmd_review_list = { list_parse, list_run, review_release,
					 sizeof(struct review_opts) };
const struct cmd_ops cmd_review_decide = { decide_parse, decide_run, review_release,
					   sizeof(struct review_opts) };
const struct cmd_ops cmd_review_mark = { mark_parse, mark_run, review_release,
					 sizeof(struct review_opts) };
const struct cmd_ops cmd_review_progress = { progress_parse, progress_run, review_release,
					     sizeof(struct review_opts) };
