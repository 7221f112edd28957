/* collector init: create or upgrade a database and load an exercise into it. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "commands.h"
#include "db.h"
#include "exercise.h"

static const char usage[] =
	"usage: collector init DB EXERCISE.xml\n"
	"\n"
	"Creates the database file DB (or upgrades an older one) and loads the\n"
	"exercise definition: its districts, events, questionnaire and Easy Read\n"
	"version. Run it again after editing the definition: new things are added\n"
	"and changed wording updated; removing something that responses already\n"
	"use is refused, and the database is left as it was.\n"
	"\n"
	"The definition format is described in docs/exercise-format.md;\n"
	"samples/exercise-2019.xml is a full example.\n"
	"\n"
	"  -h, --help   show this help\n";

/* The definition, loaded and checked before the database is touched at all. */
struct init_opts {
	struct exercise_def *def;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct init_opts *o = ctx->opts;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		return cmd_bad_option(usage);
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "init takes a database and a definition file");
	if (!(o->def = exercise_load(argv[optind + 1], e)))
		return -1;
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	const struct exercise_def *def = ((struct init_opts *)ctx->opts)->def;
	struct exercise_changes ch;
	long long id;
	size_t derived = 0;

	/* A database this run created is removed again when this fails. */
	if (exercise_store(ctx->db, def, &id, &ch, e) < 0)
		return -1;
	for (size_t i = 0; i < def->standard.nquestions; i++)
		derived += def->standard.questions[i].derived_from != NULL;
	printf("%s %s: exercise %s \"%s\", %zu %ss, %zu events, %zu standard questions",
	       ctx->created ? "created" : "updated", ctx->db_path, def->code, def->title,
	       def->ndistricts, def->area_word, def->nevents, def->standard.nquestions - derived);
	if (derived)
		printf(" and %zu derived", derived);
	if (def->easy_read.present)
		printf(", %zu Easy Read questions", def->easy_read.nquestions);
	printf("\n");
	if (!ch.new_exercise) {
		if (ch.added + ch.updated + ch.removed)
			printf("changes: %d added, %d updated, %d removed\n", ch.added, ch.updated,
			       ch.removed);
		else
			printf("the definition was already loaded: nothing changed\n");
	}
	return EXIT_OK;
}

static void release(void *opts)
{
	exercise_def_free(((struct init_opts *)opts)->def);
}

const struct cmd_ops cmd_init = { parse, run, release, sizeof(struct init_opts) };
