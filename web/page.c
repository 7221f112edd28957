#include "page.h"

void page_csrf(struct req *r)
{
	html_raw(&r->body, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_esc(&r->body, r->sess.csrf);
	html_raw(&r->body, "\">\n");
}

void page_begin(struct req *r, const char *title)
{
	struct html *h = &r->body;

	html_raw(h, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	html_esc(h, title);
	html_raw(h, " - Tally</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n"
		    "<body>\n<a class=\"skip\" href=\"#main\">Skip to main content</a>\n"
		    "<header class=\"header\">\n<div class=\"width\">\n"
		    "<a class=\"service\" href=\"/\">Tally <span>survey forms</span></a>\n");
	if (r->sess.valid && r->sess.account_id) {
		html_raw(h, "<form class=\"signed-in\" method=\"post\" action=\"/logout\">\n<p>");
		html_esc(h, r->sess.name);
		html_raw(h, " (");
		html_raw(h, role_name(r->sess.role));
		html_raw(h, ")</p>\n");
		page_csrf(r);
		html_raw(h, "<button class=\"button button-secondary\" type=\"submit\">Log out</button>\n"
			    "</form>\n");
	}
	html_raw(h, "</div>\n</header>\n<main id=\"main\" class=\"width\">\n");
}

void page_end(struct req *r)
{
	html_raw(&r->body, "</main>\n</body>\n</html>\n");
}

void page_message(struct req *r, int status, const char *title, const char *text)
{
	r->status = status;
	page_begin(r, title);
	html_raw(&r->body, "<h1>");
	html_esc(&r->body, title);
	html_raw(&r->body, "</h1>\n<p>");
	html_esc(&r->body, text);
	html_raw(&r->body, "</p>\n<p><a href=\"/\">Go to the home page</a></p>\n");
	page_end(r);
}

void page_error_summary(struct req *r, const struct page_problem *p, size_t n)
{
	struct html *h = &r->body;

	if (!n)
		return;
	html_raw(h, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\" "
		    "tabindex=\"-1\">\n<h2 id=\"error-title\">There is a problem</h2>\n<ul>\n");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<li><a href=\"#");
		html_esc(h, p[i].field);
		html_raw(h, "\">");
		html_esc(h, p[i].text);
		html_raw(h, "</a></li>\n");
	}
	html_raw(h, "</ul>\n</div>\n");
}
