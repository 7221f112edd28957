/* collector xform: the questionnaire as an ODK XForm and its import mapping. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "outfile.h"
#include "xform_export.h"

static const char usage[] =
	"usage: collector xform DB -o DIR [--form standard|easy-read] [--exercise CODE]\n"
	"\n"
	"Writes the exercise's questionnaire as an ODK XForm, for ODK Collect or\n"
	"KoboCollect on tablets that collect offline at a roadshow, and the import\n"
	"mapping that goes with it, into DIR (made if missing):\n"
	"  DIR/tally-EXERCISE-FORM.xml       the form: load it into ODK Central,\n"
	"                                    KoboToolbox or the tablet as it is\n"
	"  DIR/tally-EXERCISE-FORM.map.xml   the mapping: collector import DB\n"
	"                                    SUBMISSIONS --map this file\n"
	"The form asks for the event first, then every question in the order of\n"
	"the questionnaire. Its submissions come back with the channel event-card.\n"
	"\n"
	"  -o, --output DIR    where to write the two files\n"
	"  --form FORM         standard (the default) or easy-read\n"
	"  --exercise CODE     which exercise, when the database holds several\n"
	"  -h, --help          show this help\n";

struct xform_opts {
	const char *dir;
	const char *form;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		CMD_EXERCISE_OPTION,
		{ "output", required_argument, NULL, 'o' },
		{ "form", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct xform_opts *o = ctx->opts;
	int c;

	(void)e;
	o->form = "standard";
	while ((c = cmd_getopt(ctx, argc, argv, "ho:", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		if (c == 'o')
			o->dir = optarg;
		else if (c == 'f')
			o->form = optarg;
		else
			return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "xform takes one database");
	if (!o->dir || !*o->dir)
		return cmd_usage_error(usage, "-o DIR: say where to write the form");
	if (strcmp(o->form, "standard") && strcmp(o->form, "easy-read"))
		return cmd_usage_error(usage, "--form: '%s' is not standard or easy-read", o->form);
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct xform_opts *o = ctx->opts;
	struct out_file form = { 0 }, map = { 0 };
	char code[200], form_path[4096], map_path[4096];
	sqlite3_stmt *st;
	int rc;

	if (mkdir(o->dir, 0700) < 0 && errno != EEXIST)
		return err_set(e, EXIT_SYSTEM, "cannot make %s: %s", o->dir, strerror(errno));
	if (!(st = db_prepare(ctx->db, "SELECT code FROM exercise WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, ctx->exercise);
	rc = sqlite3_step(st);
	snprintf(code, sizeof code, "%s", rc == SQLITE_ROW ?
		 (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(ctx->db, "reading the exercise", e);
	/* The code names the files: nothing in it may lead out of DIR. */
	for (char *p = code; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
			*p = '_';
	snprintf(form_path, sizeof form_path, "%s/tally-%s-%s.xml", o->dir, code, o->form);
	snprintf(map_path, sizeof map_path, "%s/tally-%s-%s.map.xml", o->dir, code, o->form);
	if (out_check(form_path, e) < 0 || out_check(map_path, e) < 0 ||
	    out_open(&form, form_path, e) < 0)
		return -1;
	if (out_open(&map, map_path, e) < 0) {
		out_abandon(&form);
		return -1;
	}
	if (xform_export(ctx->db, ctx->exercise, o->form, form.f, map.f, e) < 0) {
		out_abandon(&form);
		out_abandon(&map);
		return -1;
	}
	if (out_commit(&form, e) < 0) {
		out_abandon(&map);
		return -1;
	}
	if (out_commit(&map, e) < 0)
		return -1;
	printf("wrote %s and %s\n", form_path, map_path);
	return EXIT_OK;
}

const struct cmd_ops cmd_xform = { parse, run, NULL, sizeof(struct xform_opts) };
