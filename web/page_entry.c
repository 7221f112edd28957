/*
 * page_entry.c: officers typing paper forms in the browser. The whole
 * questionnaire on one page, checked with the same functions as the
 * terminal (entry_parse, entry_parse_choices, entry_check_serial), then a
 * review, then saved through entry_save under the officer's account name.
 * Each page carries a random token: the same page posted again (a double
 * click, a reload, a retry) finds the form already saved under its token
 * and shows that result instead of saving it twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "audit.h"
#include "db.h"
#include "entry.h"
#include "form_cache.h"
#include "page.h"
#include "pages.h"
#include "stmt_cache.h"
#include "strbuf.h"
#include "writer.h"

struct entry_page {
	char event[64];
	char variant[16];
	enum entry_mode mode;
	char token[65];
	const struct entry_form *form; /* the form cache's */
	struct entry_session *s;
	struct entry_editable ed; /* changing a saved form: ed.response_id, else 0 */
};

/* Adds the posted field prefix+number = value, %-escaped, to `b`: 0, or -1 out of memory. */
static int field_add(struct strbuf *b, const char *prefix, int number, const char *value)
{
	int bad = strbuf_addf(b, "%s%s%d=", b->len ? "&" : "", prefix, number) < 0;

	for (const unsigned char *c = (const unsigned char *)value; *c && !bad; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.')
			bad = strbuf_addch(b, *c) < 0;
		else
			bad = strbuf_addf(b, "%%%02X", *c) < 0;
	}
	return bad ? -1 : 0;
}

static void entry_page_free(struct entry_page *p)
{
	entry_session_free(p->s);
}

/* Reads event, form and mode (from the query or the form), opens the session. 0 or -1. */
static int entry_open(struct req *r, const char *event, const char *variant, const char *mode,
		      struct entry_page *p, struct err *e)
{
	struct entry_session_options so = { 0 };

	memset(p, 0, sizeof *p);
	if (!variant)
		variant = "standard";
	if (strcmp(variant, "standard") && strcmp(variant, "easy-read"))
		return err_set(e, EXIT_DATA, "the form is standard or easy-read");
	if (mode && strcmp(mode, "first") && strcmp(mode, "second"))
		return err_set(e, EXIT_DATA, "the mode is first or second");
	if (!event || !*event || strlen(event) >= sizeof p->event)
		return err_set(e, EXIT_DATA, "choose the event the forms come from");
	snprintf(p->event, sizeof p->event, "%s", event);
	snprintf(p->variant, sizeof p->variant, "%s", variant);
	p->mode = mode && !strcmp(mode, "second") ? ENTRY_SECOND : ENTRY_FIRST;
	if (!(p->form = form_cache_get(r->db, r->cfg->exercise_id, p->variant, e)))
		return -1;
	so.exercise_id = r->cfg->exercise_id;
	so.form = p->form;
	so.event = p->event;
	so.officer = r->sess.name;
	so.mode = p->mode;
	/* Only for reading: the writer saves, in sessions of its own. */
	if (!(p->s = entry_session_open_lookup(r->db, &so, e)))
		return -1;
	snprintf(p->event, sizeof p->event, "%s", entry_session_event(p->s));
	return 0;
}

static const char *variant_words(const struct entry_page *p)
{
	return strcmp(p->variant, "easy-read") ? "Standard form" : "Easy Read form";
}

/* The hidden fields that say which page this is. */
static void page_fields(struct req *r, const struct entry_page *p)
{
	struct html *h = &r->body;

	page_csrf(r);
	html_raw(h, "<input type=\"hidden\" name=\"token\" value=\"");
	html_esc(h, p->token);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"event\" value=\"");
	html_esc(h, p->event);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"form\" value=\"");
	html_esc(h, p->variant);
	html_raw(h, p->mode == ENTRY_SECOND ? "\">\n<input type=\"hidden\" name=\"mode\" "
					      "value=\"second\">\n"
					    : "\">\n<input type=\"hidden\" name=\"mode\" "
					      "value=\"first\">\n");
	if (p->ed.response_id)
		html_fmt(h, "<input type=\"hidden\" name=\"edit\" value=\"%lld\">\n",
			 p->ed.response_id);
}

static void heading(struct req *r, const struct entry_page *p, const char *what)
{
	struct html *h = &r->body;

	html_raw(h, "<span class=\"caption\">");
	html_esc(h, entry_session_event_title(p->s));
	html_raw(h, "</span>\n<h1>");
	html_esc(h, what);
	if (p->ed.response_id && !strcmp(what, "Change form")) {
		html_raw(h, " ");
		html_esc(h, p->ed.serial);
	}
	html_raw(h, ": ");
	html_raw(h, variant_words(p));
	html_raw(h, p->mode == ENTRY_SECOND ? " (second entry)</h1>\n" : "</h1>\n");
}

