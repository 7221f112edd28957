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

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct exercise_changes ch;
	struct exercise_def *def;
	struct err e;
	sqlite3 *db;
	long long id;
	size_t derived = 0;
	int c, created = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cmd_usage_error(usage, "init takes a database and a definition file");
	err_init(&e);
	/* Check the definition before the database is touched at all. */
	if (!(def = exercise_load(argv[optind + 1], &e)))
		return err_print(&e, cmd_progname);
	if (!(db = db_open(argv[optind], DB_MAY_CREATE, &created, &e))) {
		exercise_def_free(def);
		return err_print(&e, cmd_progname);
	}
	if (exercise_store(db, def, &id, &ch, &e) < 0) {
		db_close(db, NULL);
		if (created)
			db_remove_files(argv[optind]);
		exercise_def_free(def);
		return err_print(&e, cmd_progname);
	}
	if (db_close(db, &e) < 0) {
		exercise_def_free(def);
		return err_print(&e, cmd_progname);
	}
	for (size_t i = 0; i < def->standard.nquestions; i++)
		derived += def->standard.questions[i].derived_from != NULL;
	printf("%s %s: exercise %s \"%s\", %zu %ss, %zu events, %zu standard questions",
	       created ? "created" : "updated", argv[optind], def->code, def->title,
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
	exercise_def_free(def);
	return EXIT_OK;
}
