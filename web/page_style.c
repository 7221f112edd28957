/* page_style.c: the one style sheet, web/style.css, built into the program; no icon. */
#include <string.h>

#include "pages.h"

struct embedded_file {
	const char *name;
	const char *text;
};

#include "web_assets.inc"

int page_style(struct req *r, struct err *e)
{
	(void)e;
	r->static_body = web_assets[0].text;
	r->static_len = strlen(web_assets[0].text);
	r->content_type = "text/css; charset=utf-8";
	r->cacheable = 1;
	return 0;
}

/* Browsers ask for /favicon.ico by themselves: there is none, and nothing to say. */
int page_no_icon(struct req *r, struct err *e)
{
	(void)e;
	r->status = MHD_HTTP_NO_CONTENT;
	r->content_type = "text/plain";
	r->static_body = "";
	r->static_len = 0;
	r->cacheable = 1;
	return 0;
}
