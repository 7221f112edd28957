#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "cmd.h"
#include "db.h"
#include "fileutil.h"
#include "strbuf.h"
#include "form_cache.h"
#include "multipart.h"
#include "page.h"
#include "writer.h"

/* What MHD keeps for one request between its calls. */
struct upload {
	char *data;
	size_t n, cap;
	int too_big;
	int answered;
};

/*
 * Open connections kept between requests: opening one reads the schema,
 * which costs more than most requests. Each is used by one request at a
 * time, taken and given back under the mutex.
 */
#define POOL_MAX 32
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *pool[POOL_MAX];
static int npool;

static sqlite3 *db_take(const struct web_config *cfg, struct err *e)
{
	sqlite3 *db = NULL;

	pthread_mutex_lock(&pool_lock);
	if (npool)
		db = pool[--npool];
	pthread_mutex_unlock(&pool_lock);
	return db ? db : db_open(cfg->db_path, DB_MUST_EXIST, NULL, e);
}

/* Back to the pool, or closed when the pool is full or a transaction was left open. */
static void db_give(sqlite3 *db)
{
	if (!db)
		return;
	if (sqlite3_get_autocommit(db)) {
		pthread_mutex_lock(&pool_lock);
		if (npool < POOL_MAX) {
			pool[npool++] = db;
			db = NULL;
		}
		pthread_mutex_unlock(&pool_lock);
	}
	db_close(db, NULL);
}

static void pool_close(void)
{
	pthread_mutex_lock(&pool_lock);
	while (npool)
		db_close(pool[--npool], NULL);
	pthread_mutex_unlock(&pool_lock);
}

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

void web_write_lock(void)
{
	pthread_mutex_lock(&write_lock);
}

void web_write_unlock(void)
{
	pthread_mutex_unlock(&write_lock);
}

static const char csp[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
			  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void req_redirect(struct req *r, const char *location)
{
	r->status = MHD_HTTP_SEE_OTHER;
	snprintf(r->location, sizeof r->location, "%s", location);
}

void req_set_session_cookie(struct req *r, const char *id)
{
	snprintf(r->cookie, sizeof r->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 WEB_COOKIE, id, r->cfg->tls ? "; Secure" : "");
}

void req_clear_session_cookie(struct req *r)
{
	snprintf(r->cookie, sizeof r->cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 WEB_COOKIE, r->cfg->tls ? "; Secure" : "");
}

static enum MHD_Result send_req(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->static_body)
		resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_body,
						       MHD_RESPMEM_PERSISTENT);
	else if (r->body.oom)
		return MHD_NO;
	else
		resp = MHD_create_response_from_buffer(r->body.n, r->body.s ? r->body.s : (char *)"",
						       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", r->csp ? r->csp : csp);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", r->cacheable ? "no-cache" : "no-store");
	if (r->cfg->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	if (r->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->cookie);
	ret = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A refusal before or instead of a handler: a plain page with the status. */
static enum MHD_Result refuse(struct req *r, int status, const char *title, const char *text)
{
	html_free(&r->body);
	r->location[0] = '\0';
	page_message(r, status, title, text);
	return send_req(r);
}

static const struct route *find_route(const char *method, const char *path, int *path_known)
{
	*path_known = 0;
	for (const struct route *rt = web_routes; rt->path; rt++) {
		if (strcmp(rt->path, path))
			continue;
		*path_known = 1;
		if (!strcmp(rt->method, method))
			return rt;
	}
	return NULL;
}

static int form_content_type(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	size_t n = strlen("application/x-www-form-urlencoded");

	if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", n))
		return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	return !*ct || *ct == ';';
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, cap, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)cap);
}

/*
 * On a loopback address the Host header must name this computer: a web
 * page elsewhere whose name was pointed at 127.0.0.1 (DNS rebinding) would
 * otherwise be talking to the service as if it were its own site.
 */
static int host_ok(const struct web_config *cfg, struct MHD_Connection *c)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	char name[64];
	struct in_addr a4;
	size_t n;

	if (!cfg->loopback)
		return 1;
	if (!host)
		return 0;
	if (!strncmp(host, "[::1]", 5))
		return host[5] == '\0' || host[5] == ':';
	n = strcspn(host, ":");
	if (n >= sizeof name)
		return 0;
	memcpy(name, host, n);
	name[n] = '\0';
	if (!strcasecmp(name, "localhost"))
		return 1;
	return inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* Runs one complete request. */
