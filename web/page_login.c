/* page_login.c: logging in and out. */
#include <string.h>

#include "audit.h"
#include "page.h"
#include "pages.h"
#include "throttle.h"

static void login_page(struct req *r, const char *name, const char *problem)
{
	struct html *h = &r->body;
	struct page_problem p = { "name", problem };

	page_begin(r, problem ? "Error: Log in" : "Log in");
	page_error_summary(r, &p, problem ? 1 : 0);
	html_raw(h, "<h1>Log in</h1>\n<form method=\"post\" action=\"/login\" novalidate>\n");
	page_csrf(r);
	html_raw(h, problem ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	html_raw(h, "<label for=\"name\">Your name</label>\n");
	if (problem) {
		html_raw(h, "<p class=\"error-message\" id=\"name-error\"><span class=\"hidden\">Error:"
			    "</span> ");
		html_esc(h, problem);
		html_raw(h, "</p>\n");
	}
	html_raw(h, "<input class=\"input\" id=\"name\" name=\"name\" type=\"text\" "
		    "autocomplete=\"username\" spellcheck=\"false\"");
	if (problem)
		html_raw(h, " aria-describedby=\"name-error\"");
	html_raw(h, " value=\"");
	html_esc(h, name);
	html_raw(h, "\">\n</div>\n<div class=\"field\">\n<label for=\"password\">Password</label>\n"
		    "<input class=\"input\" id=\"password\" name=\"password\" type=\"password\" "
		    "autocomplete=\"current-password\">\n</div>\n"
		    "<button class=\"button\" type=\"submit\">Log in</button>\n</form>\n");
	page_end(r);
}

int page_login_form(struct req *r, struct err *e)
{
	char id[WSESS_ID_HEX + 1];

	if (r->sess.valid && r->sess.account_id) {
		req_redirect(r, "/");
		return 0;
	}
	if (!r->sess.valid) {
		if (wsess_create(r->db, 0, r->now, id, &r->sess, e) < 0)
			return -1;
		req_set_session_cookie(r, id);
	}
	login_page(r, "", NULL);
	return 0;
}

static int login_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf") || !strcmp(name, "name") || !strcmp(name, "password");
}

int page_login(struct req *r, struct err *e)
{
	const char *name = form_get(&r->form, "name"), *password = form_get(&r->form, "password");
	const char *bad;
	char id[WSESS_ID_HEX + 1], stored[ENTRY_NAME_MAX + 1], object[64];
	int blocked_account, blocked_address, ok;
	long long account_id = 0;
	enum role role;
	struct websess old = r->sess;

	if (form_check(&r->form, login_field, NULL, &bad) < 0 || !name || !password)
		return err_set(e, EXIT_DATA, "the login form has a field it should not have, or "
					     "lacks one");
	if (throttle_blocked(r->db, THROTTLE_BY_ACCOUNT, name, r->now, &blocked_account, e) < 0 ||
	    throttle_blocked(r->db, THROTTLE_BY_ADDRESS, r->address, r->now, &blocked_address,
			     e) < 0)
		return -1;
	if (blocked_account || blocked_address) {
		if (audit_log(r->db, NULL, r->address, "login-throttled", NULL, e) < 0)
			return -1;
		page_message(r, MHD_HTTP_TOO_MANY_REQUESTS, "Too many failed logins",
			     "There have been too many wrong passwords. Wait 15 minutes and try "
			     "again, or ask an administrator.");
		return 0;
	}
	if ((ok = account_check(r->db, name, password, &account_id, &role, stored, e)) < 0)
		return -1;
	if (!ok) {
		if (throttle_fail(r->db, THROTTLE_BY_ACCOUNT, name, r->now, e) < 0 ||
		    throttle_fail(r->db, THROTTLE_BY_ADDRESS, r->address, r->now, e) < 0 ||
		    audit_log(r->db, NULL, r->address, "login-refused", NULL, e) < 0)
			return -1;
		login_page(r, name, "The name or the password is not right. Check them and try "
				    "again.");
		return 0;
	}
	/* A new session, never the one the browser brought (no fixation). */
	if (throttle_clear(r->db, THROTTLE_BY_ACCOUNT, name, e) < 0 ||
	    wsess_destroy(r->db, old.id_hash, e) < 0 ||
	    wsess_create(r->db, account_id, r->now, id, &r->sess, e) < 0)
		return -1;
	snprintf(object, sizeof object, "account %lld", account_id);
	if (audit_log(r->db, stored, r->address, "login", object, e) < 0)
		return -1;
	req_set_session_cookie(r, id);
	req_redirect(r, "/");
	return 0;
}

static int logout_field(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "csrf");
}

int page_logout(struct req *r, struct err *e)
{
	const char *bad;
	char object[64];

	if (form_check(&r->form, logout_field, NULL, &bad) < 0)
		return err_set(e, EXIT_DATA, "the form has a field it should not have");
	snprintf(object, sizeof object, "account %lld", r->sess.account_id);
	if (wsess_destroy(r->db, r->sess.id_hash, e) < 0 ||
	    audit_log(r->db, r->sess.name, r->address, "logout", object, e) < 0)
		return -1;
	req_clear_session_cookie(r);
	req_redirect(r, "/login");
	return 0;
}
