/* analyser agree: two coders' hand coding of the same sample, compared and adjudicated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agree.h"
#include "agree_store.h"
#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "eval.h"
#include "eval_errors.h"
#include "gold_file.h"
#include "marked.h"
#include "outfile.h"
#include "redact.h"

static const char usage[] =
	"usage: analyser agree DB A.csv B.csv [--exercise CODE] [--theme CODE]\n"
	"                      [--format text|tsv] [--disagreements [--text]]\n"
	"                      [--adjudicate SHEET.csv | --agreed SHEET.csv --out AGREED.csv]\n"
	"                      [--store]\n"
	"\n"
	"Compares two coders' hand coding of the same responses. A.csv and B.csv\n"
	"are gold files as 'analyser evaluate' reads them (docs/evaluate.md), coded\n"
	"against the current rule set's themes; a sub-theme counts toward its\n"
	"parent. Only responses both coders coded are compared: the others are\n"
	"named in a warning.\n"
	"\n"
	"For each theme either coder gave: how many responses both gave it, only\n"
	"A, only B and neither; the share of responses they agree on and Cohen's\n"
	"kappa (n/a, with why, when neither coder varies). Then two overall\n"
	"figures: the pooled kappa of the themes' tables summed, and the mean of\n"
	"the themes' kappas. See docs/agreement.md.\n"
	"\n"
	"  --theme CODE       only this theme\n"
	"  --format F         'text' (the default) or 'tsv' for spreadsheets\n"
	"  --disagreements    list each disagreement: response, theme, each coder's\n"
	"                     decision and notes (notes redacted)\n"
	"  --text             with --disagreements: the response's answers too,\n"
	"                     redacted (the respondents' own words: keep the list\n"
	"                     inside the analysis team)\n"
	"  --adjudicate F     write an adjudication sheet (CSV): every disagreement\n"
	"                     with an empty 'decision' column to fill with yes or no\n"
	"                     (or a or b to take that coder's)\n"
	"  --agreed F         the filled sheet: merge it into the agreed gold file\n"
	"  --out F            with --agreed: where to write the agreed gold file,\n"
	"                     which 'analyser evaluate' reads\n"
	"  --store            keep the figures in the database, for the report's\n"
	"                     \"How we counted\"\n"
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 done, 1 a problem in a gold file or the sheet, 2 wrong command\n"
	"line, a missing file or no rule set yet, 3 a database or system error.\n";

struct agree_opts {
	const char *a_path, *b_path, *theme, *adjudicate, *agreed, *out;
	int tsv, disagreements, text, store;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "theme", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "disagreements", no_argument, NULL, 'd' },
		{ "text", no_argument, NULL, 'x' },
		{ "adjudicate", required_argument, NULL, 'j' },
		{ "agreed", required_argument, NULL, 'g' },
		{ "out", required_argument, NULL, 'o' },
		{ "store", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct agree_opts *o = ctx->opts;
	int c;

	(void)e;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 't':
			o->theme = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "tsv"))
				o->tsv = 1;
			else if (!strcmp(optarg, "text"))
				o->tsv = 0;
			else
				return cmd_usage_error(usage, "--format takes 'text' or 'tsv', not "
							      "'%s'", optarg);
			break;
		case 'd':
			o->disagreements = 1;
			break;
		case 'x':
			o->text = 1;
			break;
		case 'j':
			o->adjudicate = optarg;
			break;
		case 'g':
			o->agreed = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 's':
			o->store = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 3)
		return cmd_usage_error(usage, "agree takes a database and two gold files");
	if (o->text && !o->disagreements)
		return cmd_usage_error(usage, "--text goes with --disagreements");
	if (o->tsv && o->disagreements)
		return cmd_usage_error(usage, "--disagreements are listed as text: they do not go "
					      "with --format tsv");
	if (!o->agreed != !o->out)
		return cmd_usage_error(usage, "--agreed and --out go together: the filled sheet "
					      "and where to write the agreed gold file");
	if (o->agreed && o->adjudicate)
		return cmd_usage_error(usage, "--adjudicate writes a sheet, --agreed reads a "
					      "filled one: give one of them");
	if (o->store && o->theme)
		return cmd_usage_error(usage, "--store keeps the figures over every theme: it does "
					      "not go with --theme");
	ctx->db_path = argv[optind];
	o->a_path = argv[optind + 1];
	o->b_path = argv[optind + 2];
	ctx->writes = o->store;
	return CMD_GO_ON;
}

/* One coder's file: read, and its notes by line. */
struct coder {
	struct agree_side side;
	struct evaluation *ev;
	unsigned char *flags;
	char **notes;
	long nlines;
};