/* Is value `v` among the fields called `name`? */
static int has_value(const struct form *f, const char *name, const char *v)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (!strcmp(f->f[i].name, name) && !strcmp(f->f[i].value, v))
			return 1;
	return 0;
}

static void error_line(struct html *h, const char *id, const char *why)
{
	html_raw(h, "<p class=\"error-message\" id=\"");
	html_esc(h, id);
	html_raw(h, "-error\"><span class=\"hidden\">Error:</span> ");
	html_esc(h, why);
	html_raw(h, "</p>\n");
}

static void text_input(struct html *h, const struct entry_question *q, const char *v,
		       const char *why)
{
	html_fmt(h, "<input class=\"input input-short\" type=\"text\" id=\"q%d\" name=\"q%d\" "
		    "autocomplete=\"off\" spellcheck=\"false\"", q->number, q->number);
	if (why)
		html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
	html_raw(h, " value=\"");
	html_esc(h, v);
	html_raw(h, "\">\n");
}

/* One question's fields, holding the values in `vals` (NULL: empty). */
static void question(struct html *h, const struct entry_question *q, const struct form *vals,
		     const char *why)
{
	char name[32], uname[32], id[48];
	const char *v;
	int group = q->type == EQ_SINGLE || q->type == EQ_MULTIPLE ||
		    (q->type == EQ_SCALE && q->scale_max - q->scale_min <= 10);

	snprintf(name, sizeof name, "q%d", q->number);
	snprintf(uname, sizeof uname, "u%d", q->number);
	v = vals ? form_get(vals, name) : NULL;
	html_raw(h, why ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	html_raw(h, group ? "<fieldset" : "<div");
	if (group && why)
		html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
	html_raw(h, group ? ">\n<legend>" : ">\n");
	if (!group)
		html_fmt(h, "<label for=\"q%d\">", q->number);
	html_fmt(h, "<span class=\"number\">%d.</span> ", q->number);
	html_esc(h, q->text);
	html_raw(h, group ? "</legend>\n" : "</label>\n");
	if (q->help && *q->help) {
		html_fmt(h, "<p class=\"hint\" id=\"q%d-hint\">", q->number);
		html_esc(h, q->help);
		html_raw(h, "</p>\n");
	}
	if (why)
		error_line(h, name, why);
	switch (q->type) {
	case EQ_SINGLE:
	case EQ_MULTIPLE:
		for (size_t k = 0; k < q->nopts; k++) {
			char val[32];

			snprintf(val, sizeof val, "%zu", k + 1);
			if (k)
				snprintf(id, sizeof id, "q%d-%zu", q->number, k + 1);
			else
				snprintf(id, sizeof id, "q%d", q->number);
			html_raw(h, "<div class=\"choice\"><input type=\"");
			html_raw(h, q->type == EQ_SINGLE ? "radio" : "checkbox");
			html_raw(h, "\" id=\"");
			html_esc(h, id);
			html_raw(h, "\" name=\"");
			html_esc(h, name);
			html_raw(h, "\" value=\"");
			html_esc(h, val);
			html_raw(h, has_value(vals, name, val) ? "\" checked>" : "\">");
			html_raw(h, "<label for=\"");
			html_esc(h, id);
			html_raw(h, "\">");
			html_esc(h, q->opts[k].label);
			html_raw(h, "</label></div>\n");
		}
		break;
	case EQ_SCALE:
		if (group) {
			for (long k = q->scale_min; k <= q->scale_max; k++) {
				char val[24];

				snprintf(val, sizeof val, "%ld", k);
				if (k == q->scale_min)
					snprintf(id, sizeof id, "q%d", q->number);
				else
					snprintf(id, sizeof id, "q%d-%ld", q->number, k);
				html_raw(h, "<div class=\"choice choice-inline\"><input type=\"radio\" "
					    "id=\"");
				html_esc(h, id);
				html_raw(h, "\" name=\"");
				html_esc(h, name);
				html_raw(h, "\" value=\"");
				html_esc(h, val);
				html_raw(h, has_value(vals, name, val) ? "\" checked>" : "\">");
				html_raw(h, "<label for=\"");
				html_esc(h, id);
				html_raw(h, "\">");
				html_esc(h, val);
				html_raw(h, "</label></div>\n");
			}
			break;
		}
		text_input(h, q, v, why); /* a long scale is typed */
		break;
	case EQ_POSTCODE:
	case EQ_NUMBER:
	case EQ_DATE:
	case EQ_SHORT_TEXT:
		text_input(h, q, v, why);
		break;
	case EQ_FREE_TEXT:
		html_fmt(h, "<textarea class=\"textarea\" id=\"q%d\" name=\"q%d\" rows=\"4\"",
			 q->number, q->number);
		if (why)
			html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
		html_raw(h, ">");
		html_esc(h, v);
		html_raw(h, "</textarea>\n");
		break;
	}
	html_fmt(h, "<div class=\"choice choice-small\"><input type=\"checkbox\" id=\"u%d\" "
		    "name=\"u%d\" value=\"1\"%s><label for=\"u%d\">I cannot read this answer on the "
		    "form</label></div>\n", q->number, q->number,
		 vals && form_get(vals, uname) ? " checked" : "", q->number);
	html_raw(h, group ? "</fieldset>\n</div>\n" : "</div>\n</div>\n");
}

static void form_page_edit(struct req *r, const struct entry_page *p, const struct form *vals,
			   char **why);

/*
 * The whole form: `vals` what was typed (NULL for a new form), `why` one
 * message or NULL per question, with the serial number's first.
 */
static void form_page(struct req *r, const struct entry_page *p, const struct form *vals,
		      char **why)
{
	struct html *h = &r->body;
	const struct entry_form *f = p->form;
	struct page_problem probs[64 + 1];
	char ids[64 + 1][32], lines[64 + 1][ENTRY_WHY_MAX + 32];
	size_t n = 0;

	for (size_t i = 0; why && i <= f->nqs && n < 64; i++) {
		if (!why[i])
			continue;
		if (i == 0) {
			snprintf(ids[n], sizeof ids[n], "serial");
			snprintf(lines[n], sizeof lines[n], "Serial number: %s", why[0]);
		} else {
			snprintf(ids[n], sizeof ids[n], "q%zu", i);
			snprintf(lines[n], sizeof lines[n], "Question %zu: %s", i, why[i]);
		}
		probs[n].field = ids[n];
		probs[n].text = lines[n];
		n++;
	}
	page_begin(r, n ? (p->ed.response_id ? "Error: Change a saved form" : "Error: Type in a form")
			: (p->ed.response_id ? "Change a saved form" : "Type in a form"));
	page_error_summary(r, probs, n);
	heading(r, p, p->ed.response_id ? "Change form" : "Type in a form");
	if (p->ed.response_id) {
		form_page_edit(r, p, vals, why);
		return;
	}
	if (p->mode == ENTRY_SECOND)
		html_raw(h, "<p>Type the form exactly as it is written. You will not see what the "
			    "first officer typed until you save.</p>\n");
	html_raw(h, "<p>Leave a question empty when it is blank on the paper form.</p>\n"
		    "<form method=\"post\" action=\"/entry\" novalidate>\n");
	page_fields(r, p);
	html_raw(h, why && why[0] ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	html_raw(h, "<label for=\"serial\">Serial number written on the form</label>\n");
	if (why && why[0])
		error_line(h, "serial", why[0]);
	html_raw(h, "<input class=\"input input-short\" type=\"text\" id=\"serial\" name=\"serial\" "
		    "autocomplete=\"off\" spellcheck=\"false\"");
	if (why && why[0])
		html_raw(h, " aria-describedby=\"serial-error\"");
	html_raw(h, " value=\"");
	html_esc(h, vals ? form_get(vals, "serial") : NULL);
	html_raw(h, "\">\n</div>\n");
	for (size_t i = 0; i < f->nqs; i++)
		question(h, &f->qs[i], vals, why ? why[i + 1] : NULL);
	html_raw(h, "<button class=\"button\" type=\"submit\" name=\"action\" value=\"review\">"
		    "Check the answers</button>\n</form>\n");
	page_end(r);
}

/* The earlier versions of the form being changed, each a table; nothing when none. */
static void versions_list(struct req *r, const struct entry_page *p)
{
	struct html *h = &r->body;
	struct entry_version *v = NULL;
	size_t n = 0;
	struct err e;

	err_init(&e);
	if (entry_versions(r->db, p->form, p->ed.response_id, &v, &n, &e) < 0) {
		html_raw(h, "<p>The earlier versions cannot be read just now.</p>\n");
		return;
	}
	if (n)
		html_raw(h, "<h2>Earlier versions</h2>\n");
	for (size_t i = n; i-- > 0;) {
		html_fmt(h, "<table class=\"table review\">\n<caption>Version %d, saved by ",
			 v[i].version);
		html_esc(h, v[i].saved_by);
		html_raw(h, " at ");
		html_esc(h, v[i].saved_at);
		html_raw(h, "; changed by ");
		html_esc(h, v[i].replaced_by);
		html_raw(h, " at ");
		html_esc(h, v[i].replaced_at);
		html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">Question</th><th scope=\"col\">"
			    "Answer</th></tr></thead>\n<tbody>\n");
		for (size_t k = 0; k < p->form->nqs; k++) {
			const struct entry_question *q = &p->form->qs[k];
			char *shown = entry_answer_show(q, &v[i].answers[k]);

			html_fmt(h, "<tr><th scope=\"row\">%d. ", q->number);
			html_esc(h, q->text);
			html_raw(h, "</th><td class=\"answer\">");
			html_esc(h, shown ? shown : "");
			html_raw(h, "</td></tr>\n");
			free(shown);
		}
		html_raw(h, "</tbody>\n</table>\n");
	}
	entry_versions_free(p->form, v, n);
}

/* The form being changed: its serial number cannot change; then its earlier versions. */
static void form_page_edit(struct req *r, const struct entry_page *p, const struct form *vals,
			   char **why)
{
	struct html *h = &r->body;

	html_raw(h, "<p>Change the answers that were typed wrong, then check and save. What "
		    "the form said before is kept as an earlier version.</p>\n");
	if (why && why[0])
		error_line(h, "serial", why[0]);
	html_raw(h, "<form method=\"post\" action=\"/entry\" novalidate>\n");
	page_fields(r, p);
	html_raw(h, "<input type=\"hidden\" id=\"serial\" name=\"serial\" value=\"");
	html_esc(h, p->ed.serial);
	html_raw(h, "\">\n");
	for (size_t i = 0; i < p->form->nqs; i++)
		question(h, &p->form->qs[i], vals, why ? why[i + 1] : NULL);
	html_raw(h, "<button class=\"button\" type=\"submit\" name=\"action\" value=\"review\">"
		    "Check the answers</button>\n</form>\n");
	versions_list(r, p);
	page_end(r);
}

/* Which fields a form page may send. */
static int entry_field(const char *name, void *ctx)
{
	const struct entry_page *p = ctx;
	static const char *const fixed[] = { "csrf", "token", "event", "form", "mode", "action",
					     "serial", "edit", NULL };
	char *end;
	long n;

	for (const char *const *f = fixed; *f; f++)
		if (!strcmp(name, *f))
			return 1;
	if ((name[0] != 'q' && name[0] != 'u') || name[1] < '1' || name[1] > '9')
		return 0;
	n = strtol(name + 1, &end, 10);
	if (*end || n < 1 || (size_t)n > p->form->nqs)
		return 0;
	return name[0] == 'q' && p->form->qs[n - 1].type == EQ_MULTIPLE ? 2 : 1;
}

/*
 * The terminal's messages, said for this page: "type u" is the box "I
 * cannot read this answer" here.
 */
static void web_words(char *why, size_t cap)
{
	static const char *const from[] = { "type u if it cannot be read",
					    "type u (unreadable)" };
	static const char *const to[] = { "tick \"I cannot read this answer\" if it cannot be read",
					  "tick \"I cannot read this answer\"" };

	for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
		char *at = strstr(why, from[i]);
		char rest[ENTRY_WHY_MAX];

		if (!at)
			continue;
		snprintf(rest, sizeof rest, "%s", at + strlen(from[i]));
		snprintf(at, cap - (size_t)(at - why), "%s%s", to[i], rest);
	}
}

