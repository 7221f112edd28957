/*
 * page_kiosk.c: the public at a roadshow. A kiosk link (kiosk.h) opens a
 * blank form of its one event and form variant, with no login and no way
 * to anything else: no header links, nothing read back. A form sent is
 * saved through entry_save, as an officer's is, with channel 'kiosk', then
 * the next page thanks them above a new blank form. Nothing is stored
 * before the form is sent. A form left alone for the link's idle minutes
 * asks whether anyone is still there, then is replaced by a blank one: that
 * is web/kiosk.js, the one script of the service, served from it and
 * allowed by the kiosk pages' policy (never inline). Without script the
 * form works, with no idle reset. (A timed meta refresh would need no
 * script, but it clears a form even while someone is typing, with no
 * warning: WCAG 2.2.1, which axe-core checks.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "audit.h"
#include "db.h"
#include "entry.h"
#include "kiosk.h"
#include "page.h"
#include "pages.h"
#include "writer.h"

/* The service's policy, with the kiosk's script file allowed. */
static const char kiosk_csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
				"img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
				"base-uri 'none'";

struct embedded_file {
	const char *name;
	const char *text;
};

#include "kiosk_assets.inc"

int page_kiosk_script(struct req *r, struct err *e)
{
	(void)e;
	r->static_body = kiosk_assets[0].text;
	r->static_len = strlen(kiosk_assets[0].text);
	r->content_type = "text/javascript; charset=utf-8";
	r->cacheable = 1;
	return 0;
}

/*
 * The kiosk's page around its content: no links out; the idle reset's
 * settings for kiosk.js, and its warning (hidden until it is needed).
 */
static void kiosk_begin(struct req *r, const char *title, const char *token, int idle_seconds,
			int easy)
{
	struct html *h = &r->body;

	r->csp = kiosk_csp;
	html_raw(h, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	html_esc(h, title);
	html_raw(h, "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
		    "<script src=\"/kiosk.js\" defer></script>\n</head>\n");
	html_raw(h, easy ? "<body class=\"kiosk kiosk-easy\"" : "<body class=\"kiosk\"");
	html_fmt(h, " data-idle-seconds=\"%d\" data-reset=\"/kiosk?k=", idle_seconds);
	html_url(h, token);
	html_raw(h, "\">\n<a class=\"skip\" href=\"#main\">Skip to main content</a>\n"
		    "<header class=\"header\">\n<div class=\"width\">\n<p class=\"service\">"
		    "Tell us what you think</p>\n</div>\n</header>\n"
		    "<div class=\"still-there\" id=\"still-there\" role=\"alertdialog\" "
		    "aria-labelledby=\"still-there-title\" aria-describedby=\"still-there-text\" "
		    "hidden>\n<h2 id=\"still-there-title\">Are you still there?</h2>\n"
		    "<p id=\"still-there-text\">Your answers will be cleared in <span "
		    "id=\"still-there-seconds\">30</span> seconds, so that the next person gets a "
		    "blank form.</p>\n<button class=\"button\" type=\"button\" "
		    "id=\"still-there-keep\">I am still here</button>\n</div>\n"
		    "<main id=\"main\" class=\"width\">\n");
}

/* A kiosk link that does not work: said plainly, with nothing to follow. */
static int refuse_link(struct req *r, enum kiosk_state state)
{
	const char *text = state == KIOSK_EXPIRED ? "This kiosk link has expired."
			 : state == KIOSK_REVOKED ? "This kiosk link has been switched off."
						  : "This is not a working kiosk link.";

	r->status = MHD_HTTP_FORBIDDEN;
	html_free(&r->body);
	r->location[0] = '\0';
	html_raw(&r->body, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">"
			   "\n<meta name=\"viewport\" content=\"width=device-width, "
			   "initial-scale=1\">\n<title>Kiosk closed</title>\n<link rel=\"stylesheet\" "
			   "href=\"/style.css\">\n</head>\n<body class=\"kiosk\">\n<main id=\"main\" "
			   "class=\"width\">\n<h1>This kiosk is closed</h1>\n<p>");
	html_raw(&r->body, text);
	html_raw(&r->body, " Ask a member of staff.</p>\n</main>\n</body>\n</html>\n");
	return 0;
}

/*
 * The browser's session for the kiosk: an anonymous one, for the CSRF
 * token, new with each blank form (so that it lasts the form however long
 * the kiosk has been up). The session the browser had is ended first: an
 * officer's who opened the link, so that the public never act as them.
 * 0 or -1.
 */
static int kiosk_session(struct req *r, struct err *e)
{
	char id[WSESS_ID_HEX + 1];

	if (r->sess.valid && wsess_destroy(r->db, r->sess.id_hash, e) < 0)
		return -1;
	if (wsess_create(r->db, 0, r->now, id, &r->sess, e) < 0)
		return -1;
	req_set_session_cookie(r, id);
	return 0;
}

static int has_value(const struct form *f, const char *name, const char *v)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (!strcmp(f->f[i].name, name) && !strcmp(f->f[i].value, v))
			return 1;
	return 0;
}