static void coder_free(struct coder *c)
{
	eval_free(c->ev);
	free(c->flags);
	gold_notes_free(c->notes, c->nlines);
}

static int coder_read(struct cmd_ctx *ctx, const char *path, struct coder *c, struct err *e)
{
	struct csv_reader *gold;
	int fd = -1;

	c->side.name = path;
	if (!(gold = gold_open(path, &fd, e)))
		return -1;
	c->ev = eval_gold_current(ctx->db, ctx->exercise, gold, path, 0, 0, &c->flags, e);
	csv_reader_free(gold);
	close(fd);
	if (!c->ev || gold_notes(path, &c->notes, &c->nlines, e) < 0)
		return -1;
	c->side.ev = c->ev;
	c->side.flags = c->flags;
	return 0;
}

static const char *coder_note(const struct coder *c, size_t r)
{
	long line = c->ev->responses[r].line;

	return c->notes && line <= c->nlines ? c->notes[line] : NULL;
}

/* "surveymonkey:123 (A.csv:5)", up to 8 of them, then how many more. */
static void name_some(const struct coder *c, const size_t *idx, size_t n, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < n && k < 8 && used < cap; k++) {
		const struct eval_response *r = &c->ev->responses[idx[k]];
		int w;

		if (r->name)
			w = snprintf(buf + used, cap - used, "%s%s (line %ld)", k ? ", " : "", r->name,
				     r->line);
		else
			w = snprintf(buf + used, cap - used, "%sresponse %lld (line %ld)",
				     k ? ", " : "", r->id, r->line);
		used += w > 0 ? (size_t)w : 0;
	}
	if (n > 8 && used < cap)
		snprintf(buf + used, cap - used, " and %zu more", n - 8);
}

static void warn_only_one(const struct agreement *ag, const struct coder *a,
			  const struct coder *b)
{
	char names[2][1024];

	if (!ag->nonly_a && !ag->nonly_b)
		return;
	name_some(a, ag->only_a, ag->nonly_a, names[0], sizeof names[0]);
	name_some(b, ag->only_b, ag->nonly_b, names[1], sizeof names[1]);
	cmd_warn("%zu responses coded by only one coder are left out of the comparison: "
		 "%zu only in %s%s%s; %zu only in %s%s%s", ag->nonly_a + ag->nonly_b,
		 ag->nonly_a, a->side.name, ag->nonly_a ? ": " : "", names[0],
		 ag->nonly_b, b->side.name, ag->nonly_b ? ": " : "", names[1]);
}

