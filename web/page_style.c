/* page_style.c: the one style sheet, web/style.css, built into the program. */
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