/* One question's answer from the fields. 1 answered, 0 with `why` set. */
static int read_answer(const struct entry_question *q, const struct form *f,
		       struct entry_answer *a, char *why, size_t cap)
{
	char uname[16];
	const char *pieces[ENTRY_MAX_PICKS];
	size_t n;

	snprintf(uname, sizeof uname, "u%d", q->number);
	if (!web_answer_pieces(q, f, pieces, &n, why, cap))
		return 0;
	if (form_get(f, uname)) {
		if (n) {
			snprintf(why, cap, "You said you cannot read this answer, and also gave one. "
					   "Clear one of them.");
			return 0;
		}
		memset(a, 0, sizeof *a);
		a->state = ENTRY_UNREADABLE;
		return 1;
	}
	if (!n) {
		memset(a, 0, sizeof *a);
		a->state = ENTRY_SKIPPED;
		return 1;
	}
	if (web_answer_parse(q, pieces, n, "Leave it empty when the form is blank.", a, why, cap))
		return 1;
	web_words(why, cap);
	return 0;
}

/*
 * Every answer and the serial number from the posted fields. Problems go
 * in why[] (serial first), each a new string. Returns how many.
 */
static size_t read_form(const struct entry_page *p, const struct form *f,
			struct entry_answer *answers, char **why, int check_serial,
			char serial[ENTRY_SERIAL_MAX + 1], struct err *e, int *failed)
{
	const char *typed = form_get(f, "serial");
	char msg[ENTRY_WHY_MAX];
	size_t n = 0;

	*failed = 0;
	serial[0] = '\0';
	if (p->ed.response_id) {
		snprintf(serial, ENTRY_SERIAL_MAX + 1, "%s", p->ed.serial);
	} else if (!typed || web_blank(typed)) {
		why[0] = strdup("Type the serial number written on the form.");
		n++;
	} else if (check_serial) {
		int rc = entry_check_serial(p->s, typed, serial, msg, sizeof msg, e);

		if (rc < 0) {
			*failed = 1;
			return 0;
		}
		if (!rc) {
			why[0] = strdup(msg);
			n++;
		}
	} else {
		snprintf(serial, ENTRY_SERIAL_MAX + 1, "%s", typed);
	}
	for (size_t i = 0; i < p->form->nqs; i++) {
		if (!read_answer(&p->form->qs[i], f, &answers[i], msg, sizeof msg)) {
			why[i + 1] = strdup(msg);
			n++;
		}
	}
	/* Then the checks between answers, as on every path (crosscheck.h). */
	{
		int added = web_cross_check(p->form, answers, why, 1,
					    "If the paper form is like that, tick \"I cannot read "
					    "this answer\".", e);

		if (added < 0) {
			*failed = 1;
			return 0;
		}
		n += (size_t)added;
	}
	return n;
}

