/* Postcodes: shape, loading both layouts, and the order of trust. */
#include <string.h>

#include "postcode.h"
#include "testutil.h"

static const struct {
	const char *in;
	enum postcode_kind kind;
	const char *out;
} shapes[] = {
	{ "ST1 1AF", POSTCODE_FULL, "ST1 1AF" },
	{ "st11af", POSTCODE_FULL, "ST1 1AF" },
	{ "  st1   1af ", POSTCODE_FULL, "ST1 1AF" },
	{ "WS11 1AA", POSTCODE_FULL, "WS11 1AA" },
	{ "SW1A 1AA", POSTCODE_FULL, "SW1A 1AA" },
	{ "W1A 0AX", POSTCODE_FULL, "W1A 0AX" },
	{ "M1 1AE", POSTCODE_FULL, "M1 1AE" },
	{ "B797AA", POSTCODE_FULL, "B79 7AA" },
	{ "B79", POSTCODE_OUTWARD, "B79" },
	{ "st7", POSTCODE_OUTWARD, "ST7" },
	{ "EC1A", POSTCODE_OUTWARD, "EC1A" },
	{ "", POSTCODE_INVALID, "" },
	{ "ST1 1A", POSTCODE_INVALID, "" },
	{ "12345", POSTCODE_INVALID, "" },
	{ "ST!1AF", POSTCODE_INVALID, "" },
	{ "STAFFORD", POSTCODE_INVALID, "" },
	{ "ABC1 1AA", POSTCODE_INVALID, "" },
	{ "ST1 1AFF", POSTCODE_INVALID, "" },
	{ "GIR 0AA", POSTCODE_FULL, "GIR 0AA" },
	{ "gir0aa", POSTCODE_FULL, "GIR 0AA" },
	{ "GIR 0AL", POSTCODE_INVALID, "" },   /* only GIR 0AA is outside the shapes */
	{ "GIR 9ZZ", POSTCODE_INVALID, "" },
	/* written the ways redaction reads them (common/textnorm.h) */
	{ "ST1\xc2\xa0" "1AF", POSTCODE_FULL, "ST1 1AF" },                 /* no-break space */
	{ "ST1\xe2\x80\xaf" "1AF", POSTCODE_FULL, "ST1 1AF" },             /* narrow no-break space */
	{ "ST1\xe3\x80\x80" "1AF", POSTCODE_FULL, "ST1 1AF" },             /* ideographic space */
	{ "S\xe2\x80\x8bT1 1\xe2\x80\x8d" "AF", POSTCODE_FULL, "ST1 1AF" },  /* zero-width space, joiner */
	{ "\xef\xbb\xbf" "B79\xc2\xad" "7AA", POSTCODE_FULL, "B79 7AA" },      /* byte order mark, soft hyphen */
	{ "\xef\xbc\xb3\xef\xbc\xb4\xef\xbc\x91 \xef\xbc\x91\xef\xbc\xa1\xef\xbc\xa6",
	  POSTCODE_FULL, "ST1 1AF" },                                      /* fullwidth */
	{ "\xef\xbd\x93\xef\xbd\x94\xef\xbc\x97", POSTCODE_OUTWARD, "ST7" }, /* fullwidth lower case */
	{ "ST1\xe2\x80\x94" "1AF", POSTCODE_INVALID, "" },                 /* a dash is not a space */
	{ "ST1 1A\xc3\x89", POSTCODE_INVALID, "" },                         /* a letter with an accent */
	{ "ST1 1AF\xff", POSTCODE_INVALID, "" },                             /* invalid UTF-8 */
	{ "S\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b"
	  "\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8bT7", POSTCODE_OUTWARD, "ST7" },
};

START_TEST(test_shapes)
{
	char out[POSTCODE_MAX];
	enum postcode_kind k = postcode_normalise(shapes[_i].in, out);

	ck_assert_msg(k == shapes[_i].kind, "'%s': kind %d", shapes[_i].in, k);
	ck_assert_str_eq(out, shapes[_i].out);
}
END_TEST