static void choice(struct html *h, const char *type, const char *id, const char *name,
		   const char *value, const char *label, int checked, int easy)
{
	html_raw(h, easy ? "<div class=\"choice choice-large\"><input type=\""
			 : "<div class=\"choice\"><input type=\"");
	html_raw(h, type);
	html_raw(h, "\" id=\"");
	html_esc(h, id);
	html_raw(h, "\" name=\"");
	html_esc(h, name);
	html_raw(h, "\" value=\"");
	html_esc(h, value);
	html_raw(h, checked ? "\" checked><label for=\"" : "\"><label for=\"");
	html_esc(h, id);
	html_raw(h, "\">");
	html_esc(h, label);
	html_raw(h, "</label></div>\n");
}

/* One question, holding what was sent in `vals` (NULL: blank). */
static void question(struct html *h, const struct entry_question *q, const struct form *vals,
		     const char *why, int easy)
{
	char name[32], id[48], val[32];
	int group = q->type == EQ_SINGLE || q->type == EQ_MULTIPLE ||
		    (q->type == EQ_SCALE && q->scale_max - q->scale_min <= 10);

	snprintf(name, sizeof name, "q%d", q->number);
	html_raw(h, why ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	if (group) {
		html_raw(h, "<fieldset");
		if (why)
			html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
		html_raw(h, ">\n<legend>");
	} else {
		html_fmt(h, "<label for=\"q%d\">", q->number);
	}
	html_esc(h, q->text);
	html_raw(h, group ? "</legend>\n" : "</label>\n");
	if (q->help && *q->help) {
		html_raw(h, "<p class=\"hint\">");
		html_esc(h, q->help);
		html_raw(h, "</p>\n");
	}
	if (why) {
		html_fmt(h, "<p class=\"error-message\" id=\"q%d-error\"><span class=\"hidden\">"
			    "Error:</span> ", q->number);
		html_esc(h, why);
		html_raw(h, "</p>\n");
	}
	if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		for (size_t k = 0; k < q->nopts; k++) {
			snprintf(val, sizeof val, "%zu", k + 1);
			if (k)
				snprintf(id, sizeof id, "q%d-%zu", q->number, k + 1);
			else
				snprintf(id, sizeof id, "q%d", q->number);
			choice(h, q->type == EQ_SINGLE ? "radio" : "checkbox", id, name, val,
			       q->opts[k].label, has_value(vals, name, val), easy);
		}
	} else if (group) {
		for (long k = q->scale_min; k <= q->scale_max; k++) {
			snprintf(val, sizeof val, "%ld", k);
			if (k == q->scale_min)
				snprintf(id, sizeof id, "q%d", q->number);
			else
				snprintf(id, sizeof id, "q%d-%ld", q->number, k);
			choice(h, "radio", id, name, val, val, has_value(vals, name, val), easy);
		}
	} else if (q->type == EQ_FREE_TEXT) {
		html_fmt(h, "<textarea class=\"textarea\" id=\"q%d\" name=\"q%d\" rows=\"5\"",
			 q->number, q->number);
		if (why)
			html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
		html_raw(h, ">");
		html_esc(h, vals ? form_get(vals, name) : NULL);
		html_raw(h, "</textarea>\n");
	} else {
		html_fmt(h, "<input class=\"input input-short\" type=\"text\" id=\"q%d\" name=\"q%d\" "
			    "autocomplete=\"off\"", q->number, q->number);
		if (q->type == EQ_POSTCODE)
			html_raw(h, " autocapitalize=\"characters\"");
		if (why)
			html_fmt(h, " aria-describedby=\"q%d-error\"", q->number);
		html_raw(h, " value=\"");
		html_esc(h, vals ? form_get(vals, name) : NULL);
		html_raw(h, "\">\n");
	}
	html_raw(h, group ? "</fieldset>\n</div>\n" : "</div>\n");
}

