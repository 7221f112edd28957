/*
 * collector resolve: a supervisor settles the differences between two
 * officers' entries of the same paper form.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commands.h"
#include "compare.h"
#include "db.h"
#include "entry.h"

static const char usage[] =
	"usage: collector resolve DB --officer NAME [--event CODE]\n"
	"       collector resolve DB --list [--event CODE]\n"
	"\n"
	"Settles the differences between two officers' entries of the same form\n"
	"('collector enter --verify'). For each form whose two entries differ, the\n"
	"differences are shown side by side; look at the paper form and, for each\n"
	"one, type:\n"
	"  1   the first entry is right: keep it\n"
	"  2   the second entry is right: take it\n"
	"  c   neither: type the correct answer, as when typing forms in\n"
	"  s   skip it for now\n"
	"  q   stop (what you have settled is kept)\n"
	"Each decision is saved at once with your name and the time, and the first\n"
	"entry's answer it replaces is kept with it. When every difference of a form\n"
	"is settled the form is verified and counts in the analysis.\n"
	"\n"
	"  --officer NAME    your name, recorded with each decision (required unless\n"
	"                    --list)\n"
	"  --event CODE      only forms from this event\n"
	"  --list            show what is waiting and stop: nothing is asked\n"
	"  --exercise CODE   which exercise, when the database holds several\n"
	"  -h, --help        show this help\n"
	"\n"
	"Exit status: 0 done (including stopping early); 2 wrong command line; 3\n"
	"system or database error.\n";

static void form_heading(const struct entry_pending *p, FILE *out)
{
	char buf[400];

	snprintf(buf, sizeof buf, "Form %s (%s%s%s form): first entry by %s, second by %s; "
				  "%zu difference%s to settle.", p->serial, *p->event ? p->event : "",
		 *p->event ? ", " : "", strcmp(p->variant, "easy-read") ? "standard" : "Easy Read",
		 *p->first_officer ? p->first_officer : "an import", p->second_officer, p->ndiffs,
		 p->ndiffs == 1 ? "" : "s");
	compare_print_wrapped(out, buf, 0, 78);
}

static void print_form(const struct entry_pending *p, FILE *out)
{
	struct cmp_row *rows = calloc(p->ndiffs ? p->ndiffs : 1, sizeof *rows);
	char left[120], right[120];

	form_heading(p, out);
	if (!rows)
		return;
	for (size_t i = 0; i < p->ndiffs; i++)
		rows[i] = (struct cmp_row){ p->diffs[i].code, p->diffs[i].first, p->diffs[i].second };
	snprintf(left, sizeof left, "First entry (%s)", *p->first_officer ? p->first_officer :
		 "imported");
	snprintf(right, sizeof right, "Second entry (%s)", p->second_officer);
	compare_print_table(out, "Question", left, right, rows, p->ndiffs);
	free(rows);
}

static int list(sqlite3 *db, long long ex, const char *event, struct err *e)
{
	struct entry_pending *p = NULL;
	size_t n = 0;
	long long waiting = 0;
	char exs[32];

	snprintf(exs, sizeof exs, "%lld", ex);
	if (db_int(db, "SELECT count(*) FROM response r LEFT JOIN event v ON v.id = r.event_id "
		       "WHERE r.exercise_id = ?1 AND r.entry_status = 'awaiting-second-entry' AND "
		       "(?2 IS NULL OR v.code = ?2 COLLATE NOCASE)", 0, &waiting, e,
		   event ? 2 : 1, exs, event) < 0)
		return -1;
	if (entry_pending_list(db, ex, event, &p, &n, e) < 0)
		return -1;
	printf("%lld form%s wait%s for a second officer's entry; %zu form%s differences to "
	       "settle.\n", waiting, waiting == 1 ? "" : "s", waiting == 1 ? "s" : "", n,
	       n == 1 ? " has" : "s have");
	for (size_t i = 0; i < n; i++) {
		putchar('\n');
		print_form(&p[i], stdout);
	}
	entry_pending_free(p, n);
	return 0;
}

/* The choice for one difference: 1, 2, c, s or q; 0 at the end of input. */
static int choose(FILE *in, FILE *out, char **line, size_t *cap)
{
	for (;;) {
		const char *w;

		fputs("Type 1 to keep the first entry, 2 to take the second, c to type the correct\n"
		      "answer, s to skip it for now, q to stop.\n> ", out);
		if (!entry_ui_read_line(in, out, line, cap))
			return 0;
		w = *line + strspn(*line, " \t");
		if ((w[0] == '1' || w[0] == '2' || w[0] == 'c' || w[0] == 'C' || w[0] == 's' ||
		     w[0] == 'S' || w[0] == 'q' || w[0] == 'Q') &&
		    !w[1 + strspn(w + 1, " \t")])
			return w[0] | 0x20; /* '1', '2' stay; letters lower case */
		fputs("  That is not one of the choices.\n", out);
	}
}

struct tally {
	long settled, verified, skipped;
};

/*
 * Settles the differences of one form. 1 to go on, 0 to stop (q or end of
 * input), -1 on failure.
 */
