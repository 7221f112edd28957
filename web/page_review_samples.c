/*
 * page_review_samples.c: the hand-coded samples kept in the database
 * (analyser/coded_sample.h): the list, each with the file it came from
 * and a link to its queue of disagreements (page_review_queue.c), a form
 * that uploads a gold CSV (kept with its file's name) and one that drops
 * a sample. An upload is stored by sample_load(), as
 * `analyser review sample load` stores a file: the same checks, every
 * problem said with its line, nothing stored unless all is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "coded_sample.h"
#include "db.h"
#include "page.h"
#include "pages.h"
#include "utf8.h"

#define SAMPLE_UPLOAD_KB 512 /* largest gold file taken from the browser */
#define NO_FILE_NAME "upload" /* the file's name when the browser sent none */

/* One stored sample as a row of the list, with its drop form. */
static int sample_row(const struct sample_info *s, void *ctx)
{
	struct req *r = ctx;
	struct html *h = &r->body;

	html_raw(h, "<tr><th scope=\"row\"><a href=\"/review?queue=disagree&amp;sample=");
	html_url(h, s->name);
	html_raw(h, "\">");
	html_esc(h, s->name);
	html_fmt(h, "</a></th><td>%ld</td><td>", s->responses);
	html_esc(h, s->loaded_by);
	html_raw(h, "</td><td>");
	html_esc(h, s->loaded_at);
	html_raw(h, "</td><td>");
	html_esc(h, s->source);
	html_raw(h, "</td><td>");
	html_raw(h, s->current_rules ? "The current rules" : "Older rules: the rules changed since");
	html_raw(h, "</td><td><form method=\"post\" action=\"/review/samples\">\n");
	page_csrf(r);
	html_raw(h, "<input type=\"hidden\" name=\"action\" value=\"drop\">"
		    "<input type=\"hidden\" name=\"name\" value=\"");
	html_esc(h, s->name);
	html_raw(h, "\"><button class=\"button button-secondary\" type=\"submit\">Drop"
		    "<span class=\"hidden\"> the sample ");
	html_esc(h, s->name);
	html_raw(h, "</span></button></form></td></tr>\n");
	return 0;
}

static int count_sample(const struct sample_info *s, void *ctx)
{
	(void)s;
	++*(int *)ctx;
	return 0;
}

