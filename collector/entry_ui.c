/*
 * entry_ui.c: the terminal session in which an officer types in forms.
 *
 * Plain lines in and out, nothing else: no colours, no cursor movement,
 * nothing that needs more than a line-mode terminal, so it works the same
 * over ssh, inside tmux or screen, and with input from a file. Text is
 * wrapped to fit 80 columns. Each form is saved, in its own transaction,
 * when the officer confirms it; until then nothing of it is stored, so
 * closing the terminal loses at most the form being typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare.h"
#include "entry.h"
#include "strbuf.h"
#include "trim.h"

#define WIDTH 78 /* columns of text */

int entry_ui_read_line(FILE *in, FILE *out, char **line, size_t *cap)
{
	ssize_t n;

	fflush(out);
	n = getline(line, cap, in);
	if (n < 0)
		return 0;
	while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
		(*line)[--n] = '\0';
	return 1;
}

/* The first `width` columns of s, cut at a word with "..." when longer. */
static void clip(const char *s, size_t width, char *buf, size_t cap)
{
	const char *next;
	size_t len;

	len = compare_wrap(s, width, &next);
	if (!*next) {
		snprintf(buf, cap, "%.*s", (int)len, s);
		return;
	}
	len = compare_wrap(s, width - 3, &next);
	snprintf(buf, cap, "%.*s...", (int)len, s);
}

/* One trimmed word typed in answer to a prompt, lower case, in buf. */
static const char *word(const char *line, char *buf, size_t cap)
{
	size_t start, n = trim_bounds(line, strlen(line), &start);

	if (n + 1 > cap)
		n = cap ? cap - 1 : 0;
	memcpy(buf, line + start, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return buf;
}

static const char *type_line(const struct entry_question *q)
{
	switch (q->type) {
	case EQ_SINGLE:
		return "One number.";
	case EQ_MULTIPLE:
		return "One or more numbers, like 1,4.";
	case EQ_SCALE:
		return NULL; /* said with the scale */
	case EQ_POSTCODE:
		return "A postcode, like ST4 6QG.";
	case EQ_NUMBER:
		return "A number, like 26.";
	case EQ_DATE:
		return "A date, like 05/06/2019 (day first).";
	case EQ_SHORT_TEXT:
		return "One line of text.";
	case EQ_FREE_TEXT:
		break;
	}
	return "Type the text; it can run over several lines. An empty line ends it.";
}

static void show_question(const struct entry_question *q, size_t total,
			  const struct entry_answer *a, FILE *out)
{
	char head[160];
	const char *t;

	snprintf(head, sizeof head, "Question %d of %zu  %s", q->number, total, q->code);
	fprintf(out, "\n%s\n", head);
	compare_print_wrapped(out, q->text, 0, WIDTH);
	if (q->help) {
		char *h = malloc(strlen(q->help) + 3);

		if (h) {
			sprintf(h, "(%s)", q->help);
			compare_print_wrapped(out, h, 0, WIDTH);
			free(h);
		}
	}
	if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		for (size_t k = 0; k < q->nopts; k++) {
			const char *next, *s = q->opts[k].label;
			size_t len = compare_wrap(s, WIDTH - 6, &next);

			fprintf(out, "  %2zu  %.*s\n", k + 1, (int)len, s);
			if (*next)
				compare_print_wrapped(out, next, 6, WIDTH - 6);
		}
	} else if (q->type == EQ_SCALE) {
		char scale[400];
		size_t n = (size_t)snprintf(scale, sizeof scale, "A number from %ld to %ld",
					    q->scale_min, q->scale_max);

		for (size_t k = 0; k < q->nopts && n < sizeof scale; k++)
			n += (size_t)snprintf(scale + n, sizeof scale - n, "%s%s = %s",
					      k ? ", " : " (", q->opts[k].code, q->opts[k].label);
		if (q->nopts && n < sizeof scale)
			snprintf(scale + n, sizeof scale - n, ")");
		if (n < sizeof scale)
			strncat(scale, ".", sizeof scale - strlen(scale) - 1);
		compare_print_wrapped(out, scale, 2, WIDTH - 2);
	}
	if ((t = type_line(q)))
		fprintf(out, "  %s\n", t);
	if (a->state != ENTRY_UNSET) {
		char *now = entry_answer_show(q, a);

		if (now) {
			char line[200];

			clip(now, 50, line, sizeof line);
			fprintf(out, "  Now: %s. Press Enter to keep it.\n", line);
			free(now);
		}
	}
}