/* An exercise over two districts, a few postcodes, and real split shares. */
static sqlite3 *lookup_db(void)
{
	sqlite3 *db = test_memdb();

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		  "(1, 'x', 'X', '2019-06-03', '2019-08-25');"
		  "INSERT INTO district VALUES ('E07000199', 'Tamworth'), "
		  "('E07000195', 'Newcastle-under-Lyme'), ('E07000194', 'Lichfield');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000199', 1), (1, 'E07000195', 2), "
		  "(1, 'E07000194', 3);"
		  "INSERT INTO postcode VALUES ('B79 7AA', 'E07000199'), ('B75 5AA', 'E08000025'), "
		  "('ST7 2AB', 'E06000049');"
		  "INSERT INTO outward_share (outward, district_code, share, source) VALUES "
		  "('B79', 'E07000199', 0.6420, 'table'), ('B79', 'E07000194', 0.2173, 'table'), "
		  "('B79', 'E07000218', 0.1392, 'table'), ('B79', 'E07000134', 0.0014, 'table'), "
		  "('ST7', 'E07000195', 0.5162, 'table'), ('ST7', 'E06000049', 0.4513, 'table'), "
		  "('ST5', 'E07000195', 0.9916, 'table'), ('ST5', 'E07000197', 0.0074, 'table'), "
		  "('B75', 'E08000025', 0.9496, 'table'), ('B75', 'E07000194', 0.0504, 'table');");
	return db;
}

static const struct {
	const char *postcode, *event, *ticked;
	const char *district, *source, *note;
} trust[] = {
	/* A full postcode in the lookup wins over everything. */
	{ "b79 7aa", "E07000195", "E07000194", "E07000199", "postcode", "postcode B79 7AA is in E07000199" },
	{ "B75 5AA", "E07000199", NULL, "", "out-of-area", "outside the exercise's districts" },
	/* Then the event. */
	{ "B79 9ZZ", "E07000195", NULL, "E07000195", "event", "B79 9ZZ is not in the lookup" },
	{ NULL, "E07000195", "E07000199", "E07000195", "event", "collected at an event" },
	/* Then a ticked district. */
	{ "ST7", NULL, "E07000199", "E07000199", "ticked", "the respondent ticked E07000199" },
	{ "ST5", NULL, "E09000001", "E07000195", "outward-code", "the district ticked is not one of the exercise's" },
	/* Then the outward code, only when decisive. */
	{ "ST5", NULL, NULL, "E07000195", "outward-code", "outward code ST5: 99% of its postcodes are in E07000195" },
	{ "ST5 9ZZ", NULL, NULL, "E07000195", "outward-code", "outward code ST5: 99%" },
	{ "B79", NULL, NULL, "", "unresolved", "outward code B79 is split (64% E07000199, 22% E07000194, 14% E07000218, ...), below the 80% needed" },
	{ "ST7", NULL, NULL, "", "unresolved", "outward code ST7 is split (52% E07000195, 45% E06000049), below the 80% needed" },
	{ "B75", NULL, NULL, "", "out-of-area", "95% of its postcodes are in E08000025, outside" },
	{ "ZZ9", NULL, NULL, "", "unresolved", "outward code ZZ9 is not in the lookup" },
	{ "not known", NULL, NULL, "", "unresolved", "the postcode given is not a UK postcode" },
	{ NULL, NULL, NULL, "", "unresolved", "no postcode, event or district given" },
};

START_TEST(test_order_of_trust)
{
	sqlite3 *db = lookup_db();
	struct err e;
	struct postcode_resolver *r;
	struct postcode_input in = { trust[_i].postcode, trust[_i].event, trust[_i].ticked };
	struct postcode_result res;

	err_init(&e);
	r = postcode_resolver_new(db, 1, &e);
	ck_assert_msg(r != NULL, "%s", err_first(&e));
	ck_assert_int_eq(postcode_resolve(r, &in, &res, &e), 0);
	ck_assert_msg(strcmp(res.source, trust[_i].source) == 0, "case %d: source %s (%s)", _i,
		      res.source, res.note);
	ck_assert_str_eq(res.district, trust[_i].district);
	ck_assert_msg(strstr(res.note, trust[_i].note), "case %d: note '%s'", _i, res.note);
	postcode_resolver_free(r);
	sqlite3_close(db);
}
END_TEST

/*
 * Exercises over areas other than districts, in the database of lookup_db():
 * 2, a region including two districts; 3, Wales, holding its districts by
 * kind; 4, areas outside the UK.
 */