/* The page: what was done, the problems, the samples, the upload form. */
static int samples_page(struct req *r, const struct page_problem *p, size_t np,
			const char *name, struct err *e)
{
	struct html *h = &r->body;
	const char *stored = req_query(r, "stored"), *dropped = req_query(r, "dropped");
	int n = 0;

	page_begin(r, np ? "Error: coded samples" : "Coded samples");
	page_error_summary(r, p, np);
	html_raw(h, "<h1>Coded samples</h1>\n");
	if (!np && stored && *stored) {
		html_raw(h, "<div class=\"panel\" role=\"status\"><p>The coded sample ");
		html_esc(h, stored);
		html_raw(h, " is stored.</p></div>\n<p><a href=\"/review?queue=disagree&amp;sample=");
		html_url(h, stored);
		html_raw(h, "\">See where it and the tags disagree</a>.</p>\n");
	} else if (!np && dropped && *dropped) {
		html_raw(h, "<div class=\"panel\" role=\"status\"><p>The coded sample ");
		html_esc(h, dropped);
		html_raw(h, " was dropped, with its codes and notes.</p></div>\n");
	}
	html_raw(h, "<p>A coded sample is a set of responses that people coded by hand, read "
		    "against the theme descriptions and not against what the rules found. Stored "
		    "here, it shows which answers the rules (with the decisions made so far) and "
		    "the coders disagree on. It is the file <code>analyser evaluate</code> reads "
		    "(docs/evaluate.md).</p>\n");
	if (sample_each(r->db, r->cfg->exercise_id, count_sample, &n, e) < 0)
		return -1;
	if (n) {
		html_raw(h, "<div class=\"table-wrap\">\n<table class=\"table review-table\">\n"
			    "<caption>Stored samples</caption>\n<thead><tr><th scope=\"col\">Name"
			    "</th><th scope=\"col\">Coded responses</th><th scope=\"col\">Loaded by"
			    "</th><th scope=\"col\">When (UTC)</th><th scope=\"col\">File</th>"
			    "<th scope=\"col\">Checked against"
			    "</th><th scope=\"col\"><span class=\"hidden\">Drop</span></th></tr>"
			    "</thead>\n<tbody>\n");
		if (sample_each(r->db, r->cfg->exercise_id, sample_row, r, e) < 0)
			return -1;
		html_raw(h, "</tbody>\n</table>\n</div>\n");
	} else {
		html_raw(h, "<p>No coded sample is stored yet.</p>\n");
	}
	html_raw(h, "<h2>Load a coded sample</h2>\n"
		    "<form method=\"post\" action=\"/review/samples\" enctype=\"multipart/form-data\" "
		    "novalidate>\n");
	page_csrf(r);
	html_raw(h, "<input type=\"hidden\" name=\"action\" value=\"upload\">\n"
		    "<div class=\"field\">\n<label for=\"name\">Name of the sample</label>\n"
		    "<p class=\"hint\" id=\"name-hint\">For example: March audit, coder A. At most "
		    "100 characters.</p>\n<input class=\"input\" type=\"text\" id=\"name\" "
		    "name=\"name\" maxlength=\"100\" aria-describedby=\"name-hint\" value=\"");
	html_esc(h, name ? name : "");
	html_raw(h, "\">\n</div>\n<div class=\"field\">\n<label for=\"file\">The coded sample "
		    "(a CSV file)</label>\n<p class=\"hint\" id=\"file-hint\">One response a row: "
		    "a column <code>external_id</code>, <code>serial</code> or <code>response</code>, "
		    "a column <code>themes</code> with the theme codes, and a <code>note</code> "
		    "column if you like.");
	html_fmt(h, " At most %d KB.", SAMPLE_UPLOAD_KB);
	html_raw(h, " Notes are kept as personal data: they are erased with their response.</p>\n"
		    "<input class=\"input\" type=\"file\" id=\"file\" name=\"file\" "
		    "accept=\".csv,text/csv\" aria-describedby=\"file-hint\">\n</div>\n"
		    "<button class=\"button\" type=\"submit\">Load the sample</button>\n</form>\n"
		    "<p><a href=\"/review\">Back to the review queues</a></p>\n");
	page_end(r);
	return 0;
}

int page_review_samples(struct req *r, struct err *e)
{
	return samples_page(r, NULL, 0, NULL, e);
}

/* The page again, status 400, with one problem at `field`. */
static int refuse(struct req *r, const char *field, const char *text, const char *name,
		  struct err *e)
{
	struct page_problem p = { field, text };

	r->status = 400;
	return samples_page(r, &p, 1, name, e);
}

/*
 * The page again with the file's problems, each "Line N: what" (the
 * reader's "SOURCE:N: what"), or the load's one problem at the name.
 */
static int refuse_load(struct req *r, const char *name, const char *source, struct err *e)
{
	struct page_problem p[ERR_MAX_LINES + 1];
	char text[ERR_MAX_LINES + 1][ERR_LINE_LEN + 32];
	size_t n = 0, sn = strlen(source);
	struct err saved = *e;

	for (int i = 0; i < saved.nlines; i++) {
		const char *l = saved.lines[i];
		char *end;
		long line;

		if (!strncmp(l, source, sn) && l[sn] == ':' && l[sn + 1] >= '0' &&
		    l[sn + 1] <= '9' && (line = strtol(l + sn + 1, &end, 10)) > 0 && *end == ':') {
			snprintf(text[n], sizeof text[n], "Line %ld: %s", line, end + 2);
			p[n].field = "file";
		} else {
			snprintf(text[n], sizeof text[n], "%s", l);
			p[n].field = strstr(l, "name") ? "name" : "file";
		}
		if (text[n][0] >= 'a' && text[n][0] <= 'z')
			text[n][0] = (char)(text[n][0] - 'a' + 'A');
		p[n].text = text[n];
		n++;
	}
	if (saved.dropped) {
		snprintf(text[n], sizeof text[n], "And %d more problems: correct these and load the "
			 "file again to see them.", saved.dropped);
		p[n].field = "file";
		p[n].text = text[n];
		n++;
	}
	err_init(e);
	r->status = 400;
	return samples_page(r, p, n, name, e);
}