/*
 * The next line of an answer being changed, cut off in place (`*at` moves
 * past it; NULL when none is left).
 */
static const char *old_line(const char **at)
{
	char *s = (char *)*at, *nl;

	if (!s)
		return NULL;
	if ((nl = strchr(s, '\n'))) {
		*nl = '\0';
		*at = nl + 1;
	} else {
		*at = NULL;
	}
	return s;
}

/* Prints a message indented under the question. */
static void tell(FILE *out, const char *msg)
{
	compare_print_wrapped(out, msg, 2, WIDTH - 2);
}

int entry_ui_ask(const struct entry_question *q, size_t total, struct entry_answer *a,
		 int back_ok, FILE *in, FILE *out)
{
	char *line = NULL;
	struct strbuf text = STRBUF_INIT;
	size_t cap = 0;
	int rc = -1;
	/* At a terminal, a free-text answer being changed is put on the lines to edit. */
	char *old = entry_line_edits(in, out) && q->type == EQ_FREE_TEXT &&
		    a->state == ENTRY_ANSWERED && a->text ? strdup(a->text) : NULL;
	const char *next_old = old;

	show_question(q, total, a, out);
	if (old)
		tell(out, "The answer is on the lines below to change: the arrow keys move along "
			  "a line, Enter keeps it as it stands, an empty line ends the answer.");
	for (;;) {
		struct entry_answer got = { 0 };
		char why[ENTRY_WHY_MAX];
		enum entry_input r;

		if (!entry_ui_prompt(in, out, "> ", old_line(&next_old), &line, &cap))
			goto out;
		strbuf_setlen(&text, 0);
		if (strbuf_addstr(&text, line) < 0)
			goto out;
		/* Free text goes on until an empty line, unless the first line is a command. */
		if (q->type == EQ_FREE_TEXT) {
			char w[8];

			word(line, w, sizeof w);
			if (*w && strcmp(w, "s") && strcmp(w, "u") && strcmp(w, "b") && strcmp(w, "?")) {
				for (;;) {
					if (!entry_ui_prompt(in, out, "... ", old_line(&next_old),
							     &line, &cap))
						goto out;
					if (!*line)
						break;
					if (strbuf_addch(&text, '\n') < 0 ||
					    strbuf_addstr(&text, line) < 0)
						goto out;
				}
			}
		}
		r = entry_parse(q, text.buf, &got, why, sizeof why);
		switch (r) {
		case ENTRY_INPUT_ANSWER:
			entry_answer_clear(a);
			*a = got;
			rc = ENTRY_INPUT_ANSWER;
			goto out;
		case ENTRY_INPUT_EMPTY:
			if (a->state != ENTRY_UNSET) {
				rc = ENTRY_INPUT_ANSWER; /* kept as it was */
				goto out;
			}
			tell(out, q->type == EQ_FREE_TEXT
				  ? "Nothing typed. Type what is written, s if nothing is, or ? for help."
				  : "Nothing typed. Type the answer, s if it is left blank, or ? for help.");
			break;
		case ENTRY_INPUT_BACK:
			if (back_ok) {
				rc = ENTRY_INPUT_BACK;
				goto out;
			}
			tell(out, "Type the new answer here (b does not go back from the review).");
			break;
		case ENTRY_INPUT_HELP:
			tell(out, entry_question_hint(q));
			break;
		case ENTRY_INPUT_ERROR:
			tell(out, why);
			break;
		}
	}
out:
	free(old);
	free(line);
	strbuf_release(&text);
	return rc;
}

/* ---- one form ------------------------------------------------------------- */

/* Lines of answers on one page of the review at a terminal: 24 with the heading and prompt. */
#define REVIEW_PAGE_LINES 18

/* One question's line (or lines, wrapped) of the review, into `f`. */
static void review_entry(const struct entry_question *q, const struct entry_answer *a, FILE *f)
{
	char *shown = entry_answer_show(q, a);
	char text[120];
	const char *s, *next;
	size_t len;

	clip(q->text, 22, text, sizeof text);
	fprintf(f, "%3d  %-14s  %s%*s  ", q->number, q->code, text,
		(int)(22 - compare_width(text, strlen(text))), "");
	s = shown ? shown : "?";
	len = compare_wrap(s, WIDTH - 45, &next);
	fprintf(f, "%.*s\n", (int)len, s);
	if (*next)
		compare_print_wrapped(f, next, 45, WIDTH - 45);
	free(shown);
}

