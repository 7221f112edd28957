/* pages.h: the handlers the route table (routes.c) names, one page_*.c each. */
#ifndef TALLY_WEB_PAGES_H
#define TALLY_WEB_PAGES_H

#include "server.h"

int page_style(struct req *r, struct err *e);        /* page_style.c */
int page_no_icon(struct req *r, struct err *e);
int page_login_form(struct req *r, struct err *e);   /* page_login.c */
int page_login(struct req *r, struct err *e);
int page_logout(struct req *r, struct err *e);
int page_home(struct req *r, struct err *e);         /* page_home.c */
int page_entry_form(struct req *r, struct err *e);   /* page_entry.c */
int page_entry_post(struct req *r, struct err *e);
int page_entry_saved(struct req *r, struct err *e);
int page_entry_edit(struct req *r, struct err *e);    /* a saved form, to change */
int page_entry_mine(struct req *r, struct err *e);    /* page_entry_mine.c */
int page_resolve_list(struct req *r, struct err *e); /* page_resolve.c */
int page_resolve_post(struct req *r, struct err *e);
int page_admin(struct req *r, struct err *e);        /* page_admin.c */
int page_kiosks(struct req *r, struct err *e);       /* page_kiosks.c */
int page_kiosks_post(struct req *r, struct err *e);
int page_figures(struct req *r, struct err *e);      /* page_figures.c */
int page_report_home(struct req *r, struct err *e);  /* page_report.c */
int page_report(struct req *r, struct err *e);
int page_report_post(struct req *r, struct err *e);
int page_report_preview(struct req *r, struct err *e);
int page_report_publish(struct req *r, struct err *e);
int page_report_logo(struct req *r, struct err *e);
int page_report_quotes(struct req *r, struct err *e); /* page_report_quotes.c */
int page_report_quotes_post(struct req *r, struct err *e);
int page_safeguarding(struct req *r, struct err *e); /* page_safeguarding.c */
int page_safeguarding_post(struct req *r, struct err *e);
int page_review(struct req *r, struct err *e);        /* page_review_queue.c: the queues */
int page_review_progress(struct req *r, struct err *e); /* page_review_progress.c */
int page_review_response(struct req *r, struct err *e); /* page_review.c: one response */
int page_review_decide(struct req *r, struct err *e);
int page_review_reviewed(struct req *r, struct err *e);
int page_review_samples(struct req *r, struct err *e); /* page_review_samples.c */
int page_review_samples_post(struct req *r, struct err *e);
int page_kiosk_form(struct req *r, struct err *e);   /* page_kiosk.c */
int page_kiosk_post(struct req *r, struct err *e);
int page_kiosk_script(struct req *r, struct err *e);

#endif