static void review_page(struct req *r, const struct entry_page *p, const struct entry_answer *a,
			const char *serial)
{
	struct html *h = &r->body;

	page_begin(r, "Check the answers");
	heading(r, p, "Check the answers");
	html_raw(h, "<p>Check these against the paper form, then save it.</p>\n"
		    "<table class=\"table review\">\n<caption>Serial number ");
	html_esc(h, serial);
	html_raw(h, "</caption>\n<thead><tr><th scope=\"col\">Question</th><th scope=\"col\">"
		    "Answer</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < p->form->nqs; i++) {
		const struct entry_question *q = &p->form->qs[i];
		char *shown = entry_answer_show(q, &a[i]);

		html_fmt(h, "<tr><th scope=\"row\">%d. ", q->number);
		html_esc(h, q->text);
		html_raw(h, "</th><td class=\"answer\">");
		html_esc(h, shown ? shown : "");
		html_raw(h, "</td></tr>\n");
		free(shown);
	}
	html_raw(h, "</tbody>\n</table>\n<form method=\"post\" action=\"/entry\">\n");
	page_fields(r, p);
	/* What was typed goes back with the form: checked again when it is saved. */
	for (size_t i = 0; i < r->form.n; i++) {
		const char *name = r->form.f[i].name;

		if (!strcmp(name, "serial") || ((name[0] == 'q' || name[0] == 'u') &&
						 name[1] >= '1' && name[1] <= '9')) {
			html_raw(h, "<input type=\"hidden\" name=\"");
			html_esc(h, name);
			html_raw(h, "\" value=\"");
			html_esc(h, r->form.f[i].value);
			html_raw(h, "\">\n");
		}
	}
	html_raw(h, "<div class=\"buttons\">\n<button class=\"button\" type=\"submit\" name=\"action\" "
		    "value=\"save\">Save this form</button>\n"
		    "<button class=\"button button-secondary\" type=\"submit\" name=\"action\" "
		    "value=\"change\">Change an answer</button>\n</div>\n</form>\n");
	page_end(r);
}