/*
 * Shows the answers for checking: all of them, or with `page_lines` page
 * `page` of pages of at most that many lines; with `out` NULL, nothing
 * (to count the pages). Returns how many pages there are (1 when not paged).
 */
static size_t review(const struct entry_form *f, const char *serial,
		     const struct entry_answer *answers, size_t page, size_t page_lines, FILE *out)
{
	size_t pages = 1, used = 0;

	if (out)
		fprintf(out, "\nForm %s: check every answer against the paper form.\n", serial);
	for (size_t i = 0; i < f->nqs; i++) {
		char *buf = NULL;
		size_t len = 0, lines = 0;
		FILE *m = page_lines ? open_memstream(&buf, &len) : NULL;

		if (!m) {
			/* Not paged (or no memory to measure it): everything, one after another. */
			if (out)
				review_entry(&f->qs[i], &answers[i], out);
			continue;
		}
		review_entry(&f->qs[i], &answers[i], m);
		fclose(m);
		for (size_t k = 0; k < len; k++)
			lines += buf[k] == '\n';
		if (used && used + lines > page_lines) {
			pages++;
			used = 0;
		}
		used += lines;
		if (out && pages - 1 == page)
			fputs(buf, out);
		free(buf);
	}
	return pages;
}

enum form_result { FORM_SAVED, FORM_DISCARDED, FORM_RESTART, FORM_EOF, FORM_FAILED };

static void clear_answers(struct entry_answer *answers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_answer_clear(&answers[i]);
}

/*
 * While the answers break a cross-field check (entry_cross_check), says why
 * and asks that question again: only question `only`'s problems, or every
 * question's when `any`. 0 when none is left, -1 at end of input, -2 on a
 * failure with `e` set.
 */
static int recheck(const struct entry_form *f, struct entry_answer *answers, size_t only, int any,
		   FILE *in, FILE *out, struct err *e)
{
	for (;;) {
		struct entry_problem p[8];
		char msg[ENTRY_WHY_MAX + 120];
		int n = entry_cross_check(f, answers, p, 8, e), hit = -1;

		if (n < 0)
			return -2;
		for (int k = 0; k < n && k < 8 && hit < 0; k++)
			if (any || p[k].index == only)
				hit = k;
		if (hit < 0)
			return 0;
		snprintf(msg, sizeof msg, "Question %d: %s If the paper form is like that, type u "
			 "(unreadable).", f->qs[p[hit].index].number, p[hit].why);
		tell(out, msg);
		if (entry_ui_ask(&f->qs[p[hit].index], f->nqs, &answers[p[hit].index], 0, in,
				 out) < 0)
			return -1;
	}
}