/* The form to fill: blank (vals NULL), or again with what was sent and why[] per question. */
static void form_page(struct req *r, const char *ktoken, const struct kiosk *k,
		      const struct entry_form *f, const char *page_token, const struct form *vals,
		      char **why, int thanks)
{
	struct html *h = &r->body;
	int easy = !strcmp(k->variant, "easy-read");
	size_t nwhy = 0;

	for (size_t i = 0; why && i < f->nqs; i++)
		nwhy += why[i] != NULL;
	kiosk_begin(r, nwhy ? "Error: Tell us what you think" : thanks ? "Thank you"
								  : "Tell us what you think",
		    ktoken, k->idle_minutes * 60, easy);
	/* The last person's thanks, above the next person's blank form. */
	if (thanks)
		html_raw(h, easy ? "<div class=\"panel\">\n<h1>Thank you</h1>\n<p>We have your "
				   "answers. They help us make health services better.</p>\n"
				   "</div>\n"
				 : "<div class=\"panel\">\n<h1>Thank you</h1>\n<p>Your answers have "
				   "been sent. They will help shape local health services.</p>\n"
				   "</div>\n");
	if (nwhy) {
		html_raw(h, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\" "
			    "tabindex=\"-1\">\n<h2 id=\"error-title\">There is a problem</h2>\n<ul>\n");
		for (size_t i = 0; i < f->nqs; i++) {
			if (!why[i])
				continue;
			html_fmt(h, "<li><a href=\"#q%d\">", f->qs[i].number);
			html_esc(h, f->qs[i].text);
			html_raw(h, ": ");
			html_esc(h, why[i]);
			html_raw(h, "</a></li>\n");
		}
		html_raw(h, "</ul>\n</div>\n");
	}
	html_raw(h, thanks ? "<h2>The next person</h2>\n" : "<h1>Tell us what you think</h1>\n");
	html_raw(h, easy ? "<p>Answer the questions you want to. You can leave any out.</p>\n"
			   "<p>Press the green button at the end to send your answers.</p>\n"
			 : "<p>Answer as many questions as you like; you can leave any of them out. "
			   "Your answers are saved only when you send them.</p>\n");
	html_raw(h, "<form method=\"post\" action=\"/kiosk\" novalidate>\n");
	page_csrf(r);
	html_raw(h, "<input type=\"hidden\" name=\"k\" value=\"");
	html_esc(h, ktoken);
	html_raw(h, "\">\n<input type=\"hidden\" name=\"token\" value=\"");
	html_esc(h, page_token);
	html_raw(h, "\">\n");
	for (size_t i = 0; i < f->nqs; i++)
		question(h, &f->qs[i], vals, why ? why[i] : NULL, easy);
	html_raw(h, easy ? "<button class=\"button button-large\" type=\"submit\">Send my answers"
			   "</button>\n</form>\n"
			 : "<button class=\"button\" type=\"submit\">Send my answers</button>\n"
			   "</form>\n");
	page_end(r);
}

/* The link the request names, or a refusal page (returns 1 then). 0 ok, 1 refused, -1. */
static int open_link(struct req *r, const char *ktoken, struct kiosk *k, struct err *e)
{
	enum kiosk_state state;

	if (kiosk_lookup(r->db, r->cfg->exercise_id, ktoken, r->now, k, &state, e) < 0)
		return -1;
	if (state != KIOSK_OK) {
		refuse_link(r, state);
		return 1;
	}
	return 0;
}

