/*
 * server.h: the HTTP side of tally-web. One request is one `struct req`:
 * the route table (routes.c) names the handler and the role it needs; the
 * server checks the session, the role, the body (size, encoding) and the
 * CSRF token before a handler runs, and adds the security headers to
 * every response. Each request has its own SQLite connection.
 */
#ifndef TALLY_WEB_SERVER_H
#define TALLY_WEB_SERVER_H

#include <microhttpd.h>
#include <sqlite3.h>

#include "account.h"
#include "err.h"
#include "form.h"
#include "html.h"
#include "websession.h"

#define WEB_BODY_LIMIT (1024 * 1024) /* bytes of a request body */
#define WEB_COOKIE "tally_session"

struct web_config {
	const char *db_path;
	long long exercise_id;
	int tls;                  /* served over TLS: cookies are Secure */
	int loopback;             /* listening on this computer only */
	const char *listen;       /* "127.0.0.1:8080" as given */
	const char *tls_cert;     /* PEM files, both or neither */
	const char *tls_key;
	const char *publish;      /* where the report editor publishes (report_publish()) */
};

struct req {
	const struct web_config *cfg;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char address[64];         /* the client's address */
	long now;                 /* Unix seconds */
	sqlite3 *db;
	struct websess sess;      /* s.valid 0 when there is no session */
	struct form form;         /* a POST's fields */

	/* The response the handler builds. */
	int status;               /* 200 unless set */
	struct html body;
	const char *content_type; /* text/html unless set */
	const char *static_body;  /* instead of `body` (the style sheet) */
	size_t static_len;
	int cacheable;            /* 0: Cache-Control no-store */
	const char *csp;          /* instead of the service's policy: the kiosk's, which
				     allows its one script file from 'self' (never inline) */
	char location[600];       /* a redirect's target */
	char cookie[256];         /* a Set-Cookie value */
	const char *file;         /* an upload route's file (multipart.h), in the body */
	size_t file_len;
	char file_field[64];      /* its field's name */
	char file_name[256];      /* the file's name as the browser sent it, or "" */
};

/* A query-string argument of the request, or NULL. */
const char *req_query(struct req *r, const char *name);

/* Sends 303 See Other to `location` (a path of this service). */
void req_redirect(struct req *r, const char *location);

/* Sets the session cookie to `id` (HttpOnly, SameSite=Strict, Secure under TLS). */
void req_set_session_cookie(struct req *r, const char *id);

/* Ends the session cookie in the browser. */
void req_clear_session_cookie(struct req *r);

/*
 * Writers of this process queue here, not in SQLite's busy handler (which
 * sleeps and polls, and under many clients leaves the database idle between
 * them). The writer (writer.h) holds it around each batch of forms; other
 * programs still wait in the busy timeout.
 */
void web_write_lock(void);
void web_write_unlock(void);

struct route {
	const char *method;   /* "GET" or "POST" */
	const char *path;     /* exact */
	enum role role;       /* the least role that may use it */
	int (*handler)(struct req *r, struct err *e); /* 0, or -1 with e set */
};

/* The route table (routes.c), ending with a zeroed entry. */
extern const struct route web_routes[];

/* The POST paths that may send one file as multipart/form-data (routes.c), ending with NULL. */
extern const char *const web_upload_paths[];

/*
 * Serves until SIGINT or SIGTERM. `ready` is called once listening, with
 * the port (for --listen HOST:0). EXIT_OK, or -1 with `e` set.
 */
int server_run(const struct web_config *cfg, const char *host, int port,
	       void (*ready)(const struct web_config *cfg, int port), struct err *e);

#endif