static int upload_path(const char *path)
{
	for (const char *const *p = web_upload_paths; *p; p++)
		if (!strcmp(*p, path))
			return 1;
	return 0;
}

static enum MHD_Result handle(const struct web_config *cfg, struct MHD_Connection *c,
			      const char *method, const char *url, struct upload *u)
{
	struct req r;
	char boundary[80];
	const struct route *rt;
	enum MHD_Result ret;
	int known, rc;
	struct err e;

	memset(&r, 0, sizeof r);
	err_init(&e);
	r.cfg = cfg;
	r.conn = c;
	r.method = method;
	r.path = url;
	r.now = (long)time(NULL);
	client_address(c, r.address, sizeof r.address);

	if (!host_ok(cfg, c)) {
		ret = refuse(&r, MHD_HTTP_MISDIRECTED_REQUEST, "Wrong address",
			     "This service answers only at the address of this computer, such as "
			     "http://127.0.0.1:8080/.");
		goto out;
	}
	if (u->too_big) {
		ret = refuse(&r, MHD_HTTP_CONTENT_TOO_LARGE, "Too much was sent",
			     "The form sent more than this service accepts. Nothing was saved.");
		goto out;
	}
	if (!(rt = find_route(method, url, &known))) {
		if (known)
			ret = refuse(&r, MHD_HTTP_METHOD_NOT_ALLOWED, "Not allowed",
				     "This page cannot be used that way.");
		else
			ret = refuse(&r, MHD_HTTP_NOT_FOUND, "Page not found",
				     "There is no such page. Check the address, or go to the home "
				     "page.");
		goto out;
	}
	if (!(r.db = db_take(cfg, &e))) {
		err_print(&e, cmd_progname);
		ret = refuse(&r, MHD_HTTP_SERVICE_UNAVAILABLE, "The database cannot be opened",
			     "The service cannot open its database just now. Try again in a minute.");
		goto out;
	}
	if (wsess_lookup(r.db, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, WEB_COOKIE), r.now,
			 &r.sess, &e) < 0)
		goto failed;
	if (rt->role > ROLE_NONE) {
		if (!r.sess.valid || !r.sess.account_id) {
			if (!strcmp(method, "GET")) {
				req_redirect(&r, "/login");
				page_message(&r, r.status, "Log in", "You need to log in first.");
				ret = send_req(&r);
				goto out;
			}
			ret = refuse(&r, MHD_HTTP_UNAUTHORIZED, "You are not logged in",
				     "Log in first, then try again. Nothing was saved.");
			goto out;
		}
		if (!role_allows(r.sess.role, rt->role)) {
			ret = refuse(&r, MHD_HTTP_FORBIDDEN, "Not allowed for your account",
				     "Your account cannot use this page. Ask an administrator if you "
				     "need to.");
			goto out;
		}
	}
	if (!strcmp(method, "POST") && upload_path(rt->path) &&
	    multipart_boundary(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
			       boundary, sizeof boundary) == 0) {
		if (multipart_parse(u->data ? u->data : "", u->n, boundary, &r.form, &r.file,
				    &r.file_len, r.file_field, sizeof r.file_field, r.file_name,
				    sizeof r.file_name) < 0) {
			ret = refuse(&r, MHD_HTTP_BAD_REQUEST, "The form was not sent right",
				     "What was sent is not a well-formed web form. Nothing was saved.");
			goto out;
		}
	} else if (!strcmp(method, "POST")) {
		if (!form_content_type(c)) {
			ret = refuse(&r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "The form was not sent right",
				     "The form must be sent as a normal web form. Nothing was saved.");
			goto out;
		}
		if (form_parse(u->data ? u->data : "", u->n, &r.form) < 0) {
			ret = refuse(&r, MHD_HTTP_BAD_REQUEST, "The form was not sent right",
				     "What was sent is not a well-formed web form. Nothing was saved.");
			goto out;
		}
	}
	/* Every form sent, however it was sent, carries this session's token. */
	if (!strcmp(method, "POST") && !wsess_csrf_ok(&r.sess, form_get(&r.form, "csrf"))) {
		ret = refuse(&r, MHD_HTTP_FORBIDDEN, "This form has expired",
			     "The form did not come from this page, or your session has "
			     "ended. Go back, reload the page and try again. Nothing was saved.");
		goto out;
	}
	rc = rt->handler(&r, &e);
	if (rc < 0)
		goto failed;
	ret = send_req(&r);
	goto out;