static void add_area_exercises(sqlite3 *db)
{
	test_exec(db,
		  "INSERT INTO exercise (id, code, title, opens, closes) VALUES "
		  "(2, 'wm', 'WM', '2019-06-03', '2019-08-25'), "
		  "(3, 'wales', 'Wales', '2019-06-03', '2019-08-25'), "
		  "(4, 'ie', 'Dublin', '2019-06-03', '2019-08-25');"
		  "INSERT INTO district VALUES ('E12000005', 'West Midlands'), ('W92000004', 'Wales'), "
		  "('IE-DUB', 'Dublin');"
		  "INSERT INTO exercise_district VALUES (2, 'E12000005', 1), (3, 'W92000004', 1), "
		  "(4, 'IE-DUB', 1);"
		  "INSERT INTO area_member (exercise_id, area_code, district_code) VALUES "
		  "(2, 'E12000005', 'E07000199'), (2, 'E12000005', 'E07000195');"
		  "INSERT INTO postcode VALUES ('CF10 1AA', 'W06000015');");
}

static const struct {
	long long exercise;
	const char *postcode, *event, *ticked;
	const char *district, *source, *note;
} areas[] = {
	/* A postcode placed in a district the region includes counts in the region. */
	{ 2, "B79 7AA", NULL, NULL, "E12000005", "postcode", "postcode B79 7AA is in E07000199, part of E12000005" },
	{ 2, "ST5", NULL, NULL, "E12000005", "outward-code", "99% of its postcodes are in E07000195, part of E12000005" },
	{ 2, "B75 5AA", NULL, NULL, "", "out-of-area", "postcode B75 5AA is in E08000025, outside" },
	{ 2, NULL, NULL, "E07000195", "E12000005", "ticked", "the respondent ticked E07000195, part of E12000005" },
	{ 2, NULL, "E12000005", NULL, "E12000005", "event", "collected at an event in E12000005" },
	/* A nation holds its districts without a list. */
	{ 3, "CF10 1AA", NULL, NULL, "W92000004", "postcode", "is in W06000015, part of W92000004" },
	{ 3, "B79 7AA", NULL, NULL, "", "out-of-area", "outside" },
	/* Outside the UK: placed by event or tick; a UK postcode is outside the areas. */
	{ 4, NULL, "IE-DUB", NULL, "IE-DUB", "event", "collected at an event in IE-DUB" },
	{ 4, NULL, NULL, "IE-DUB", "IE-DUB", "ticked", "the respondent ticked IE-DUB" },
	{ 4, "ST1 1AF", "IE-DUB", NULL, "", "out-of-area", "postcode ST1 1AF is a UK postcode, and none of the exercise's areas is in the UK" },
	{ 4, "ST5", NULL, NULL, "", "out-of-area", "none of the exercise's areas is in the UK" },
	{ 4, "D02 X285", "IE-DUB", NULL, "IE-DUB", "event", "the postcode given is not a UK postcode" },
};

START_TEST(test_areas)
{
	sqlite3 *db = lookup_db();
	struct err e;
	struct postcode_resolver *r;
	struct postcode_input in = { areas[_i].postcode, areas[_i].event, areas[_i].ticked };
	struct postcode_result res;

	add_area_exercises(db);
	err_init(&e);
	r = postcode_resolver_new(db, areas[_i].exercise, &e);
	ck_assert_msg(r != NULL, "%s", err_first(&e));
	ck_assert_int_eq(postcode_resolve(r, &in, &res, &e), 0);
	ck_assert_msg(strcmp(res.source, areas[_i].source) == 0, "case %d: source %s (%s)", _i,
		      res.source, res.note);
	ck_assert_str_eq(res.district, areas[_i].district);
	ck_assert_msg(strstr(res.note, areas[_i].note), "case %d: note '%s'", _i, res.note);
	/* The first exercise, over plain districts, is not changed by the others. */
	postcode_resolver_free(r);
	r = postcode_resolver_new(db, 1, &e);
	in = (struct postcode_input){ "B79 7AA", NULL, NULL };
	ck_assert_int_eq(postcode_resolve(r, &in, &res, &e), 0);
	ck_assert_str_eq(res.district, "E07000199");
	ck_assert_str_eq(res.note, "postcode B79 7AA is in E07000199");
	postcode_resolver_free(r);
	sqlite3_close(db);
}
END_TEST

