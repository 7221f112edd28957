/* page_admin.c: the accounts, for administrators (changes are made with `tally-web user`). */
#include "page.h"
#include "pages.h"

static void row(const struct account_row *a, void *ctx)
{
	struct html *h = ctx;

	html_raw(h, "<tr><td>");
	html_esc(h, a->name);
	html_raw(h, "</td><td>");
	html_raw(h, role_name(a->role));
	html_raw(h, "</td><td>");
	html_raw(h, a->disabled ? "disabled" : "can log in");
	html_raw(h, "</td><td>");
	html_esc(h, a->created_at);
	html_raw(h, "</td></tr>\n");
}

int page_admin(struct req *r, struct err *e)
{
	struct html *h = &r->body;

	page_begin(r, "Accounts");
	html_raw(h, "<h1>Accounts</h1>\n<p>Accounts are added and disabled on the laptop that "
		    "runs the service, with <code>tally-web user add</code> and "
		    "<code>tally-web user disable</code>.</p>\n"
		    "<table class=\"table\">\n<caption>Accounts</caption>\n<thead><tr>"
		    "<th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">"
		    "State</th><th scope=\"col\">Added (UTC)</th></tr></thead>\n<tbody>\n");
	if (account_list(r->db, row, h, e) < 0)
		return -1;
	html_raw(h, "</tbody>\n</table>\n");
	page_end(r);
	return 0;
}