/* How each response is known, for the sheet and the agreed gold file. */
static int load_idents(sqlite3 *db, const struct agreement *ag, const struct coder *a,
		       struct agree_ident **ids, char ***strs, struct err *e)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	*ids = calloc(ag->npairs + 1, sizeof **ids);
	*strs = calloc(2 * ag->npairs + 1, sizeof **strs);
	if (!*ids || !*strs)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (!(st = db_prepare(db, "SELECT external_id, serial FROM response WHERE id = ?1", e)))
		return -1;
	for (size_t p = 0; p < ag->npairs; p++) {
		struct agree_ident *id = &(*ids)[p];

		id->response = a->ev->responses[ag->pairs[p].a].id;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id->response);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW)
			break;
		for (int k = 0; k < 2; k++) {
			const char *v = (const char *)sqlite3_column_text(st, k);

			if (v && !((*strs)[2 * p + (size_t)k] = strdup(v))) {
				sqlite3_finalize(st);
				return err_set(e, EXIT_SYSTEM, "out of memory");
			}
		}
		id->external_id = (*strs)[2 * p];
		id->serial = (*strs)[2 * p + 1];
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_fail(db, "reading the responses' identifiers", e);
	else if (rc == SQLITE_DONE && ag->npairs)
		err_set(e, EXIT_SYSTEM, "a coded response went from the database while it was read");
	sqlite3_finalize(st);
	return err_isset(e) ? -1 : 0;
}

static void free_idents(struct agree_ident *ids, char **strs, size_t npairs)
{
	if (strs)
		for (size_t i = 0; i < 2 * npairs; i++)
			free(strs[i]);
	free(strs);
	free(ids);
}

static const char *kappa_text(const struct agree_stat *s, char *buf, size_t cap)
{
	if (s->why != AGREE_DEFINED)
		return "n/a";
	snprintf(buf, cap, "%.3f", s->kappa);
	return buf;
}

static const char *percent_text(double v, char *buf, size_t cap)
{
	if (isnan(v))
		return "-";
	snprintf(buf, cap, "%.1f%%", 100 * v);
	return buf;
}

static int shown(const struct agreement *ag, int theme, size_t t)
{
	return theme >= 0 ? (size_t)theme == t : agree_listed(&ag->n[t]);
}

static void print_table(const struct agreement *ag, int theme, const struct coder *a,
			const struct coder *b, FILE *out)
{
	const struct evaluation *ev = ag->themes_of;
	size_t unlisted = 0, nundef = 0, nmean;
	struct agree_stat pooled;
	double mean;
	char k[32], p[32];

	fprintf(out, "Agreement between two coders: %zu responses coded by both\n"
		"  A: %s (%zu coded)\n  B: %s (%zu coded)\nRule set: %s\n\n", ag->npairs,
		a->side.name, a->ev->nresponses, b->side.name, b->ev->nresponses, ev->ruleset_file);
	fprintf(out, "%-24s %5s %6s %6s %7s %6s %6s\n", "Theme", "Both", "A only", "B only",
		"Neither", "Agree", "Kappa");
	for (size_t t = 0; t < ag->nthemes; t++) {
		const struct agree_counts *c = &ag->n[t];
		struct agree_stat s;
		int indent = 2 * (ev->themes[t].depth - 1);

		if (!shown(ag, theme, t)) {
			unlisted += theme < 0;
			continue;
		}
		agree_stat(c, &s);
		fprintf(out, "%*s%-*s %5ld %6ld %6ld %7ld %6s %6s\n", indent, "", 24 - indent,
			ev->themes[t].code, c->both, c->a_only, c->b_only, c->neither,
			percent_text(s.agreement, p, sizeof p), kappa_text(&s, k, sizeof k));
	}
	if (theme < 0) {
		agree_overall(ag, &pooled, &mean, &nmean, &nundef);
		fprintf(out, "%-24s %27s %6s %6s\n", "(pooled)", "",
			percent_text(pooled.agreement, p, sizeof p), kappa_text(&pooled, k, sizeof k));
		if (isnan(mean))
			snprintf(k, sizeof k, "n/a");
		else
			snprintf(k, sizeof k, "%.3f", mean);
		fprintf(out, "%-24s %27s %6s %6s\n", "(mean)", "", "", k);
		fprintf(out, "\n(pooled): the themes' tables summed, so common themes weigh more.\n"
			"(mean): the mean of the kappas of %zu themes, each weighing the same", nmean);
		if (nundef)
			fprintf(out, "; %zu with kappa n/a left out", nundef);
		fputs(".\n", out);
		if (unlisted)
			fprintf(out, "%zu themes neither coder gave are not listed (kappa n/a: no "
				"variation).\n", unlisted);
	}
	for (size_t t = 0; t < ag->nthemes; t++) {
		struct agree_stat s;

		if (!shown(ag, theme, t))
			continue;
		agree_stat(&ag->n[t], &s);
		if (s.why != AGREE_DEFINED)
			fprintf(out, "%s: kappa n/a: %s.\n", ev->themes[t].code, agree_why(s.why));
	}
}