/* The review, changes and saving of one typed form. */
static enum form_result confirm(struct entry_session *s, const struct entry_form *f,
				char *serial, struct entry_answer *answers, struct entry_saved *saved,
				FILE *in, FILE *out, struct err *e)
{
	char *line = NULL;
	size_t cap = 0;
	enum form_result res = FORM_EOF;

	/* At a terminal the review is paged, so that none of it scrolls out of a 24-line screen. */
	size_t page = 0, per_page = entry_line_edits(in, out) ? REVIEW_PAGE_LINES : 0;

	for (;;) {
		char w[32], why[ENTRY_WHY_MAX];
		char *end;
		long n;
		size_t pages = review(f, serial, answers, 0, per_page, NULL);

		if (page >= pages) /* fewer pages since an answer was changed */
			page = 0;
		review(f, serial, answers, page, per_page, out);
		if (pages > 1)
			fprintf(out, "Page %zu of %zu: press Enter for the %s page. Type y to save it, a\n"
				     "question number to change that answer, or d to discard the form.\n",
				page + 1, pages, page + 1 < pages ? "next" : "first");
		else
			fprintf(out, "Type y to save it, a question number to change that answer, or d "
				     "to\ndiscard the form.\n");
		if (!entry_ui_prompt(in, out, "> ", NULL, &line, &cap))
			goto out;
		word(line, w, sizeof w);
		if (!*w && pages > 1) {
			page = (page + 1) % pages;
			continue;
		}
		if (!strcmp(w, "y") || !strcmp(w, "yes")) {
			int rc = recheck(f, answers, 0, 1, in, out, e);

			if (rc == -2)
				res = FORM_FAILED;
			if (rc < 0)
				goto out;
			rc = entry_save(s, serial, answers, saved, why, sizeof why, e);

			if (rc < 0) {
				res = FORM_FAILED;
				goto out;
			}
			if (rc > 0) {
				res = FORM_SAVED;
				goto out;
			}
			/* Taken meanwhile: the form stays, with another serial number. */
			tell(out, why);
			for (;;) {
				char clean[ENTRY_SERIAL_MAX + 1];

				fputs("Type the serial number again, or d to discard the form.\n", out);
				if (!entry_ui_prompt(in, out, "> ", NULL, &line, &cap))
					goto out;
				word(line, w, sizeof w);
				if (!strcmp(w, "d"))
					break;
				rc = entry_check_serial(s, line, clean, why, sizeof why, e);
				if (rc < 0) {
					res = FORM_FAILED;
					goto out;
				}
				if (rc > 0) {
					strcpy(serial, clean);
					break;
				}
				tell(out, why);
			}
			if (strcmp(w, "d"))
				continue;
		}
		if (!strcmp(w, "d")) {
			fprintf(out, "Discard form %s? Nothing of it will be saved. Type yes to "
				     "discard it, anything else to keep it.\n", serial);
			if (!entry_ui_prompt(in, out, "> ", NULL, &line, &cap))
				goto out;
			word(line, w, sizeof w);
			if (!strcmp(w, "yes") || !strcmp(w, "y")) {
				fprintf(out, "Form %s discarded: nothing saved.\n", serial);
				res = FORM_DISCARDED;
				goto out;
			}
			continue;
		}
		n = strtol(w, &end, 10);
		if (*w && !*end && n >= 1 && (size_t)n <= f->nqs) {
			int rc;

			if (entry_ui_ask(&f->qs[n - 1], f->nqs, &answers[n - 1], 0, in, out) < 0)
				goto out;
			if ((rc = recheck(f, answers, 0, 1, in, out, e)) < 0) {
				if (rc == -2)
					res = FORM_FAILED;
				goto out;
			}
			continue;
		}
		fprintf(out, "  Type y to save, a number from 1 to %zu to change that answer, or "
			     "d to discard the form.\n", f->nqs);
	}
out:
	free(line);
	return res;
}

int entry_ui_change(sqlite3 *db, long long ex, const struct entry_form *f,
		    const struct entry_editable *ed, const char *who, FILE *in, FILE *out,
		    struct err *e)
{
	struct entry_answer *answers = calloc(f->nqs, sizeof *answers);
	char *line = NULL, w[32], why[ENTRY_WHY_MAX];
	size_t cap = 0;
	int rc = EXIT_SYSTEM;
	/* At a terminal the review is paged, as when the form was typed. */
	size_t page = 0, per_page = entry_line_edits(in, out) ? REVIEW_PAGE_LINES : 0;