static int one_form(sqlite3 *db, long long ex, const struct entry_form *form,
		    const struct entry_pending *p, const char *supervisor, struct tally *t,
		    FILE *in, FILE *out, struct err *e)
{
	char *line = NULL;
	size_t cap = 0;
	int go_on = 1;

	fputc('\n', out);
	print_form(p, out);
	for (size_t i = 0; i < p->ndiffs && go_on == 1; i++) {
		const struct entry_pending_diff *d = &p->diffs[i];
		const struct entry_question *q = entry_form_find_id(form, d->question_id);
		struct entry_answer correction = { 0 };
		enum entry_choice choice;
		char why[ENTRY_WHY_MAX], buf[200];
		int c, verified = 0, rc;

		if (!q) {
			err_set(e, EXIT_SYSTEM, "form %s: question %s is not on the %s form", p->serial,
				d->code, p->variant);
			go_on = -1;
			break;
		}
		fprintf(out, "\nQuestion %d of %zu  %s\n", q->number, form->nqs, q->code);
		compare_print_wrapped(out, q->text, 0, 78);
		snprintf(buf, sizeof buf, "1  first entry (%s):",
			 *p->first_officer ? p->first_officer : "imported");
		fprintf(out, "  %s\n", buf);
		compare_print_wrapped(out, d->first, 7, 71);
		snprintf(buf, sizeof buf, "2  second entry (%s):", p->second_officer);
		fprintf(out, "  %s\n", buf);
		compare_print_wrapped(out, d->second, 7, 71);
		c = choose(in, out, &line, &cap);
		if (c == 0 || c == 'q') {
			go_on = 0;
			break;
		}
		if (c == 's') {
			t->skipped++;
			continue;
		}
		choice = c == '1' ? ENTRY_KEEP_FIRST : c == '2' ? ENTRY_TAKE_SECOND : ENTRY_CORRECTION;
		if (choice == ENTRY_CORRECTION) {
			fputs("Type the correct answer, as it is on the paper form.\n", out);
			rc = entry_ui_ask(q, form->nqs, &correction, 0, in, out);
			if (rc < 0) {
				go_on = 0;
				break;
			}
		}
		rc = entry_resolve(db, ex, p->response_id, q, choice, &correction, supervisor,
				   &verified, why, sizeof why, e);
		if (rc > 0) {
			char *now = choice == ENTRY_CORRECTION ? entry_answer_show(q, &correction)
							       : NULL;

			const char *v = choice == ENTRY_KEEP_FIRST ? d->first
					: choice == ENTRY_TAKE_SECOND ? d->second : now ? now : "?";
			char *msg = malloc(strlen(q->code) + strlen(v) + 32);

			t->settled++;
			if (msg) {
				sprintf(msg, "Settled: %s is now %s", q->code, v);
				compare_print_wrapped(out, msg, 0, 78);
				free(msg);
			}
			free(now);
			if (verified) {
				t->verified++;
				fprintf(out, "Form %s is verified: every difference is settled.\n",
					p->serial);
			}
		} else if (rc == 0) {
			compare_print_wrapped(out, why, 2, 76);
		} else {
			go_on = -1;
		}
		entry_answer_clear(&correction);
	}
	free(line);
	return go_on;
}

struct resolve_opts {
	const char *officer, *event;
	int listing;
	char supervisor[ENTRY_NAME_MAX + 1];
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "officer", required_argument, NULL, 'o' },
		{ "event", required_argument, NULL, 'v' },
		{ "list", no_argument, NULL, 'l' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct resolve_opts *o = ctx->opts;
	char why[ENTRY_WHY_MAX];
	int c;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'o': o->officer = optarg; break;
		case 'v': o->event = optarg; break;
		case 'l': o->listing = 1; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "resolve takes one database");
	if (!o->listing && !o->officer)
		return cmd_usage_error(usage, "resolve needs --officer NAME: your name is recorded "
					      "with each decision");
	if (!o->listing && entry_check_name(o->officer, o->supervisor, why, sizeof why) <= 0)
		return cmd_usage_error(usage, "--officer: %s", why);
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct resolve_opts *o = ctx->opts;
	const char *event = o->event;
	struct entry_form *forms[2] = { NULL, NULL };
	struct entry_pending *p = NULL;
	struct tally t = { 0, 0, 0 };
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	size_t n = 0;
	int rc = 1;

	if (event) {
		int known = entry_event_exists(db, ex, event, e);
		char close[200];

		if (known < 0)
			goto out;
		if (!known) {
			entry_close_events(db, ex, event, close, sizeof close);
			err_set(e, EXIT_USAGE, "there is no event '%s' in this exercise%s%s%s: "
					       "'collector status' lists the events", event,
				*close ? " (did you mean " : "", close, *close ? "?)" : "");
			goto out;
		}
	}
	if (o->listing) {
		list(db, ex, event, e);
		goto out;
	}
	if (entry_pending_list(db, ex, event, &p, &n, e) < 0)
		goto out;
	if (!n) {
		printf("No form has differences to settle%s%s.\n", event ? " for " : "",
		       event ? event : "");
		goto out;
	}
	printf("%zu form%s differences to settle. Have the paper forms at hand.\n", n,
	       n == 1 ? " has" : "s have");
	for (size_t i = 0; i < n && rc == 1; i++) {
		int er = !strcmp(p[i].variant, "easy-read");

		if (!forms[er] && !(forms[er] = entry_form_load(db, ex, p[i].variant, e)))
			goto out;
		rc = one_form(db, ex, forms[er], &p[i], o->supervisor, &t, stdin, stdout, e);
	}
	if (rc >= 0)
		printf("\nFinished: %ld difference%s settled, %ld form%s verified%s%s.\n", t.settled,
		       t.settled == 1 ? "" : "s", t.verified, t.verified == 1 ? "" : "s",
		       t.skipped ? "; skipped for now: " : "", t.skipped ? "see 'collector resolve "
									  "--list'" : "");
out:
	entry_pending_free(p, n);
	entry_form_free(forms[0]);
	entry_form_free(forms[1]);
	return EXIT_OK;
}

const struct cmd_ops cmd_resolve = { parse, run, NULL, sizeof(struct resolve_opts) };
