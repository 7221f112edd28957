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
	"                          [--insecure-http] [--publish FILE.html]\n"
	"                          [--exercise CODE]\n"
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
	"  --publish FILE.html where the report editor's Publish button writes \"You\n"
	"                      said, we did\" (and FILE-fragment.html beside it);\n"
	"                      default you-said-we-did.html beside the database\n"
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

struct serve_opts {
	struct web_config cfg;
	char publish[4096];
	char host[64];
	int port;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "insecure-http", no_argument, NULL, 'i' },
		{ "publish", required_argument, NULL, 'p' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct serve_opts *o = ctx->opts;
	struct web_config *cfg = &o->cfg;
	int c, insecure = 0;

	cfg->listen = "127.0.0.1:8080";
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'l': cfg->listen = optarg; break;
		case 'c': cfg->tls_cert = optarg; break;
		case 'k': cfg->tls_key = optarg; break;
		case 'i': insecure = 1; break;
		case 'p': cfg->publish = optarg; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "serve takes one database");
	cfg->db_path = argv[optind];
	if (!cfg->publish) {
		const char *slash = strrchr(cfg->db_path, '/');
		int n = slash ? (int)(slash - cfg->db_path + 1) : 0;

		snprintf(o->publish, sizeof o->publish, "%.*syou-said-we-did.html", n, cfg->db_path);
		cfg->publish = o->publish;
	}
	if (!*cfg->publish)
		return cmd_usage_error(usage, "--publish needs a file name");
	if (split_listen(cfg->listen, o->host, sizeof o->host, &o->port) < 0)
		return cmd_usage_error(usage, "--listen is HOST:PORT (e.g. 127.0.0.1:8080), not "
					      "'%s'", cfg->listen);
	if (!strcmp(o->host, "localhost"))
		snprintf(o->host, sizeof o->host, "127.0.0.1");
	if (!cfg->tls_cert != !cfg->tls_key)
		return cmd_usage_error(usage, "--tls-cert and --tls-key go together");
	cfg->tls = cfg->tls_cert != NULL;
	cfg->loopback = loopback(o->host);
	if (!cfg->loopback && !cfg->tls && !insecure)
		return cmd_usage_error(usage, "--listen %s: other computers could connect, and "
					      "without TLS they would see passwords and answers; "
					      "give --tls-cert and --tls-key (docs/web.md says how), "
					      "or --insecure-http", cfg->listen);
	if (!cfg->loopback && !cfg->tls)
		cmd_warn("warning: serving plain HTTP on %s: anyone on the network can read the "
			 "passwords and answers sent to it (--insecure-http)", cfg->listen);
	if (account_init(e) < 0)
		return -1;
	/* Opened by the dispatcher to bring the schema up to date and pick the exercise. */
	ctx->db_path = cfg->db_path;
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct serve_opts *o = ctx->opts;
	long long accounts = 0;

	o->cfg.exercise_id = ctx->exercise;
	if (db_int(ctx->db, "SELECT count(*) FROM account WHERE disabled = 0", 0, &accounts, e,
		   0) < 0)
		return -1;
	if (!accounts)
		cmd_warn("no one can log in yet: add an account with 'tally-web user add %s NAME "
			 "--role officer'", o->cfg.db_path);
	if (server_run(&o->cfg, o->host, o->port, ready, e) < 0)
		return -1;
	return EXIT_OK;
}

const struct cmd_ops cmd_serve = { parse, run, NULL, sizeof(struct serve_opts) };
