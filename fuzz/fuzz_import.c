/*
 * fuzz_import: the whole import pipeline (collector/import.c: the CSV
 * export source, the mapping, dates, postcodes and districts, duplicates,
 * rejects, one transaction) into an in-memory database.
 *
 * A database with the sample exercise, the outward-code shares and a slice
 * of the postcode lookup is made once; each input gets a fresh copy. The
 * first byte picks one of the sample CSV mappings and --strict; the rest is
 * the export. Either the file is refused, with a message, and the database
 * is as it was; or every record is accounted for (read = accepted +
 * rejected + duplicates + erased), the database holds exactly the accepted
 * responses and the rejected records, in one batch, its foreign keys and
 * integrity hold, --strict took nothing with a rejected record, and
 * importing the same file again adds nothing.
 */
#include <assert.h>

#include "db.h"
#include "exercise.h"
#include "fuzz.h"
#include "import.h"
#include "mapping.h"
#include "postcode.h"

static const char *const maps[] = {
	"exports/google-forms-online.map.xml",
	"exports/surveymonkey-online.map.xml",
	"exports/paper-forms.map.xml",
	"exports/easy-read-paper.map.xml",
};
#define NMAPS (sizeof maps / sizeof maps[0])

static sqlite3 *template_db;
static struct mapping *mapping[NMAPS];
static long long exercise_id;

static void die(const char *what, const struct err *e)
{
	fprintf(stderr, "fuzz_import: %s: %s\n", what, err_first(e));
	abort();
}

static const char *sample(const char *rel)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("TALLY_SAMPLES");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir && *dir ? dir : "samples", rel);
	return buf[i];
}

/* The database every input starts from, and the mappings: made once. */
static void setup(void)
{
	struct postcode_load_options popt = { NULL, 0, 0 };
	struct postcode_load_stats pst;
	struct exercise_changes ch;
	struct exercise_def *def;
	struct fuzz_file slice;
	struct err e, rejects;
	char head[16384];
	size_t n;
	FILE *f;

	err_init(&e);
	err_init(&rejects);
	if (sqlite3_open(":memory:", &template_db) != SQLITE_OK ||
	    db_migrate_to(template_db, ":memory:", db_schema_version(), &e) < 0)
		die("the database", &e);
	if (!(def = exercise_load(sample("exercise-2019.xml"), &e)) ||
	    exercise_store(template_db, def, &exercise_id, &ch, &e) < 0)
		die("the exercise", &e);
	exercise_def_free(def);
	if (postcode_load(template_db, sample("postcodes/outward-shares.csv"), &popt, &pst,
			  &rejects, &e) < 0)
		die("the outward codes", &e);
	/* The first lines of the postcode lookup: enough to place some postcodes. */
	if (!(f = fopen(sample("postcodes/staffs-postcodes.csv"), "r")))
		die("the postcodes", &e);
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	while (n > 0 && head[n - 1] != '\n')
		n--;
	fuzz_file_make(&slice, "postcodes.csv", head, n);
	if (postcode_load(template_db, slice.path, &popt, &pst, &rejects, &e) < 0)
		die("the postcodes", &e);
	fuzz_file_drop(&slice);
	for (size_t i = 0; i < NMAPS; i++)
		if (!(mapping[i] = mapping_load(sample(maps[i]), &e)))
			die(maps[i], &e);
}

static sqlite3 *fresh(void)
{
	sqlite3 *db;
	sqlite3_backup *b;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    !(b = sqlite3_backup_init(db, "main", template_db, "main")))
		abort();
	if (sqlite3_backup_step(b, -1) != SQLITE_DONE)
		abort();
	sqlite3_backup_finish(b);
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
		abort();
	return db;
}

static long long count(sqlite3 *db, const char *sql)
{
	long long v = -1;
	struct err e;

	err_init(&e);
	if (db_int(db, sql, -1, &v, &e, 0) < 0)
		die(sql, &e);
	return v;
}

/* What an import may change, as one number each. */
struct state {
	long long batches, responses, answers, rejects;
};

static void state_of(sqlite3 *db, struct state *s)
{
	s->batches = count(db, "SELECT count(*) FROM import_batch");
	s->responses = count(db, "SELECT count(*) FROM response");
	s->answers = count(db, "SELECT count(*) FROM answer");
	s->rejects = count(db, "SELECT count(*) FROM reject");
}

static int import(sqlite3 *db, size_t map, int strict, const char *path,
		  struct import_stats *st, struct err *e)
{
	struct import_options opt = { 0 };
	struct err rejects, warnings;
	int rc;

	opt.format = "csv";
	opt.strict = strict;
	opt.src.header_rows = mapping[map]->header_rows;
	opt.src.separator = mapping[map]->separator;
	err_init(&rejects);
	err_init(&warnings);
	err_init(e);
	memset(st, 0, sizeof *st);
	rc = import_file(db, exercise_id, mapping[map], path, &opt, st, &rejects, &warnings, e);
	assert(rc == 0 || err_isset(e));
	if (rc == 0) {
		assert(!err_isset(e));
		assert((rejects.nlines + rejects.dropped > 0) == (st->rejected > 0) || st->already);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_stats st;
	struct state before, after, again;
	struct fuzz_file file;
	struct err e;
	size_t map;
	int strict;
	sqlite3 *db;

	if (size < 1)
		return 0;
	if (!template_db)
		setup();
	map = data[0] % NMAPS;
	strict = (data[0] >> 2) & 1;
	db = fresh();
	state_of(db, &before);
	fuzz_file_make(&file, "export.csv", data + 1, size - 1);
	if (import(db, map, strict, file.path, &st, &e) < 0) {
		state_of(db, &after);
		if (memcmp(&before, &after, sizeof before) != 0) {
			fprintf(stderr, "refused (%s), yet the database changed\n", err_first(&e));
			abort();
		}
		goto out;
	}
	assert(!st.already);
	if (st.read != st.accepted + st.rejected + st.duplicates + st.erased) {
		fprintf(stderr, "%ld read, but %ld accepted, %ld rejected, %ld duplicates, %ld erased\n",
			st.read, st.accepted, st.rejected, st.duplicates, st.erased);
		abort();
	}
	assert(!strict || st.rejected == 0);
	{
		long in_districts = 0;

		for (size_t i = 0; i < st.ndistricts; i++)
			in_districts += st.districts[i].count;
		assert(in_districts == st.accepted);
	}
	state_of(db, &after);
	assert(after.batches == before.batches + 1);
	assert(after.responses == before.responses + st.accepted);
	assert(after.rejects == before.rejects + st.rejected);
	assert(count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
	assert(count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") ==
	       0);
	import_stats_free(&st);
	/* The same file again: recognised, nothing added. */
	if (import(db, map, strict, file.path, &st, &e) < 0) {
		fprintf(stderr, "imported once, refused the second time: %s\n", err_first(&e));
		abort();
	}
	assert(st.already);
	state_of(db, &again);
	assert(!memcmp(&after, &again, sizeof after));
out:
	import_stats_free(&st);
	fuzz_file_drop(&file);
	sqlite3_close(db);
	return 0;
}
