/*
 * fuzz_gold: the gold-CSV reader of analyser evaluate (analyser/eval.c)
 * over the streaming CSV reader, against a small database made once.
 *
 * The first byte picks the level (every level, or main themes only); the
 * rest is the gold file. It is either refused as bad data, with every
 * message naming the file ("gold.csv:LINE: ...", or "gold.csv looks UTF-16
 * ..." for the whole file), or read; then every coded response
 * is one of the exercise's responses that count for analysis, coded once;
 * each theme's four counts add up to the responses coded; the
 * disagreements are exactly the themes' false positives and negatives in
 * scope; the scores are in range or undefined; and the same file read again
 * gives the same numbers.
 */
#include <assert.h>
#include <math.h>

#include "csv.h"
#include "db.h"
#include "eval.h"
#include "fuzz.h"

/* Responses 1-4 count; 5 and 6 wait for a second entry; 7 is another exercise's. */
static const char fixture[] =
	"INSERT INTO exercise (id, code, title, opens, closes) VALUES "
	" (1, 'ex', 'Ex', '2019-06-01', '2019-08-25'), (2, 'other', 'Other', '2019-06-01', "
	" '2019-08-25');"
	"INSERT INTO questionnaire (id, exercise_id, variant, code, title) VALUES "
	" (1, 1, 'standard', 'S', 'S'), (2, 2, 'standard', 'S', 'S');"
	"INSERT INTO question (id, questionnaire_id, code, position, type, text) VALUES "
	" (1, 1, 'Q-WELL', 1, 'free-text', 'well?'), (2, 1, 'Q-BETTER', 2, 'free-text', "
	" 'better?'), (3, 2, 'Q-WELL', 1, 'free-text', 'well?');"
	"INSERT INTO response (id, exercise_id, channel, form_variant, external_id, serial, "
	" entry_status, recorded_at) VALUES "
	" (1, 1, 'online', 'standard', 'x:1', NULL, 'accepted', 'now'),"
	" (2, 1, 'online', 'standard', 'x:2', NULL, 'verified', 'now'),"
	" (3, 1, 'paper', 'standard', NULL, 'P-1', 'accepted', 'now'),"
	" (4, 1, 'paper', 'standard', NULL, 'P-2', 'accepted', 'now'),"
	" (5, 1, 'online', 'standard', 'x:5', NULL, 'awaiting-second-entry', 'now'),"
	" (6, 1, 'online', 'standard', 'x:6', NULL, 'differences', 'now'),"
	" (7, 2, 'online', 'standard', 'x:7', NULL, 'accepted', 'now');"
	"INSERT INTO answer (id, response_id, question_id, value) VALUES "
	" (1, 1, 2, 'Parking is awful'), (2, 2, 2, 'The bus' || char(10) || 'never comes'),"
	" (3, 3, 1, 'Staff were kind'), (4, 4, 1, 'Nothing to say'), (5, 7, 3, 'kind'),"
	" (6, 4, 2, 'no bus, no parking');"
	"INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at, last_answer_id) "
	" VALUES (1, 1, 'abcdef0123456789', 'small.rules.xml', 'now', 5);"
	"INSERT INTO theme (id, ruleset_id, code, label, parent_id, depth, position) VALUES "
	" (10, 1, 'ACCESS', 'Getting there', NULL, 1, 1),"
	" (11, 1, 'PARK', 'Parking', 10, 2, 2),"
	" (12, 1, 'BUS', 'Buses, trains', 10, 2, 3),"
	" (13, 1, 'KIND', 'Kind staff', NULL, 1, 4);"
	"INSERT INTO rule VALUES (1, 1, 'PARK/1'), (1, 2, 'BUS/1'), (1, 3, 'KIND/1');"
	"INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, response_id, "
	"question_id) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, "
	"a.response_id, a.question_id FROM (VALUES "
	" (1, 11, 1, 0, 4), (2, 12, 2, 4, 13), (3, 13, 3, 11, 15),"
	" (6, 12, 2, 3, 6), (6, 11, 1, 99, 3)) v JOIN answer a ON a.id = v.column1;";