/* A TSV cell: tabs and line breaks as spaces. */
static void tsv_cell(const char *s, FILE *out)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void tsv_stat(const struct agree_stat *s, FILE *out)
{
	if (isnan(s->agreement))
		fputs("\t", out);
	else
		fprintf(out, "\t%.2f", 100 * s->agreement);
	if (s->why == AGREE_DEFINED)
		fprintf(out, "\t%.4f\t\n", s->kappa);
	else
		fprintf(out, "\tn/a\t%s\n", agree_why(s->why));
}

static void print_tsv(const struct agreement *ag, int theme, FILE *out)
{
	const struct evaluation *ev = ag->themes_of;

	fputs("theme\tlabel\tlevel\tboth\ta_only\tb_only\tneither\tpercent_agreement\tkappa\t"
	      "note\n", out);
	for (size_t t = 0; t < ag->nthemes; t++) {
		const struct agree_counts *c = &ag->n[t];
		struct agree_stat s;

		if (!shown(ag, theme, t))
			continue;
		agree_stat(c, &s);
		tsv_cell(ev->themes[t].code, out);
		fputc('\t', out);
		tsv_cell(ev->themes[t].label, out);
		fprintf(out, "\t%d\t%ld\t%ld\t%ld\t%ld", ev->themes[t].depth, c->both, c->a_only,
			c->b_only, c->neither);
		tsv_stat(&s, out);
	}
	if (theme < 0) {
		struct agree_stat pooled;
		size_t nmean, nundef;
		double mean;

		agree_overall(ag, &pooled, &mean, &nmean, &nundef);
		fputs("(pooled)\tthe listed themes' tables summed\t\t\t\t\t", out);
		tsv_stat(&pooled, out);
		fprintf(out, "(mean)\tmean kappa of %zu themes (%zu n/a left out)\t\t\t\t\t\t\t",
			nmean, nundef);
		if (isnan(mean))
			fputs("n/a\tno theme has a kappa\n", out);
		else
			fprintf(out, "%.4f\t\n", mean);
	}
}