	if (!answers) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return EXIT_SYSTEM;
	}
	if (entry_edit_load(db, f, ed->response_id, answers, e) < 0)
		goto out;
	fprintf(out, "Changing form %s, typed by %s. What it says now is kept as an earlier "
		     "version when you save.\n", ed->serial, ed->officer);
	for (;;) {
		char *end;
		long n;
		int r, changed;
		size_t pages = review(f, ed->serial, answers, 0, per_page, NULL);

		if (page >= pages) /* fewer pages since an answer was changed */
			page = 0;
		review(f, ed->serial, answers, page, per_page, out);
		if (pages > 1)
			fprintf(out, "Page %zu of %zu: press Enter for the %s page. ", page + 1, pages,
				page + 1 < pages ? "next" : "first");
		fprintf(out, "Type a question number to change that answer, y to save the changes, "
			     "or d to leave the form as it was.\n");
		if (!entry_ui_prompt(in, out, "> ", NULL, &line, &cap)) {
			err_set(e, EXIT_DATA, "the input ended before the changes were saved: form %s "
					      "is as it was", ed->serial);
			rc = EXIT_DATA;
			goto out;
		}
		word(line, w, sizeof w);
		if (!*w && pages > 1) {
			page = (page + 1) % pages;
			continue;
		}
		if (!strcmp(w, "d")) {
			fprintf(out, "Form %s left as it was.\n", ed->serial);
			rc = EXIT_OK;
			goto out;
		}
		if (!strcmp(w, "y") || !strcmp(w, "yes")) {
			if ((r = recheck(f, answers, 0, 1, in, out, e)) < 0) {
				if (r == -1)
					err_set(e, EXIT_DATA, "the input ended before the changes were "
							      "saved: form %s is as it was", ed->serial);
				rc = r == -2 ? EXIT_SYSTEM : EXIT_DATA;
				goto out;
			}
			r = entry_edit_save(db, ex, f, ed->response_id, answers, who, 0, &changed,
					    why, sizeof why, e);
			if (r < 0)
				goto out;
			if (r == 0) {
				err_set(e, EXIT_DATA, "form %s was not changed: %s", ed->serial, why);
				rc = EXIT_DATA;
				goto out;
			}
			fprintf(out, changed ? "Form %s changed: what it said before is kept.\n"
					     : "Form %s: nothing was changed.\n", ed->serial);
			rc = EXIT_OK;
			goto out;
		}
		n = strtol(w, &end, 10);
		if (*w && !*end && n >= 1 && (size_t)n <= f->nqs) {
			if (entry_ui_ask(&f->qs[n - 1], f->nqs, &answers[n - 1], 0, in, out) < 0 ||
			    (r = recheck(f, answers, 0, 1, in, out, e)) == -1) {
				err_set(e, EXIT_DATA, "the input ended before the changes were saved: "
						      "form %s is as it was", ed->serial);
				rc = EXIT_DATA;
				goto out;
			}
			if (r == -2)
				goto out;
			continue;
		}
		fprintf(out, "  Type a number from 1 to %zu, y or d.\n", f->nqs);
	}
out:
	for (size_t i = 0; i < f->nqs; i++)
		entry_answer_clear(&answers[i]);
	free(answers);
	free(line);
	return rc;
}

/* Types one form in, from its first question; the serial number is checked. */
static enum form_result one_form(struct entry_session *s, const struct entry_form *f,
				 char *serial, struct entry_answer *answers,
				 struct entry_saved *saved, FILE *in, FILE *out, struct err *e)
{
	size_t i = 0;

	while (i < f->nqs) {
		int r = entry_ui_ask(&f->qs[i], f->nqs, &answers[i], 1, in, out);

		if (r < 0)
			return FORM_EOF;
		if (r == ENTRY_INPUT_BACK) {
			if (i == 0) {
				fputs("  Back to the serial number.\n", out);
				return FORM_RESTART;
			}
			i--;
			continue;
		}
		if ((r = recheck(f, answers, i, 0, in, out, e)) < 0)
			return r == -2 ? FORM_FAILED : FORM_EOF;
		i++;
	}
	return confirm(s, f, serial, answers, saved, in, out, e);
}

/* ---- the session --------------------------------------------------------- */

static void batch_line(const char *event, const char *officer, const struct entry_batch_info *b,
		       int second, FILE *out)
{
	const char *what = second ? (b->forms == 1 ? "second entry" : "second entries")
				  : (b->forms == 1 ? "form" : "forms");
	char buf[400];

	if (!strcmp(b->first_serial, b->last_serial))
		snprintf(buf, sizeof buf, "Batch %s / %s: %ld %s saved so far (serial %s), last "
					  "at %s.", event, officer, b->forms, what, b->first_serial,
			 b->last_at);
	else
		snprintf(buf, sizeof buf, "Batch %s / %s: %ld %s saved so far (serials %s%s%s), "
					  "last at %s.", event, officer, b->forms, what,
			 b->first_serial, entry_range_dash(b->first_serial, b->last_serial),
			 b->last_serial, b->last_at);
	compare_print_wrapped(out, buf, 0, WIDTH);
}

static void heading(struct entry_session *s, const struct entry_form *f, const char *officer,
		    const char *event, int second, FILE *out)
{
	char buf[600];

	snprintf(buf, sizeof buf, "%s %s forms from %s, as %s.",
		 second ? "Checking (second entry of)" : "Typing in",
		 strcmp(f->variant, "easy-read") ? "standard paper" : "Easy Read",
		 entry_session_event_title(s), officer);
	compare_print_wrapped(out, buf, 0, WIDTH);
	(void)event;
	if (second)
		compare_print_wrapped(out, "Type each form as it is on paper, without looking at "
					   "the first entry. The two are compared when you save.",
				      0, WIDTH);
	snprintf(buf, sizeof buf, "%zu questions a form. At each question: s left blank, u "
				  "unreadable, b back, ? help. Each form is saved when you "
				  "confirm it at the end.", f->nqs);
	compare_print_wrapped(out, buf, 0, WIDTH);
}