static sqlite3 *database(void)
{
	static sqlite3 *db;
	struct err e;

	if (db)
		return db;
	err_init(&e);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    db_migrate_to(db, ":memory:", db_schema_version(), &e) < 0 ||
	    sqlite3_exec(db, fixture, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot make the database: %s %s\n", err_first(&e),
			sqlite3_errmsg(db));
		abort();
	}
	return db;
}

static struct evaluation *evaluate(const uint8_t *data, size_t size, int level, struct err *e)
{
	struct csv_reader *r;
	struct evaluation *ev;

	err_init(e);
	r = csv_reader_mem((const char *)data, size, "gold.csv", NULL, e);
	if (!r)
		return NULL;
	ev = eval_run(database(), 1, r, "gold.csv", level, e);
	csv_reader_free(r);
	return ev;
}

static void in_range(double v, double lo, double hi, const char *what)
{
	if (!isnan(v) && !(v >= lo - 1e-9 && v <= hi + 1e-9)) {
		fprintf(stderr, "%s is %g\n", what, v);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct evaluation *ev, *again;
	struct err e, e2;
	int level;

	if (size < 1)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	level = data[0] & 1;
	ev = evaluate(data + 1, size - 1, level, &e);
	if (!ev) {
		assert(err_isset(&e));
		if (e.code != EXIT_DATA) {
			fprintf(stderr, "refused with exit %d: %s\n", e.code, err_first(&e));
			abort();
		}
		for (int i = 0; i < e.nlines; i++)
			if (strncmp(e.lines[i], "gold.csv", 8) != 0) {
				fprintf(stderr, "message without a place: %s\n", e.lines[i]);
				abort();
			}
		return 0;
	}
	assert(!err_isset(&e));
	assert(ev->nresponses > 0 && ev->nthemes == 4);
	for (size_t r = 0; r < ev->nresponses; r++) {
		assert(ev->responses[r].id >= 1 && ev->responses[r].id <= 4);
		for (size_t k = 0; k < r; k++)
			assert(ev->responses[k].id != ev->responses[r].id);
	}
	for (size_t i = 0; i < ev->nthemes; i++) {
		const struct eval_counts *c = &ev->themes[i].n;
		struct eval_scores s;
		size_t d = 0;

		assert(c->tp >= 0 && c->fp >= 0 && c->fn >= 0 && c->tn >= 0);
		assert((size_t)(c->tp + c->fp + c->fn + c->tn) == ev->nresponses);
		for (size_t k = 0; k < ev->ndisagreements; k++) {
			assert(ev->disagreements[k].response < ev->nresponses);
			assert(ev->disagreements[k].theme < ev->nthemes);
			d += ev->disagreements[k].theme == i;
		}
		if (d != (size_t)(level && ev->themes[i].depth > 1 ? 0 : c->fp + c->fn)) {
			fprintf(stderr, "theme %s: %zu disagreements for %ld + %ld\n",
				ev->themes[i].code, d, c->fp, c->fn);
			abort();
		}
		eval_scores(c, &s);
		in_range(s.precision, 0, 1, "precision");
		in_range(s.recall, 0, 1, "recall");
		in_range(s.f1, 0, 1, "F1");
		in_range(s.kappa, -1, 1, "kappa");
	}
	eval_print_table(ev, 0, devnull);
	eval_print_csv(ev, devnull);
	again = evaluate(data + 1, size - 1, level, &e2);
	assert(again && again->nresponses == ev->nresponses && again->stale == ev->stale);
	for (size_t i = 0; i < ev->nthemes; i++)
		assert(!memcmp(&again->themes[i].n, &ev->themes[i].n, sizeof ev->themes[i].n));
	eval_free(again);
	eval_free(ev);
	return 0;
}