static int valid_token(const char *t)
{
	size_t n = 0;

	for (; t && t[n]; n++)
		if (!((t[n] >= '0' && t[n] <= '9') || (t[n] >= 'a' && t[n] <= 'f')))
			return 0;
	return n == 64;
}

/* The form saved under the page's token: 1 (*account set), 0 none, -1. */
static int find_token(sqlite3 *db, const char *token, long long *account, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = db_stmt(db, "SELECT account_id FROM web_submission WHERE token = ?1", e)))
		return -1;
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*account = sqlite3_column_int64(st, 0);
	db_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "looking for the form's token", e);
	return rc == SQLITE_ROW;
}

static void redirect_saved(struct req *r, const char *token)
{
	char loc[128];

	snprintf(loc, sizeof loc, "/entry/saved?t=%s", token);
	req_redirect(r, loc);
}

/* A form to save, handed to the writer (writer.h). */
struct save_job {
	struct req *r;
	struct entry_page *p;
	const struct entry_answer *answers;
	const char *serial;
	char **why;
};

/*
 * Saves the form once, on the writer's connection inside its transaction:
 * the token is looked for and the form saved in the same transaction, so
 * two posts of one page store one form. 1 saved (or found saved), 0
 * refused with why[0] set, -1.
 */
static int save_job(sqlite3 *db, void *arg, struct err *e)
{
	struct save_job *j = arg;
	struct req *r = j->r;
	struct entry_page *p = j->p;
	struct entry_session_options so = { 0 };
	struct entry_session *s;
	struct entry_saved saved;
	char msg[ENTRY_WHY_MAX], object[64];
	long long account = 0;
	sqlite3_stmt *st;
	int rc;

	so.exercise_id = r->cfg->exercise_id;
	so.form = p->form;
	so.event = p->event;
	so.officer = r->sess.name;
	so.mode = p->mode;
	if (!(s = writer_session(&so, e)))
		return -1;
	if ((rc = find_token(db, p->token, &account, e)) != 0) {
		if (rc < 0)
			return -1;
		if (account != r->sess.account_id)
			return err_set(e, EXIT_DATA, "this form was saved from another account");
		redirect_saved(r, p->token);
		return 1;
	}
	entry_session_join(s);
	if ((rc = entry_save(s, j->serial, j->answers, &saved, msg, sizeof msg, e)) <= 0) {
		entry_session_leave(s, 0);
		if (rc == 0)
			j->why[0] = strdup(msg);
		return rc;
	}
	if (!(st = db_stmt(db, "INSERT INTO web_submission (token, account_id, response_id, "
			       "mode, serial, saved_at) VALUES (?1, ?2, ?3, ?4, ?5, "
			       "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto fail;
	sqlite3_bind_text(st, 1, p->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->sess.account_id);
	sqlite3_bind_int64(st, 3, saved.response_id);
	sqlite3_bind_text(st, 4, p->mode == ENTRY_SECOND ? "second" : "first", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, j->serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	db_stmt_done(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "recording the form's token", e);
		goto fail;
	}
	snprintf(object, sizeof object, "response %lld", saved.response_id);
	if (audit_log(db, r->sess.name, r->address,
		      p->mode == ENTRY_SECOND ? "second-entry" : "save", object, e) < 0)
		goto fail;
	entry_session_leave(s, 1);
	entry_saved_free(&saved);
	redirect_saved(r, p->token);
	return 1;
fail:
	entry_saved_free(&saved);
	entry_session_leave(s, 0);
	return -1;
}

/* Saves through the writer: answered once the form is committed. 1, 0 refused (why[0]), -1. */
static int save(struct req *r, struct entry_page *p, const struct entry_answer *answers,
		const char *serial, char **why, struct err *e)
{
	struct save_job j = { r, p, answers, serial, why };

	return writer_run(save_job, &j, e);
}

/*
 * Opens the saved form `id` (as posted or in the query) for changing, if
 * this account may change it: the page's event and form are the form's.
 * 0, or -1 with `e` set (EXIT_DATA with the reason when it may not).
 */
static int open_edit(struct req *r, const char *id, struct entry_page *p, struct err *e)
{
	struct entry_editable ed;
	char why[ENTRY_WHY_MAX], *end;
	long long rid;
	int rc;

	memset(p, 0, sizeof *p);
	rid = id ? strtoll(id, &end, 10) : 0;
	if (!id || !*id || *end || rid <= 0)
		return err_set(e, EXIT_DATA, "there is no such saved form");
	rc = entry_edit_allowed(r->db, r->cfg->exercise_id, rid, r->sess.name,
				r->sess.role >= ROLE_SUPERVISOR, &ed, why, sizeof why, e);
	if (rc < 0)
		return -1;
	if (!rc)
		return err_set(e, EXIT_DATA, "%s", why);
	if (entry_open(r, ed.event, ed.variant, "first", p, e) < 0)
		return -1;
	p->ed = ed;
	return 0;
}

/* Saves the changed answers of the form being changed: 1 saved, 0 refused (why[0]), -1. */
static int save_edit(struct req *r, struct entry_page *p, const struct entry_answer *answers,
		     char **why, struct err *e)
{
	char msg[ENTRY_WHY_MAX], object[64], loc[128];
	int rc, changed = 0;

	web_write_lock();
	rc = entry_edit_save(r->db, r->cfg->exercise_id, p->form, p->ed.response_id, answers,
			     r->sess.name, r->sess.role >= ROLE_SUPERVISOR, &changed, msg,
			     sizeof msg, e);
	if (rc > 0 && changed) {
		snprintf(object, sizeof object, "response %lld", p->ed.response_id);
		if (audit_log(r->db, r->sess.name, r->address, "edit", object, e) < 0)
			rc = -1;
	}
	web_write_unlock();
	if (rc == 0)
		why[0] = strdup(msg);
	if (rc > 0) {
		snprintf(loc, sizeof loc, "/entry/mine?changed=%lld", p->ed.response_id);
		req_redirect(r, loc);
	}
	return rc;
}

/* GET /entry/edit?r=ID: a saved form, its answers filled in, to change. */
int page_entry_edit(struct req *r, struct err *e)
{
	struct entry_page p;
	struct entry_answer *a = NULL;
	struct form vals = { 0 };
	struct strbuf body;
	int rc = -1, bad = 0;

	strbuf_init(&body);

	if (open_edit(r, req_query(r, "r"), &p, e) < 0)
		goto out;
	if (!(a = calloc(p.form->nqs, sizeof *a))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (entry_edit_load(r->db, p.form, p.ed.response_id, a, e) < 0)
		goto out;
	/* The stored answers as the page's fields, read by the same code as a post. */
	for (size_t i = 0; i < p.form->nqs; i++) {
		const struct entry_question *q = &p.form->qs[i];

		if (a[i].state == ENTRY_UNREADABLE)
			bad |= field_add(&body, "u", q->number, "1");
		else if (a[i].state != ENTRY_ANSWERED)
			continue;
		else if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE)
			for (size_t k = 0; k < a[i].npicks; k++) {
				char v[24];

				snprintf(v, sizeof v, "%zu", a[i].picks[k] + 1);
				bad |= field_add(&body, "q", q->number, v);
			}
		else
			bad |= field_add(&body, "q", q->number, a[i].text ? a[i].text : "");
	}
	if (bad || form_parse(body.buf, body.len, &vals) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	wsess_random_hex(p.token);
	form_page(r, &p, &vals, NULL);
	rc = 0;
out:
	for (size_t i = 0; a && i < p.form->nqs; i++)
		entry_answer_clear(&a[i]);
	free(a);
	form_free(&vals);
	strbuf_release(&body);
	entry_page_free(&p);
	return rc;
}

int page_entry_form(struct req *r, struct err *e)
{
	struct entry_page p;

	if (entry_open(r, req_query(r, "event"), req_query(r, "form"), req_query(r, "mode"), &p,
		       e) < 0) {
		entry_page_free(&p);
		return -1;
	}
	wsess_random_hex(p.token);
	form_page(r, &p, NULL, NULL);
	entry_page_free(&p);
	return 0;
}

int page_entry_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *action = form_get(f, "action"), *bad;
	struct entry_page p;
	struct entry_answer *answers = NULL;
	char **why = NULL, serial[ENTRY_SERIAL_MAX + 1];
	int rc = -1, failed;
	size_t nprob;

	if (form_count(f, "event") > 1 || form_count(f, "form") > 1 || form_count(f, "mode") > 1 ||
	    form_count(f, "edit") > 1)
		return err_set(e, EXIT_DATA, "the form has a field twice");
	if (form_get(f, "edit")) {
		/* Changing a saved form: its event and form are the stored ones. */
		if (open_edit(r, form_get(f, "edit"), &p, e) < 0)
			goto out;
	} else if (entry_open(r, form_get(f, "event"), form_get(f, "form"), form_get(f, "mode"),
			      &p, e) < 0) {
		goto out;
	}
	if (form_check(f, entry_field, &p, &bad) < 0) {
		err_set(e, EXIT_DATA, "the form has a field it should not have, or has one twice");
		goto out;
	}
	if (!valid_token(form_get(f, "token"))) {
		err_set(e, EXIT_DATA, "the form has no page token: go back to the home page and "
				      "start the form again");
		goto out;
	}
	snprintf(p.token, sizeof p.token, "%s", form_get(f, "token"));
	if (!action)
		action = "review";
	if (strcmp(action, "review") && strcmp(action, "change") && strcmp(action, "save")) {
		err_set(e, EXIT_DATA, "the form asked for something this page does not do");
		goto out;
	}
	if (!strcmp(action, "change")) {
		form_page(r, &p, f, NULL);
		rc = 0;
		goto out;
	}
	if (!(answers = calloc(p.form->nqs, sizeof *answers)) ||
	    !(why = calloc(p.form->nqs + 1, sizeof *why))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!strcmp(action, "save") && !p.ed.response_id) {
		long long account = 0;
		int found = find_token(r->db, p.token, &account, e);

		/* Posted again after it was saved: the first post's result. */
		if (found < 0)
			goto out;
		if (found) {
			if (account != r->sess.account_id) {
				err_set(e, EXIT_DATA, "this form was saved from another account");
				goto out;
			}
			redirect_saved(r, p.token);
			rc = 0;
			goto out;
		}
	}
	/* At the review the serial number is checked; at the save, entry_save checks it. */
	nprob = read_form(&p, f, answers, why, !strcmp(action, "review"), serial, e, &failed);
	if (failed)
		goto out;
	if (!nprob && !strcmp(action, "save") && p.ed.response_id) {
		int saved = save_edit(r, &p, answers, why, e);

		if (saved < 0)
			goto out;
		nprob = saved == 0;
	} else if (!nprob && !strcmp(action, "save")) {
		int saved = save(r, &p, answers, serial, why, e);

		if (saved < 0)
			goto out;
		nprob = saved == 0;
	}
	if (nprob)
		form_page(r, &p, f, why);
	else if (!strcmp(action, "review"))
		review_page(r, &p, answers, serial);
	rc = 0;
out:
	for (size_t i = 0; answers && i < p.form->nqs; i++)
		entry_answer_clear(&answers[i]);
	free(answers);
	for (size_t i = 0; why && i <= p.form->nqs; i++)
		free(why[i]);
	free(why);
	entry_page_free(&p);
	return rc;
}

int page_entry_saved(struct req *r, struct err *e)
{
	struct html *h = &r->body;
	const char *token = req_query(r, "t");
	sqlite3_stmt *st;
	long long rid = 0;
	int rc, second = 0, nd = 0;
	char serial[ENTRY_SERIAL_MAX + 1] = "", status[32] = "", event[64] = "", variant[16] = "";

	if (!valid_token(token))
		return err_set(e, EXIT_DATA, "there is no such saved form");
	if (!(st = db_prepare(r->db, "SELECT w.mode, w.serial, coalesce(w.response_id, 0), "
				     "coalesce(s.entry_status, ''), coalesce(v.code, ''), "
				     "coalesce(s.form_variant, '') FROM web_submission w LEFT JOIN "
				     "response s ON s.id = w.response_id LEFT JOIN event v ON "
				     "v.id = s.event_id WHERE w.token = ?1 AND w.account_id = ?2", e)))
		return -1;
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->sess.account_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		second = !strcmp((const char *)sqlite3_column_text(st, 0), "second");
		snprintf(serial, sizeof serial, "%s", sqlite3_column_text(st, 1));
		rid = sqlite3_column_int64(st, 2);
		snprintf(status, sizeof status, "%s", sqlite3_column_text(st, 3));
		snprintf(event, sizeof event, "%s", sqlite3_column_text(st, 4));
		snprintf(variant, sizeof variant, "%s", sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, EXIT_DATA, "there is no such saved form");
	if (rc != SQLITE_ROW)
		return db_fail(r->db, "reading the saved form", e);

	page_begin(r, "Form saved");
	html_raw(h, "<div class=\"panel\">\n<h1>Form ");
	html_esc(h, serial);
	html_raw(h, second ? " checked</h1>\n" : " saved</h1>\n");
	html_raw(h, "</div>\n<p>");
	if (!rid)
		html_raw(h, "This form has since been erased.");
	else if (!strcmp(status, "verified"))
		html_raw(h, second ? "Your entry agrees with the first one: the form is verified."
				   : "The form is verified.");
	else if (!strcmp(status, "differences"))
		html_raw(h, "Your entry differs from the first one. A supervisor will settle "
			    "the differences.");
	else if (!strcmp(status, "awaiting-second-entry"))
		html_raw(h, "It is waiting for a second officer to check it.");
	else
		html_raw(h, "It is saved and counts in the analysis.");
	html_raw(h, "</p>\n");
	if (rid && second) {
		char rids[32];

		snprintf(rids, sizeof rids, "%lld", rid);
		if (!(st = db_prepare(r->db, "SELECT q.position, q.text, d.first_value, "
					     "d.second_value FROM entry_difference d JOIN question q "
					     "ON q.id = d.question_id WHERE d.response_id = ?1 ORDER BY "
					     "q.position", e)))
			return -1;
		sqlite3_bind_int64(st, 1, rid);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!nd++)
				html_raw(h, "<table class=\"table\">\n<caption>Differences</caption>\n"
					    "<thead><tr><th scope=\"col\">Question</th><th scope="
					    "\"col\">First entry</th><th scope=\"col\">Your entry</th>"
					    "</tr></thead>\n<tbody>\n");
			html_fmt(h, "<tr><th scope=\"row\">%d. ", sqlite3_column_int(st, 0));
			html_esc(h, (const char *)sqlite3_column_text(st, 1));
			html_raw(h, "</th><td>");
			html_esc(h, (const char *)sqlite3_column_text(st, 2));
			html_raw(h, "</td><td>");
			html_esc(h, (const char *)sqlite3_column_text(st, 3));
			html_raw(h, "</td></tr>\n");
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(r->db, "reading the differences", e);
		if (nd)
			html_raw(h, "</tbody>\n</table>\n");
	}
	if (*event) {
		html_raw(h, "<p><a class=\"button\" href=\"/entry?event=");
		html_url(h, event);
		html_raw(h, "&amp;form=");
		html_url(h, variant);
		html_raw(h, second ? "&amp;mode=second\">Type the next form</a></p>\n"
				   : "&amp;mode=first\">Type the next form</a></p>\n");
	}
	html_raw(h, "<p><a href=\"/\">Home</a></p>\n");
	page_end(r);
	return 0;
}
