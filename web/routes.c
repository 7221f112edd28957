/*
 * routes.c: every page of the service and the least role that may use it.
 * The server checks the role before the handler runs, and the CSRF token
 * of every POST; a path not listed here is 404.
 */
#include "pages.h"

const struct route web_routes[] = {
	{ "GET", "/style.css", ROLE_NONE, page_style },
	{ "GET", "/favicon.ico", ROLE_NONE, page_no_icon },
	{ "GET", "/login", ROLE_NONE, page_login_form },
	{ "POST", "/login", ROLE_NONE, page_login },
	{ "POST", "/logout", ROLE_SIGNED_IN, page_logout },
	{ "GET", "/", ROLE_SIGNED_IN, page_home },
	{ "GET", "/entry", ROLE_OFFICER, page_entry_form },
	{ "POST", "/entry", ROLE_OFFICER, page_entry_post },
	{ "GET", "/entry/saved", ROLE_OFFICER, page_entry_saved },
	{ "GET", "/entry/edit", ROLE_OFFICER, page_entry_edit },
	{ "GET", "/entry/mine", ROLE_OFFICER, page_entry_mine },
	{ "GET", "/resolve", ROLE_SUPERVISOR, page_resolve_list },
	{ "POST", "/resolve", ROLE_SUPERVISOR, page_resolve_post },
	{ "GET", "/admin", ROLE_ADMIN, page_admin },
	{ "GET", "/kiosks", ROLE_SUPERVISOR, page_kiosks },
	{ "POST", "/kiosks", ROLE_SUPERVISOR, page_kiosks_post },
	{ "GET", "/figures", ROLE_SUPERVISOR, page_figures },
	/* Comms staff shape and publish "You said, we did" (page_report*.c). */
	{ "GET", "/report", ROLE_COMMS, page_report },
	{ "POST", "/report", ROLE_COMMS, page_report_post },
	{ "GET", "/report/quotes", ROLE_COMMS, page_report_quotes },
	{ "POST", "/report/quotes", ROLE_COMMS, page_report_quotes_post },
	{ "GET", "/report/preview", ROLE_COMMS, page_report_preview },
	{ "POST", "/report/publish", ROLE_COMMS, page_report_publish },
	{ "POST", "/report/logo", ROLE_COMMS, page_report_logo },
	/* Analysts review the answers safeguarding themes flagged (page_safeguarding.c). */
	{ "GET", "/safeguarding", ROLE_ANALYST, page_safeguarding },
	{ "POST", "/safeguarding", ROLE_ANALYST, page_safeguarding_post },
	/* Analysts review the rules' tags (page_review*.c). */
	{ "GET", "/review", ROLE_ANALYST, page_review },
	{ "GET", "/review/response", ROLE_ANALYST, page_review_response },
	{ "GET", "/review/progress", ROLE_ANALYST, page_review_progress },
	{ "POST", "/review/decide", ROLE_ANALYST, page_review_decide },
	{ "POST", "/review/reviewed", ROLE_ANALYST, page_review_reviewed },
	{ "GET", "/review/samples", ROLE_ANALYST, page_review_samples },
	{ "POST", "/review/samples", ROLE_ANALYST, page_review_samples_post },
	/* The public at a kiosk: no login; the link's token is checked by the handler. */
	{ "GET", "/kiosk", ROLE_NONE, page_kiosk_form },
	{ "POST", "/kiosk", ROLE_NONE, page_kiosk_post },
	{ "GET", "/kiosk.js", ROLE_NONE, page_kiosk_script },
	{ 0 },
};

/* Of those, the ones that take a file (multipart/form-data): the report's logo, a coded sample. */
const char *const web_upload_paths[] = { "/report/logo", "/review/samples", NULL };