failed:
	if (e.code == EXIT_DATA || e.code == EXIT_USAGE) {
		html_free(&r.body);
		r.location[0] = '\0';
		page_message(&r, MHD_HTTP_BAD_REQUEST, "That cannot be done", err_first(&e));
		ret = send_req(&r);
	} else {
		err_print(&e, cmd_progname);
		ret = refuse(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Something went wrong",
			     "The service could not do that just now, and nothing was saved. Try "
			     "again; if it happens again, tell whoever looks after this laptop.");
	}
out:
	form_free(&r.form);
	html_free(&r.body);
	db_give(r.db);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	const struct web_config *cfg = cls;
	struct upload *u = *con_cls;

	(void)version;
	if (!u) {
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");

		if (!(u = calloc(1, sizeof *u)))
			return MHD_NO;
		*con_cls = u;
		/* Said too big before it is read: refused at once. */
		if (len && strtoull(len, NULL, 10) > WEB_BODY_LIMIT) {
			u->too_big = 1;
			u->answered = 1;
			return handle(cfg, c, method, url, u);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (u->answered || u->too_big || u->n + n > WEB_BODY_LIMIT) {
			/* Chunked and too big: read and dropped, to a point. */
			if (!u->too_big)
				free(u->data), u->data = NULL, u->cap = 0;
			u->too_big = 1;
			u->n += n;
			return u->n > 16 * (size_t)WEB_BODY_LIMIT ? MHD_NO : MHD_YES;
		}
		if (n >= SIZE_MAX - u->n || ALLOC_GROW(u->data, u->n + n + 1, u->cap) < 0)
			return MHD_NO;
		memcpy(u->data + u->n, upload_data, n);
		u->n += n;
		u->data[u->n] = '\0';
		return MHD_YES;
	}
	if (u->answered)
		return MHD_YES;
	u->answered = 1;
	return handle(cfg, c, method, url, u);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u) {
		free(u->data);
		free(u);
		*con_cls = NULL;
	}
}

/* A PEM file's text. 0 or -1. */
static int read_pem(const char *path, char **out, struct err *e)
{
	size_t n;

	return file_read_all(path, 1024 * 1024, out, &n, e);
}

int server_run(const struct web_config *cfg, const char *host, int port,
	       void (*ready)(const struct web_config *cfg, int port), struct err *e)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	char *cert = NULL, *key = NULL;
	sigset_t sigs;
	int sig, rc = -1;
	const union MHD_DaemonInfo *info;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((unsigned short)port);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((unsigned short)port);
		flags |= MHD_USE_IPv6;
	} else {
		return err_set(e, EXIT_USAGE, "--listen: '%s' is not an IP address", host);
	}
	if (cfg->tls) {
		if (read_pem(cfg->tls_cert, &cert, e) < 0 || read_pem(cfg->tls_key, &key, e) < 0)
			goto out;
		flags |= MHD_USE_TLS;
	}
	/* The threads MHD and the writer start inherit this mask: only sigwait() below sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (writer_start(cfg->db_path, e) < 0)
		goto out;
	if (cfg->tls)
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, (void *)cfg,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)200,
				     MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
				     MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, (void *)cfg,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)200, MHD_OPTION_END);
	if (!d) {
		writer_stop();
		err_set(e, EXIT_SYSTEM, "cannot listen on %s: the port may be in use, or the "
					"certificate and key do not go together", cfg->listen);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	ready(cfg, info ? info->port : port);
	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(d);
	writer_stop();
	pool_close();
	form_cache_free();
	rc = 0;
out:
	free(cert);
	free(key);
	return rc;
}