/* Remembered lookups (an import's) give what fresh ones give, slots shared or not. */
START_TEST(test_remembered)
{
	sqlite3 *db = lookup_db();
	struct err e;
	struct postcode_resolver *plain, *memo;
	size_t n = sizeof trust / sizeof trust[0];

	err_init(&e);
	plain = postcode_resolver_new(db, 1, &e);
	memo = postcode_resolver_new(db, 1, &e);
	ck_assert_msg(plain && memo, "%s", err_first(&e));
	ck_assert_int_eq(postcode_resolver_remember(memo, (size_t)(_i ? 1024 : 2)), 0);
	for (size_t round = 0; round < 3; round++)
		for (size_t i = 0; i < n; i++) {
			struct postcode_input in = { trust[i].postcode, trust[i].event, trust[i].ticked };
			struct postcode_result a, b;

			ck_assert_int_eq(postcode_resolve(plain, &in, &a, &e), 0);
			ck_assert_int_eq(postcode_resolve(memo, &in, &b, &e), 0);
			ck_assert_str_eq(a.source, b.source);
			ck_assert_str_eq(a.district, b.district);
			ck_assert_str_eq(a.postcode, b.postcode);
			ck_assert_str_eq(a.note, b.note);
		}
	postcode_resolver_free(plain);
	postcode_resolver_free(memo);
	sqlite3_close(db);
}
END_TEST

/*
 * Remembered areas (an import's) give what fresh look-ups give: districts
 * in a region, outside it, in a nation, ticked, each asked several times.
 */
START_TEST(test_remembered_areas)
{
	sqlite3 *db = lookup_db();
	struct err e;
	long long exercise = 2 + _i;
	struct postcode_resolver *plain, *memo;

	add_area_exercises(db);
	err_init(&e);
	plain = postcode_resolver_new(db, exercise, &e);
	memo = postcode_resolver_new(db, exercise, &e);

	ck_assert_msg(plain && memo, "%s", err_first(&e));
	ck_assert_int_eq(postcode_resolver_remember(memo, 1024), 0);
	for (size_t round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
			struct postcode_input in = { areas[i].postcode, areas[i].event,
						     areas[i].ticked };
			struct postcode_result a, b;

			ck_assert_int_eq(postcode_resolve(plain, &in, &a, &e), 0);
			ck_assert_int_eq(postcode_resolve(memo, &in, &b, &e), 0);
			ck_assert_str_eq(a.source, b.source);
			ck_assert_str_eq(a.district, b.district);
			ck_assert_str_eq(a.note, b.note);
			if (areas[i].exercise == exercise)
				ck_assert_str_eq(b.district, areas[i].district);
		}
	postcode_resolver_free(plain);
	postcode_resolver_free(memo);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_threshold)
{
	sqlite3 *db = lookup_db();
	struct err e;
	struct postcode_resolver *r;
	struct postcode_input in = { "B79", NULL, NULL };
	struct postcode_result res;

	err_init(&e);
	/* The exercise's own threshold is read from the database. */
	test_exec(db, "UPDATE exercise SET outward_share_threshold = 0.6");
	r = postcode_resolver_new(db, 1, &e);
	ck_assert_int_eq(postcode_resolve(r, &in, &res, &e), 0);
	ck_assert_str_eq(res.source, "outward-code");
	ck_assert_str_eq(res.district, "E07000199");
	/* And can be overridden: 0.65 is just above B79's 64.2%. */
	postcode_resolver_set_threshold(r, 0.65);
	ck_assert_int_eq(postcode_resolve(r, &in, &res, &e), 0);
	ck_assert_str_eq(res.source, "unresolved");
	postcode_resolver_free(r);
	sqlite3_close(db);
}
END_TEST

static int load(sqlite3 *db, const char *path, int strict, struct postcode_load_stats *st,
		struct err *rejects, struct err *e)
{
	struct postcode_load_options opt = { NULL, strict, 0 };

	err_init(rejects);
	err_init(e);
	return postcode_load(db, path, &opt, st, rejects, e);
}