int page_kiosk_form(struct req *r, struct err *e)
{
	const char *ktoken = req_query(r, "k");
	struct entry_form *f;
	struct kiosk k;
	char page_token[65];
	int rc;

	if ((rc = open_link(r, ktoken, &k, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (kiosk_session(r, e) < 0)
		return -1;
	if (!(f = entry_form_load(r->db, r->cfg->exercise_id, k.variant, e)))
		return -1;
	wsess_random_hex(page_token);
	form_page(r, ktoken, &k, f, page_token, NULL, NULL, req_query(r, "sent") != NULL);
	entry_form_free(f);
	return 0;
}

/* Which fields the kiosk's form may send. */
static int kiosk_field(const char *name, void *ctx)
{
	const struct entry_form *f = ctx;
	char *end;
	long n;

	if (!strcmp(name, "csrf") || !strcmp(name, "k") || !strcmp(name, "token"))
		return 1;
	if (name[0] != 'q' || name[1] < '1' || name[1] > '9')
		return 0;
	n = strtol(name + 1, &end, 10);
	if (*end || n < 1 || (size_t)n > f->nqs)
		return 0;
	return f->qs[n - 1].type == EQ_MULTIPLE ? 2 : 1;
}

/* One answer from the fields, checked as the terminal checks it. 1, or 0 with `why`. */
static int read_answer(const struct entry_question *q, const struct form *f,
		       struct entry_answer *a, char *why, size_t cap)
{
	const char *pieces[ENTRY_MAX_PICKS];
	size_t n;

	memset(a, 0, sizeof *a);
	if (!web_answer_pieces(q, f, pieces, &n, why, cap))
		return 0;
	if (!n) {
		a->state = ENTRY_SKIPPED;
		return 1;
	}
	return web_answer_parse(q, pieces, n, "You can leave it empty.", a, why, cap);
}

/*
 * The form saved under the page's token: 1 found (sent through this link),
 * 0 not, -1 on failure or when another link's form has the token (EXIT_DATA).
 */
static int sent_before(sqlite3 *db, const char *token, long long kiosk_id, struct err *e)
{
	char t[65 + 8];
	long long other = 0;

	snprintf(t, sizeof t, "%s", token);
	if (db_int(db, "SELECT kiosk_id FROM kiosk_submission WHERE token = ?1", 0, &other, e, 1,
		   t) < 0)
		return -1;
	if (other && other != kiosk_id)
		return err_set(e, EXIT_DATA, "this form's page token was used through another kiosk "
					     "link: start a new form");
	return other != 0;
}

/* A kiosk form to save, handed to the writer (writer.h). */
struct kiosk_job {
	struct req *r;
	const struct kiosk *k;
	struct entry_form *f;
	const char *token;
	const struct entry_answer *answers;
};

/*
 * Saves the form once, through entry_save like every other form, on the
 * writer's connection inside its transaction: the page token is looked
 * for and the form saved in the same transaction. 1 (saved, or found
 * saved) or -1. The session is the job's own: the form it points at is
 * this request's.
 */
static int kiosk_save_job(sqlite3 *db, void *arg, struct err *e)
{
	struct kiosk_job *j = arg;
	struct req *r = j->r;
	const struct kiosk *k = j->k;
	struct entry_session_options so = { 0 };
	struct entry_session *s;
	struct entry_saved saved = { 0 };
	char officer[32], serial[ENTRY_SERIAL_MAX + 1], why[ENTRY_WHY_MAX], object[64];
	sqlite3_stmt *st;
	int rc = -1, found;

	/* Who typed it: the kiosk, by number; its serial, from the page's random token. */
	snprintf(officer, sizeof officer, "kiosk %lld", k->id);
	snprintf(serial, sizeof serial, "K%lld-%.16s", k->id, j->token);
	j->f->channel = "kiosk";
	so.exercise_id = r->cfg->exercise_id;
	so.form = j->f;
	so.event = k->event;
	so.officer = officer;
	so.mode = ENTRY_FIRST;
	if (!(s = entry_session_open(db, &so, e)))
		return -1;
	entry_session_by_respondent(s);
	entry_session_join(s);
	if ((found = sent_before(db, j->token, k->id, e)) != 0) {
		rc = found < 0 ? -1 : 1;
		goto out;
	}
	if ((found = entry_save(s, serial, j->answers, &saved, why, sizeof why, e)) <= 0) {
		if (found == 0)
			err_set(e, EXIT_DATA, "the form could not be saved: %s", why);
		goto out;
	}
	if (!(st = db_prepare(db, "INSERT INTO kiosk_submission (token, kiosk_id, response_id, "
				  "saved_at) VALUES (?1, ?2, ?3, ?4)", e)))
		goto out;
	sqlite3_bind_text(st, 1, j->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, k->id);
	sqlite3_bind_int64(st, 3, saved.response_id);
	sqlite3_bind_int64(st, 4, r->now);
	found = sqlite3_step(st);
	sqlite3_finalize(st);
	if (found != SQLITE_DONE) {
		db_fail(db, "recording the kiosk form's token", e);
		goto out;
	}
	snprintf(object, sizeof object, "response %lld", saved.response_id);
	if (audit_log(db, officer, r->address, "kiosk-save", object, e) < 0)
		goto out;
	rc = 1;
out:
	entry_session_leave(s, rc == 1);
	entry_saved_free(&saved);
	entry_session_free(s);
	return rc;
}

/* Saves through the writer: answered once the form is committed. 0 or -1. */
static int save(struct req *r, const struct kiosk *k, struct entry_form *f, const char *token,
		const struct entry_answer *answers, struct err *e)
{
	struct kiosk_job j = { r, k, f, token, answers };

	return writer_run(kiosk_save_job, &j, e) == 1 ? 0 : -1;
}

int page_kiosk_post(struct req *r, struct err *e)
{
	const struct form *fm = &r->form;
	const char *ktoken = form_get(fm, "k"), *token = form_get(fm, "token"), *bad;
	struct entry_form *f = NULL;
	struct entry_answer *answers = NULL;
	char **why = NULL, msg[ENTRY_WHY_MAX], loc[128];
	struct kiosk k;
	size_t nprob = 0;
	int rc;

	if (form_count(fm, "k") != 1 || form_count(fm, "token") != 1)
		return err_set(e, EXIT_DATA, "the form lacks its kiosk link, or has it twice");
	if ((rc = open_link(r, ktoken, &k, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (!kiosk_token_shape(token))
		return err_set(e, EXIT_DATA, "the form has no page token: start a new form");
	if (!(f = entry_form_load(r->db, r->cfg->exercise_id, k.variant, e)))
		return -1;
	rc = -1;
	/* The event and form are the link's: a field naming any other is refused. */
	if (form_check(fm, kiosk_field, f, &bad) < 0) {
		err_set(e, EXIT_DATA, "the form has a field it should not have, or has one twice");
		goto out;
	}
	if (!(answers = calloc(f->nqs ? f->nqs : 1, sizeof *answers)) ||
	    !(why = calloc(f->nqs ? f->nqs : 1, sizeof *why))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < f->nqs; i++)
		if (!read_answer(&f->qs[i], fm, &answers[i], msg, sizeof msg)) {
			if (!(why[i] = strdup(msg))) {
				err_set(e, EXIT_SYSTEM, "out of memory");
				goto out;
			}
			nprob++;
		}
	/* Then the checks between answers, as on every path (crosscheck.h). */
	if ((rc = web_cross_check(f, answers, why, 0, "", e)) < 0) {
		rc = -1;
		goto out;
	}
	nprob += (size_t)rc;
	rc = -1;
	if (nprob) {
		form_page(r, ktoken, &k, f, token, fm, why, 0);
		rc = 0;
		goto out;
	}
	if (save(r, &k, f, token, answers, e) < 0)
		goto out;
	snprintf(loc, sizeof loc, "/kiosk?k=%s&sent=1", ktoken);
	req_redirect(r, loc);
	rc = 0;
out:
	for (size_t i = 0; answers && i < f->nqs; i++)
		entry_answer_clear(&answers[i]);
	free(answers);
	for (size_t i = 0; why && i < f->nqs; i++)
		free(why[i]);
	free(why);
	entry_form_free(f);
	return rc;
}