/*
 * The name the uploaded file is stored under and named by in messages: the
 * browser's file name without any folder (some send a whole Windows path),
 * or NO_FILE_NAME when it sent none.
 */
static const char *upload_name(const char *sent)
{
	const char *base = sent;

	for (const char *p = sent; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	return *base ? base : NO_FILE_NAME;
}

static int sample_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "action") || !strcmp(name, "name");
}

int page_review_samples_post(struct req *r, struct err *e)
{
	const struct form *f = &r->form;
	const char *bad, *action = form_get(f, "action"), *name = form_get(f, "name");
	const char *source = upload_name(r->file_name);
	char object[SAMPLE_NAME_MAX + 16];
	struct html to = { 0 };
	long n = 0;
	int rc;

	if (form_check(f, sample_field, NULL, &bad) < 0 || !action ||
	    (strcmp(action, "upload") && strcmp(action, "drop")) ||
	    (r->file && strcmp(r->file_field, "file")))
		return err_set(e, EXIT_DATA, "the form has a field it should not have, or lacks one");
	if (!name || !name[strspn(name, " ")])
		return refuse(r, "name", "Give the sample a name.", name, e);
	{
		struct err check;

		err_init(&check);
		if (sample_name_check(name, &check) < 0)
			return refuse(r, "name", "Keep the name to 100 characters of plain text.",
				      NULL, e);
	}
	snprintf(object, sizeof object, "sample %s", name);
	if (!strcmp(action, "upload")) {
		if (!r->file || !r->file_len)
			return refuse(r, "file", "Choose the CSV file of the coded sample.", name, e);
		if (!utf8_check(source, strlen(source), NULL))
			return refuse(r, "file", "Rename the file: its name is not plain text.", name,
				      e);
		if (r->file_len > SAMPLE_UPLOAD_KB * 1024UL) {
			char msg[100];

			snprintf(msg, sizeof msg, "The file is larger than %d KB.", SAMPLE_UPLOAD_KB);
			return refuse(r, "file", msg, name, e);
		}
	}
	/* The sample and its audit line together, or neither. */
	web_write_lock();
	rc = db_begin(r->db, e);
	if (rc == 0)
		rc = !strcmp(action, "upload")
			? sample_load(r->db, r->cfg->exercise_id, r->file, r->file_len, source, name,
				      r->sess.name, &n, e)
			: sample_drop(r->db, r->cfg->exercise_id, name, e);
	if (rc == 0)
		rc = audit_log(r->db, r->sess.name, r->address, !strcmp(action, "upload")
			       ? "coded-sample-load" : "coded-sample-drop", object, e);
	if (rc == 0)
		rc = db_commit(r->db, e);
	else
		db_rollback(r->db);
	web_write_unlock();
	if (rc < 0) {
		if (e->code == EXIT_DATA || e->code == EXIT_USAGE)
			return refuse_load(r, name, source, e);
		return -1;
	}
	html_raw(&to, !strcmp(action, "upload") ? "/review/samples?stored=" :
						"/review/samples?dropped=");
	html_url(&to, name);
	if (to.oom) {
		html_free(&to);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	req_redirect(r, to.s);
	html_free(&to);
	return 0;
}