START_TEST(test_load_samples)
{
	sqlite3 *db = lookup_db();
	struct postcode_load_stats st;
	struct err e, rejects;

	ck_assert_msg(load(db, SAMPLE("postcodes/outward-shares.csv"), 0, &st, &rejects, &e) == 0,
		      "%s", err_first(&e));
	ck_assert_str_eq(st.layout, "shares");
	ck_assert_int_eq(st.rows, 166);
	ck_assert_int_eq(st.rejected, 0);
	/* A table replaces what the lookup had for its outward codes. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM outward_share WHERE outward = 'B79'"), 4);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM outward_share WHERE outward = 'ST7'"), 4);
	ck_assert(test_int(db, "SELECT round(share * 10000) FROM outward_share WHERE outward = 'B79' "
			       "AND district_code = 'E07000199'") == 6420);

	ck_assert_msg(load(db, SAMPLE("postcodes/staffs-postcodes.csv"), 0, &st, &rejects, &e) == 0,
		      "%s", err_first(&e));
	ck_assert_str_eq(st.layout, "onspd");
	ck_assert_int_eq(st.rows, 49677);
	ck_assert_int_eq(st.rejected, 0);
	ck_assert_int_eq(st.loaded + st.skipped, st.rows);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM postcode WHERE district_code = 'E06000021' "
				      "AND postcode = 'ST1 1AF'"), 1);
	/* Every outward code came from the table, so none is derived. */
	ck_assert_int_eq(st.derived_outward, 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM outward_share WHERE source = 'derived'"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM postcode_source"), 2);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_load_onspd_derives_shares)
{
	sqlite3 *db = test_memdb();
	struct postcode_load_stats st;
	struct err e, rejects;

	ck_assert_msg(load(db, FIXTURE("postcodes/onspd-lad25cd.csv"), 0, &st, &rejects, &e) == 0,
		      "%s", err_first(&e));
	ck_assert_int_eq(st.loaded, 5);
	ck_assert_int_eq(st.derived_outward, 2);
	ck_assert(test_int(db, "SELECT round(share * 100) FROM outward_share WHERE outward = 'WS11' "
			       "AND district_code = 'E07000192'") == 75);
	ck_assert_int_eq(test_int(db, "SELECT postcodes FROM outward_share WHERE outward = 'WS11' "
				      "AND district_code = 'E07000196'"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_load_bad_rows)
{
	sqlite3 *db = test_memdb();
	struct postcode_load_stats st;
	struct err e, rejects;
	const char *path = FIXTURE("postcodes/bad-rows.csv");
	char needle[512];

	ck_assert_int_eq(load(db, path, 0, &st, &rejects, &e), 0);
	ck_assert_int_eq(st.rows, 6);
	ck_assert_int_eq(st.loaded, 2);
	ck_assert_int_eq(st.skipped, 1);
	ck_assert_int_eq(st.rejected, 3);
	snprintf(needle, sizeof needle, "%s:3: 'not a postcode' is not a full UK postcode", path);
	ck_assert_msg(err_contains(&rejects, needle), "%s", err_first(&rejects));
	snprintf(needle, sizeof needle, "%s:4: 'banana' is not an ONS district code", path);
	ck_assert_msg(err_contains(&rejects, needle), "%s", rejects.lines[1]);
	snprintf(needle, sizeof needle, "%s:5: the row has too few columns", path);
	ck_assert(err_contains(&rejects, needle));
	sqlite3_close(db);

	/* --strict: any bad row and nothing is loaded. */
	db = test_memdb();
	ck_assert_int_eq(load(db, path, 1, &st, &rejects, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "3 rows rejected and --strict given"), "%s", err_first(&e));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM postcode"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM postcode_source"), 0);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_load_unknown_layout)
{
	sqlite3 *db = test_memdb();
	struct postcode_load_stats st;
	struct err e, rejects;

	ck_assert_int_eq(load(db, FIXTURE("postcodes/no-district-column.csv"), 0, &st, &rejects, &e), -1);
	ck_assert_msg(err_contains(&e, ":1: no local authority column"), "%s", err_first(&e));
	ck_assert_int_eq(load(db, FIXTURE("exercise/not-there.csv"), 0, &st, &rejects, &e), -1);
	ck_assert_msg(err_contains(&e, "cannot open"), "%s", err_first(&e));
	sqlite3_close(db);
}
END_TEST

static Suite *postcode_suite(void)
{
	Suite *s = suite_create("postcode");
	TCase *tc = tcase_create("postcode");

	tcase_add_loop_test(tc, test_shapes, 0, sizeof shapes / sizeof shapes[0]);
	tcase_add_loop_test(tc, test_order_of_trust, 0, sizeof trust / sizeof trust[0]);
	tcase_add_loop_test(tc, test_areas, 0, sizeof areas / sizeof areas[0]);
	tcase_add_loop_test(tc, test_remembered, 0, 2);
	tcase_add_loop_test(tc, test_remembered_areas, 0, 3);
	tcase_add_test(tc, test_threshold);
	tcase_add_test(tc, test_load_samples);
	tcase_add_test(tc, test_load_onspd_derives_shares);
	tcase_add_test(tc, test_load_bad_rows);
	tcase_add_test(tc, test_load_unknown_layout);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(postcode_suite());
}
