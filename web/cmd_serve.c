/* tally-web serve: the web service, until Ctrl-C. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "server.h"

static const char usage[] =
	"usage: tally-web serve DB [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE]\n"
	"                          [--insecure-http] [--exercise CODE]\n"
	"\n"
	"Serves the database to browsers until Ctrl-C: officers log in with the\n"
	"accounts made by 'tally-web user add' and type paper forms in.\n"
	"\n"
	"  --listen HOST:PORT  where to listen (default 127.0.0.1:8080: this laptop\n"
	"                      only). Any other address, e.g. 0.0.0.0:8443 for\n"
	"                      tablets on the same network, needs TLS, or\n"
	"                      --insecure-http\n"
	"  --tls-cert FILE     the certificate (PEM) to serve HTTPS with\n"
	"  --tls-key FILE      its private key (PEM)\n"
	"  --insecure-http     allow plain HTTP on a non-loopback address: passwords\n"
	"                      and answers cross the network readable by anyone on it\n"
	"  --exercise CODE     which exercise, when the database holds several\n"
	"  -h, --help          show this help\n"
	"\n"
	"Example:\n"
	"  tally-web serve survey.db\n"
	"  then open http://127.0.0.1:8080/ in a browser on this laptop.\n";

/* "HOST:PORT" or "[V6]:PORT" split into host[] and *port. 0 or -1. */
static int split_listen(const char *s, char *host, size_t cap, int *port)
{
	const char *colon;
	char *end;
	long p;
	size_t n;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -1;
		n = (size_t)(close - s - 1);
		colon = close + 1;
		s++;
	} else {
		if (!(colon = strrchr(s, ':')))
			return -1;
		n = (size_t)(colon - s);
	}
	if (!n || n >= cap)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

static int loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return !memcmp(&a6, &in6addr_loopback, sizeof a6);
	return 0;
}

static void ready(const struct web_config *cfg, int port)
{
	char host[64] = "";
	int p;

	split_listen(cfg->listen, host, sizeof host, &p);
	printf("tally-web: serving %s on %s://%s%s%s:%d/ (Ctrl-C stops it)\n", cfg->db_path,
	       cfg->tls ? "https" : "http", strchr(host, ':') ? "[" : "", host,
	       strchr(host, ':') ? "]" : "", port);
	fflush(stdout);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "insecure-http", no_argument, NULL, 'i' },
		{ "exercise", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct web_config cfg = { 0 };
	const char *code = NULL;
	char host[64];
	int c, port, insecure = 0;
	long long accounts = 0;
	sqlite3 *db;
	struct err e;

	cfg.listen = "127.0.0.1:8080";
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': cfg.listen = optarg; break;
		case 'c': cfg.tls_cert = optarg; break;
		case 'k': cfg.tls_key = optarg; break;
		case 'i': insecure = 1; break;
		case 'x': code = optarg; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "serve takes one database");
	cfg.db_path = argv[optind];
	if (split_listen(cfg.listen, host, sizeof host, &port) < 0)
		return cmd_usage_error(usage, "--listen is HOST:PORT (e.g. 127.0.0.1:8080), not "
					      "'%s'", cfg.listen);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (!cfg.tls_cert != !cfg.tls_key)
		return cmd_usage_error(usage, "--tls-cert and --tls-key go together");
	cfg.tls = cfg.tls_cert != NULL;
	cfg.loopback = loopback(host);
	if (!loopback(host) && !cfg.tls && !insecure)
		return cmd_usage_error(usage, "--listen %s: other computers could connect, and "
					      "without TLS they would see passwords and answers; "
					      "give --tls-cert and --tls-key (docs/web.md says how), "
					      "or --insecure-http", cfg.listen);
	if (!loopback(host) && !cfg.tls)
		cmd_warn("warning: serving plain HTTP on %s: anyone on the network can read the "
			 "passwords and answers sent to it (--insecure-http)", cfg.listen);
	err_init(&e);
	if (account_init(&e) < 0)
		return err_print(&e, cmd_progname);
	/* Opened once here to bring the schema up to date and pick the exercise. */
	if (!(db = db_open(cfg.db_path, DB_MUST_EXIST, NULL, &e)) ||
	    db_pick_exercise(db, code, &cfg.exercise_id, &e) < 0 ||
	    db_int(db, "SELECT count(*) FROM account WHERE disabled = 0", 0, &accounts, &e, 0) < 0) {
		db_close(db, NULL);
		return err_print(&e, cmd_progname);
	}
	if (db_close(db, &e) < 0)
		return err_print(&e, cmd_progname);
	if (!accounts)
		cmd_warn("no one can log in yet: add an account with 'tally-web user add %s NAME "
			 "--role officer'", cfg.db_path);
	if (server_run(&cfg, host, port, ready, &e) < 0)
		return err_print(&e, cmd_progname);
	return EXIT_OK;
}