/* A coder's note on one line, redacted. */
static int print_note(const struct redactor *rd, const char *who, const char *note, FILE *out)
{
	char *red;

	if (!note)
		return 0;
	if (!(red = redactor_apply(rd, note, strlen(note), NULL)))
		return -1;
	for (char *s = red; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
	fprintf(out, "    %s note: %s\n", who, red);
	free(red);
	return 0;
}

static int print_disagreements(sqlite3 *db, const struct agree_opts *o,
			       const struct agreement *ag, int theme, const struct coder *a,
			       const struct coder *b, FILE *out, struct err *e)
{
	const struct evaluation *ev = ag->themes_of;
	struct redactor *rd = redactor_new(e);
	sqlite3_stmt *ans = NULL;
	size_t total = 0, responses = 0;
	int ok = -1;

	if (!rd)
		return -1;
	if (o->text && !(ans = db_prepare(db, "SELECT q.code, a.value FROM answer a JOIN question "
					  "q ON q.id = a.question_id WHERE a.response_id = ?1 "
					  "AND q.type = 'free-text' AND a.value IS NOT NULL "
					  "ORDER BY q.position, a.id", e)))
		goto out;
	for (size_t p = 0; p < ag->npairs; p++) {
		size_t here = 0;

		for (size_t t = 0; t < ag->nthemes; t++)
			if ((theme < 0 || (size_t)theme == t) &&
			    agree_flag(&a->side, ag, p, t, 0) != agree_flag(&b->side, ag, p, t, 1))
				here++;
		total += here;
		responses += here > 0;
	}
	fprintf(out, "\nDisagreements: %zu, in %zu responses\n", total, responses);
	if (o->text)
		fputs("Answers are the respondents' own, personal data redacted: keep this list "
		      "inside the analysis team.\n", out);
	for (size_t p = 0; p < ag->npairs; p++) {
		const struct eval_response *r = &a->ev->responses[ag->pairs[p].a];
		const char *na, *nb;
		int any = 0;

		for (size_t t = 0; t < ag->nthemes; t++) {
			int x = agree_flag(&a->side, ag, p, t, 0), y = agree_flag(&b->side, ag, p, t, 1);

			if ((theme >= 0 && (size_t)theme != t) || x == y)
				continue;
			if (!any++)
				fprintf(out, "  response %lld (%s)\n", r->id, r->name ? r->name : "-");
			fprintf(out, "    %-24s A %-3s  B %s\n", ev->themes[t].code, x ? "yes" : "no",
				y ? "yes" : "no");
		}
		if (!any)
			continue;
		na = coder_note(a, ag->pairs[p].a);
		nb = coder_note(b, ag->pairs[p].b);
		if (na && nb && !strcmp(na, nb) ? print_note(rd, "A's and B's", na, out) < 0 :
		    print_note(rd, "A's", na, out) < 0 || print_note(rd, "B's", nb, out) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		if (ans) {
			int rc;

			sqlite3_reset(ans);
			sqlite3_bind_int64(ans, 1, r->id);
			while ((rc = sqlite3_step(ans)) == SQLITE_ROW) {
				fprintf(out, "    %s: ", sqlite3_column_text(ans, 0));
				if (marked_print(rd, (const char *)sqlite3_column_text(ans, 1),
						 (size_t)sqlite3_column_bytes(ans, 1), NULL, 0, 0,
						 out) < 0) {
					err_set(e, EXIT_SYSTEM, "out of memory");
					goto out;
				}
				fputc('\n', out);
			}
			if (rc != SQLITE_DONE) {
				db_fail(db, "reading the answers", e);
				goto out;
			}
		}
	}
	ok = 0;
out:
	sqlite3_finalize(ans);
	redactor_free(rd);
	return ok;
}

/* Each pair's two notes, redacted as --disagreements shows them, for the sheet. */
static int sheet_notes(const struct agreement *ag, const struct coder *a, const struct coder *b,
		       char *(**notes)[2], struct err *e)
{
	struct redactor *rd = redactor_new(e);

	if (!rd)
		return -1;
	if (!(*notes = calloc(ag->npairs + 1, sizeof **notes))) {
		redactor_free(rd);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	for (size_t p = 0; p < ag->npairs; p++)
		for (int k = 0; k < 2; k++) {
			const char *n = k ? coder_note(b, ag->pairs[p].b) : coder_note(a, ag->pairs[p].a);

			if (n && !((*notes)[p][k] = redactor_apply(rd, n, strlen(n), NULL))) {
				redactor_free(rd);
				return err_set(e, EXIT_SYSTEM, "out of memory");
			}
		}
	redactor_free(rd);
	return 0;
}

/* The adjudication sheet, or the agreed gold file from a filled one. */
static int write_files(struct cmd_ctx *ctx, const struct agree_opts *o,
		       const struct agreement *ag, const struct coder *a, const struct coder *b,
		       struct err *e)
{
	struct agree_ident *ids = NULL;
	char **strs = NULL;
	unsigned char *agreed = NULL;
	struct csv_reader *sheet = NULL;
	struct out_file of = { 0 };
	char *(*notes)[2] = NULL;
	const char *path = o->adjudicate ? o->adjudicate : o->out;
	int fd = -1, ok = -1;

	if (load_idents(ctx->db, ag, a, &ids, &strs, e) < 0)
		goto out;
	if (o->agreed) {
		if (!(sheet = gold_open(o->agreed, &fd, e)) ||
		    agree_merge(ag, &a->side, &b->side, ids, sheet, o->agreed, &agreed, e) < 0)
			goto out;
	}
	if (out_check(path, e) < 0 || out_open(&of, path, e) < 0)
		goto out;
	if (o->adjudicate && sheet_notes(ag, a, b, &notes, e) < 0)
		goto out;
	if (o->adjudicate)
		agree_write_sheet(ag, &a->side, &b->side, ids, (const char *const (*)[2])notes,
				  of.f);
	else if (agree_write_gold(ag, &a->side, &b->side, ids, agreed, of.f, e) < 0)
		goto out;
	if (out_commit(&of, e) < 0)
		goto out;
	ok = 0;
out:
	out_abandon(&of);
	csv_reader_free(sheet);
	if (fd >= 0)
		close(fd);
	free(agreed);
	free_idents(ids, strs, ag->npairs);
	for (size_t p = 0; notes && p < ag->npairs; p++) {
		free(notes[p][0]);
		free(notes[p][1]);
	}
	free(notes);
	return ok;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct agree_opts *o = ctx->opts;
	struct coder a = { 0 }, b = { 0 };
	struct agreement *ag = NULL;
	int theme = -1;

	if (coder_read(ctx, o->a_path, &a, e) < 0 || coder_read(ctx, o->b_path, &b, e) < 0)
		goto out;
	if (a.ev->nthemes != b.ev->nthemes ||
	    strcmp(a.ev->ruleset_sha256, b.ev->ruleset_sha256)) {
		err_set(e, EXIT_SYSTEM, "the rule set changed while the gold files were read");
		goto out;
	}
	if (o->theme && (theme = eval_theme_index(a.ev, o->theme)) < 0) {
		err_set(e, EXIT_USAGE, "there is no theme '%s' in the current rule set (%s)",
			o->theme, a.ev->ruleset_file);
		goto out;
	}
	if (!(ag = agree_compare(&a.side, &b.side, e)))
		goto out;
	warn_only_one(ag, &a, &b);
	if (!ag->npairs) {
		err_set(e, EXIT_DATA, "%s and %s have no response in common: there is nothing to "
			"compare", o->a_path, o->b_path);
		goto out;
	}
	if ((o->adjudicate || o->agreed) && write_files(ctx, o, ag, &a, &b, e) < 0)
		goto out;
	if (o->store && agree_store(ctx->db, ctx->exercise, ag, o->a_path, o->b_path, e) < 0)
		goto out;
	if (o->tsv) {
		print_tsv(ag, theme, stdout);
	} else {
		print_table(ag, theme, &a, &b, stdout);
		if (o->disagreements &&
		    print_disagreements(ctx->db, o, ag, theme, &a, &b, stdout, e) < 0)
			goto out;
		if (o->adjudicate)
			printf("\nThe adjudication sheet is in %s: fill its 'decision' column, then "
			       "run again with --agreed %s --out AGREED.csv.\n", o->adjudicate,
			       o->adjudicate);
		if (o->agreed)
			printf("\nThe agreed gold file is in %s (%zu responses): score the rules "
			       "against it with 'analyser evaluate DB %s'.\n", o->out, ag->npairs,
			       o->out);
		if (o->store)
			puts("\nStored: 'analyser report' says how the coders agreed.");
	}
out:
	agree_free(ag);
	coder_free(&a);
	coder_free(&b);
	return EXIT_OK;
}

const struct cmd_ops cmd_agree = { parse, run, NULL, sizeof(struct agree_opts) };