int entry_ui_run(struct entry_session *s, FILE *in, FILE *out, struct err *e)
{
	const struct entry_form *f = NULL;
	struct entry_answer *answers = NULL;
	struct entry_batch_info info;
	char *line = NULL, officer[ENTRY_NAME_MAX + 1], event[64];
	size_t cap = 0;
	long saved_now = 0, differing = 0;
	int second, rc = EXIT_SYSTEM;

	if (entry_session_batch(s, &info, e) < 0)
		return EXIT_SYSTEM;
	f = entry_session_form(s);
	second = entry_session_mode(s) == ENTRY_SECOND;
	snprintf(officer, sizeof officer, "%s", entry_session_officer(s));
	snprintf(event, sizeof event, "%s", entry_session_event(s));
	if (!(answers = calloc(f->nqs, sizeof *answers))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return EXIT_SYSTEM;
	}
	heading(s, f, officer, event, second, out);
	if (info.forms) {
		batch_line(event, officer, &info, second, out);
		fprintf(out, "Carrying on with form %ld.\n", info.forms + 1);
	}
	for (;;) {
		char serial[ENTRY_SERIAL_MAX + 1], why[ENTRY_WHY_MAX], w[8];
		struct entry_saved saved = { 0 };
		enum form_result r;
		int ok;

		fprintf(out, "\nForm %ld. Serial number written on the form (q to finish):\n",
			info.forms + 1);
		if (!entry_ui_prompt(in, out, "> ", NULL, &line, &cap)) {
			fputc('\n', out);
			break;
		}
		word(line, w, sizeof w);
		if (!strcmp(w, "q"))
			break;
		if (!strcmp(w, "?")) {
			tell(out, "Type the serial number printed or written on the paper form, then "
				  "answer its questions. Type q to finish.");
			continue;
		}
		if ((ok = entry_check_serial(s, line, serial, why, sizeof why, e)) < 0)
			goto out;
		if (!ok) {
			tell(out, why);
			continue;
		}
		clear_answers(answers, f->nqs);
		r = one_form(s, f, serial, answers, &saved, in, out, e);
		if (r == FORM_FAILED) {
			err_set(e, EXIT_SYSTEM, "form %s was not saved", serial);
			goto out;
		}
		if (r == FORM_EOF) {
			fputc('\n', out);
			err_set(e, EXIT_DATA, "the input ended in the middle of form %s, which was not "
					      "saved; the forms confirmed before it are saved: start "
					      "again to type form %s", serial, serial);
			rc = EXIT_DATA;
			goto out;
		}
		if (r != FORM_SAVED)
			continue;
		saved_now++;
		if (!second) {
			fprintf(out, "Saved form %s (%ld in this batch).\n", serial, saved.forms);
		} else if (!saved.ndiffs) {
			fprintf(out, "Saved the second entry of form %s: it agrees with the first "
				     "entry, so the form is verified.\n", serial);
		} else {
			char buf[200];

			differing++;
			snprintf(buf, sizeof buf, "Saved the second entry of form %s.\nIt differs from "
						  "the first entry at %zu question%s:", serial,
				 saved.ndiffs, saved.ndiffs == 1 ? "" : "s");
			compare_print_wrapped(out, buf, 0, WIDTH);
			entry_print_diffs(out, saved.first_officer, officer, saved.diffs,
					  saved.ndiffs);
			fputs("A supervisor settles them with 'collector resolve'.\n", out);
		}
		entry_saved_free(&saved);
		if (entry_session_batch(s, &info, e) < 0)
			goto out;
	}
	fprintf(out, "Finished: %ld %s saved in this session.\n", saved_now,
		second ? (saved_now == 1 ? "second entry" : "second entries")
		       : (saved_now == 1 ? "form" : "forms"));
	if (info.forms)
		batch_line(event, officer, &info, second, out);
	if (differing)
		fprintf(out, "%ld of them differ%s from the first entry: 'collector resolve' settles "
			     "%s.\n", differing, differing == 1 ? "s" : "", differing == 1 ? "it" : "them");
	rc = EXIT_OK;
out:
	clear_answers(answers, f->nqs);
	free(answers);
	free(line);
	entry_line_end();
	fflush(out);
	return rc;
}
