/* Import: mappings, CSV exports end to end through import_file(), dates. */
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "erased.h"
#include "exercise.h"
#include "import.h"
#include "mapping.h"
#include "postcode.h"
#include "source.h"
#include "testutil.h"

/* ---- dates --------------------------------------------------------------- */

static const struct {
	const char *in;
	enum date_style style;
	const char *out; /* NULL: refused */
} dates[] = {
	{ "2019-06-05", DATE_AUTO, "2019-06-05" },
	{ "2019-06-05 10:11:12", DATE_AUTO, "2019-06-05T10:11:12" },
	/* A time with a zone is stored as the UK time it is (GMT, or BST in summer). */
	{ "2019-06-05T10:11:12Z", DATE_ISO, "2019-06-05T11:11:12" },
	{ "2019-06-05T10:11:12.345+01:00", DATE_ISO, "2019-06-05T10:11:12" },
	/* Offsets are converted, across days and years. */
	{ "2024-03-18T10:15:09.483+02", DATE_ISO, "2024-03-18T08:15:09" },
	{ "2024-03-18T23:50:00.000-05:30", DATE_ISO, "2024-03-19T05:20:00" },
	{ "2024-01-01T00:30:00+0100", DATE_AUTO, "2023-12-31T23:30:00" },
	{ "2024-02-28T23:00:00-02:00", DATE_AUTO, "2024-02-29T01:00:00" },
	{ "2019-06-05 10:11:12 BST", DATE_AUTO, "2019-06-05T10:11:12" },
	{ "2019-06-05 10:11:12 UTC", DATE_AUTO, "2019-06-05T11:11:12" },
	/* BST starts and ends at 01:00 UTC on the last Sundays of March and October. */
	{ "2024-03-31T00:59:00Z", DATE_ISO, "2024-03-31T00:59:00" },
	{ "2024-03-31T01:00:00Z", DATE_ISO, "2024-03-31T02:00:00" },
	{ "2024-10-27T00:59:00Z", DATE_ISO, "2024-10-27T01:59:00" },
	{ "2024-10-27T01:00:00Z", DATE_ISO, "2024-10-27T01:00:00" },
	{ "2019-03-31T01:30:00+00:00", DATE_ISO, "2019-03-31T02:30:00" },
	/* Late on a summer evening in UTC is the next day in the UK. */
	{ "2019-06-30T23:30:00Z", DATE_ISO, "2019-07-01T00:30:00" },
	{ "2019-12-31T23:30:00Z", DATE_ISO, "2019-12-31T23:30:00" },
	{ "2019-06-05T10:11:12+25:00", DATE_ISO, NULL },
	{ "2019-06-05T10:11:12+1:2", DATE_ISO, NULL },
	{ "05/06/2019 10:11:12", DATE_AUTO, "2019-06-05T10:11:12" },
	{ "05/06/2019", DATE_DMY, "2019-06-05" },
	{ "06/05/2019 09:05:31 AM", DATE_MDY, "2019-06-05T09:05:31" },
	{ "06/05/2019 12:05:31 PM", DATE_MDY, "2019-06-05T12:05:31" },
	{ "06/05/2019 12:05:31 AM", DATE_MDY, "2019-06-05T00:05:31" },
	{ "2019/06/05 10:11:12 am GMT+1", DATE_AUTO, "2019-06-05T10:11:12" },
	{ "43621", DATE_AUTO, "2019-06-05" },
	{ "43621.5", DATE_EXCEL, "2019-06-05T12:00:00" },
	{ "43466", DATE_EXCEL, "2019-01-01" },
	{ "61", DATE_EXCEL, "1900-03-01" },
	{ "2019-02-29", DATE_AUTO, NULL },
	{ "2020-02-29", DATE_AUTO, "2020-02-29" },
	{ "31/06/2019", DATE_DMY, NULL },
	{ "13/13/2019", DATE_AUTO, NULL },
	{ "yesterday", DATE_AUTO, NULL },
	{ "2019-06-05 25:00", DATE_AUTO, NULL },
	{ "05/06/2019 10:11 trailing", DATE_DMY, NULL },
	{ "", DATE_AUTO, NULL },
	/* Spaces, line breaks and signs inside a date are not part of a number. */
	{ "1902/\n06/2", DATE_AUTO, NULL },
	{ "2019- 6- 5", DATE_ISO, NULL },
	{ "2019-+6-05", DATE_AUTO, NULL },
	{ "05/ 6/2019", DATE_DMY, NULL },
	{ "+5/06/2019", DATE_AUTO, NULL },
	{ "05/06/ 2019", DATE_DMY, NULL },
	{ "2019-06-05 10: 5", DATE_ISO, NULL },
	{ "2019-06-05 10:11:-1", DATE_ISO, NULL },
	{ "5/6/2019 9:05", DATE_DMY, "2019-06-05T09:05:00" },
};

START_TEST(test_dates)
{
	char out[DATE_ISO_MAX];
	int rc = date_parse(dates[_i].in, dates[_i].style, out);

	if (!dates[_i].out) {
		ck_assert_msg(rc == -1, "'%s' read as %s", dates[_i].in, out);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' refused", dates[_i].in);
	ck_assert_str_eq(out, dates[_i].out);
}
END_TEST

/* An "auto" column is read one way, decided from every value in it. */
START_TEST(test_date_column)
{
	struct date_column us = { 0 }, uk = { 0 }, amb = { 0 }, mix = { 0 }, none = { 0 };
	enum date_style st = DATE_ISO;
	char why[512], out[DATE_ISO_MAX];

	date_column_note(&us, "06/05/2019 09:00", 2);
	date_column_note(&us, "06/13/2019", 3);
	ck_assert_int_eq(date_column_decide(&us, "line", &st, why, sizeof why), 0);
	ck_assert_int_eq(st, DATE_AUTO_MDY);
	ck_assert_int_eq(date_parse("06/05/2019 09:00", st, out), 0);
	ck_assert_str_eq(out, "2019-06-05T09:00:00");
	ck_assert_int_eq(date_parse("2019-07-01", st, out), 0);
	ck_assert_str_eq(out, "2019-07-01");

	date_column_note(&uk, "05/06/2019", 2);
	date_column_note(&uk, "13/06/2019", 3);
	ck_assert_int_eq(date_column_decide(&uk, "line", &st, why, sizeof why), 0);
	ck_assert_int_eq(st, DATE_AUTO);

	/* 06/06 is the same day either way: it needs no deciding. */
	date_column_note(&none, "06/06/2019", 2);
	date_column_note(&none, "2019-06-07", 3);
	ck_assert_int_eq(date_column_decide(&none, "line", &st, why, sizeof why), 0);
	ck_assert_int_eq(st, DATE_AUTO);

	date_column_note(&amb, "05/06/2019", 4);
	date_column_note(&amb, "07/06/2019", 5);
	ck_assert_int_eq(date_column_decide(&amb, "row", &st, why, sizeof why), -1);
	ck_assert_msg(strstr(why, "2 dates read as two different days (first row 4)"), "%s", why);
	ck_assert_msg(!strstr(why, "05/06"), "the message repeats a value: %s", why);

	date_column_note(&mix, "13/06/2019", 2);
	date_column_note(&mix, "06/14/2019", 7);
	ck_assert_int_eq(date_column_decide(&mix, "line", &st, why, sizeof why), -1);
	ck_assert_msg(strstr(why, "line 2 reads only as dd/mm/yyyy, line 7 only as mm/dd/yyyy"),
		      "%s", why);
	ck_assert_msg(!strstr(why, "/2019"), "the message repeats a value: %s", why);
}
END_TEST

/* ---- mappings ------------------------------------------------------------ */

static const struct {
	const char *xml, *needle;
} bad_maps[] = {
	{ "<mapping><question code=\"Q\" field=\"a\"/>\n<question code=\"Q\" field=\"b\"/></mapping>",
	  "m.xml:2: question 'Q' is mapped twice (first on line 1)" },
	{ "<mapping><question code=\"Q\"><option code=\"a\" field=\"x\"/>\n<option code=\"a\" field=\"y\"/></question></mapping>",
	  "m.xml:2: option 'a' of question 'Q' is mapped twice" },
	{ "<mapping><question code=\"Q\" field=\"a\"/>\n<fixed question=\"Q\" value=\"b\"/></mapping>",
	  "m.xml:2: question 'Q' has a fixed value and is also mapped (line 1)" },
	{ "<mapping><fixed question=\"Q\" value=\"\"/></mapping>", "m.xml:1:" },
	{ "<mapping><no-answer value=\"\"/></mapping>", "m.xml:1:" },
	{ "<mapping><colour/></mapping>", "m.xml:1:" },
	{ "<mapping channel=\"fax\"/>", "m.xml:1:" },
	{ "<mapping><question code=\"Q\"/></mapping>", "m.xml:1:" },
	{ "<mapping>", "malformed XML" },
	{ "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><mapping/>", "a DOCTYPE is not allowed" },
};

START_TEST(test_bad_mappings)
{
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(mapping_parse(bad_maps[_i].xml, strlen(bad_maps[_i].xml), "m.xml", &e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, bad_maps[_i].needle), "expected '%s', got '%s'",
		      bad_maps[_i].needle, err_first(&e));
}
END_TEST

START_TEST(test_mapping_reads)
{
	struct err e;
	struct mapping *m;

	err_init(&e);
	m = mapping_load(FIXTURE("import/online.map.xml"), &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	ck_assert_str_eq(m->id_field, "Respondent");
	ck_assert_int_eq(m->id_required, 1);
	ck_assert_str_eq(m->id_prefix, "test");
	ck_assert_int_eq(m->nquestions, 6);
	ck_assert_str_eq(m->questions[2].separator, ", ");
	ck_assert_str_eq(m->questions[1].values[0].from, "Happy");
	ck_assert_int_eq(m->ndistrict_values, 1);
	ck_assert(mapping_mentions(m, "Postcode"));
	ck_assert(!mapping_mentions(m, "Notes"));
	mapping_free(m);
}
END_TEST

START_TEST(test_mapping_fixed_and_no_answer)
{
	static const char xml[] =
		"<mapping><no-answer value=\"999\"/>\n"
		"<question code=\"Q\" field=\"a\" no-answer=\"n/a|none|-\">"
		"<no-answer value=\"not asked\"/></question>\n"
		"<fixed question=\"R\" value=\"public\"/><no-answer value=\"x\"/></mapping>";
	struct err e;
	struct mapping *m;

	err_init(&e);
	m = mapping_parse(xml, strlen(xml), "m.xml", &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	ck_assert_int_eq(m->nno_answer, 2);
	ck_assert_str_eq(m->no_answer[0], "999");
	ck_assert_str_eq(m->no_answer[1], "x");
	ck_assert_int_eq(m->nquestions, 2);
	ck_assert_int_eq(m->questions[0].nno_answer, 4);
	ck_assert_str_eq(m->questions[0].no_answer[0], "n/a");
	ck_assert_str_eq(m->questions[0].no_answer[2], "-");
	ck_assert_str_eq(m->questions[0].no_answer[3], "not asked");
	ck_assert_ptr_null(m->questions[0].fixed);
	ck_assert_str_eq(m->questions[1].code, "R");
	ck_assert_str_eq(m->questions[1].fixed, "public");
	ck_assert_ptr_null(m->questions[1].field);
	ck_assert_int_eq(m->questions[1].line, 3);
	mapping_free(m);
}
END_TEST

/* ---- importing ----------------------------------------------------------- */

static sqlite3 *exercise_db(long long *ex)
{
	sqlite3 *db = test_memdb();
	struct err e;
	struct exercise_changes ch;
	struct exercise_def *d;
	struct postcode_load_options popt = { NULL, 0, 0 };
	struct postcode_load_stats pst;
	struct err rejects;

	err_init(&e);
	err_init(&rejects);
	d = exercise_load(SAMPLE("exercise-2019.xml"), &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, ex, &ch, &e), 0);
	exercise_def_free(d);
	ck_assert_int_eq(postcode_load(db, SAMPLE("postcodes/outward-shares.csv"), &popt, &pst,
				       &rejects, &e), 0);
	test_exec(db, "INSERT INTO postcode VALUES ('ST1 1AF', 'E06000021'), "
		      "('ST1 1AG', 'E06000021'), ('WS11 1AA', 'E07000192')");
	return db;
}

static int import(sqlite3 *db, long long ex, const char *map, const char *file,
		  struct import_options *opt, struct import_stats *st, struct err *rejects,
		  struct err *warnings, struct err *e)
{
	struct mapping *m;
	int rc;

	err_init(e);
	err_init(rejects);
	err_init(warnings);
	m = mapping_load(FIXTURE(map), e);
	ck_assert_msg(m != NULL, "%s", err_first(e));
	opt->src.header_rows = m->header_rows;
	opt->src.separator = m->separator;
	rc = import_file(db, ex, m, FIXTURE(file), opt, st, rejects, warnings, e);
	mapping_free(m);
	return rc;
}

static const char *const expected_rejects[] = {
	"online.csv:6: column 'How satisfied are you?': the value is not an option of question 'UEC-SAT'",
	"online.csv:7: column 'Services used': choice 2 of the cell (split at ', ') is not an option of question 'SERVICES'",
	"online.csv:8: column 'Recommend': the value is not on the scale from 0 to 10",
	"online.csv:9: the response id is missing (column 'Respondent')",
	"online.csv:10: response 'test:R1' appears twice in this file (first at line 2)",
	"online.csv:11: invalid UTF-8 in column 5",
	"online.csv:12: 11 values but the header has 10 columns",
	"online.csv:13: column 'Submitted': the value is not a date the mapping reads",
};

START_TEST(test_import_csv)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;

	ck_assert_msg(import(db, ex, "import/online.map.xml", "import/online.csv", &opt, &st,
			     &rejects, &warnings, &e) == 0, "%s", err_first(&e));
	ck_assert_str_eq(st.format, "csv");
	ck_assert_int_eq(st.read, 11);
	ck_assert_int_eq(st.accepted, 3);
	ck_assert_int_eq(st.rejected, 8);
	ck_assert_int_eq(st.duplicates, 0);
	for (size_t i = 0; i < sizeof expected_rejects / sizeof *expected_rejects; i++)
		ck_assert_msg(err_contains(&rejects, expected_rejects[i]), "missing reject '%s'; first: %s",
			      expected_rejects[i], err_first(&rejects));
	ck_assert_msg(err_contains(&warnings, "column 'Notes' is not in the mapping"), "%s",
		      err_first(&warnings));
	/* Every row is accounted for in the database too. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject"), 8);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE place = 'line 12' AND "
				      "raw LIKE 'R8,2019-06-13,%'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT rows_read + 0 = 11 AND rows_accepted = 3 AND "
				      "rows_rejected = 8 FROM import_batch"), 1);
	/* R1: a full postcode; two services; the satisfaction option; the date. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE external_id = 'test:R1' "
				      "AND district_code = 'E06000021' AND district_source = 'postcode' "
				      "AND submitted_at = '2019-06-05T10:11:12' AND channel = 'online'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id JOIN question_option o ON a.option_id = o.id "
				      "WHERE r.external_id = 'test:R1' AND o.code IN ('gp', 'pharmacy', "
				      "'very-satisfied', '35-44')"), 4);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id JOIN question q ON a.question_id = q.id "
				      "WHERE r.external_id = 'test:R1' AND q.code = 'POSTCODE' AND "
				      "a.value = 'ST1 1AF'"), 1);
	/* R2: the multi-line answer kept whole; ST5 resolved by its outward code. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id WHERE r.external_id = 'test:R2' AND "
				      "a.value = 'Waited 6 hours.\r\nThen sent home.'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE external_id = 'test:R2' "
				      "AND district_code = 'E07000195' AND district_source = 'outward-code'"), 1);
	/* R3: an Excel date, a ticked district through a mapping value, a value alias. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE external_id = 'test:R3' "
				      "AND district_code = 'E06000021' AND district_source = 'ticked' "
				      "AND submitted_at = '2019-06-07T12:00:00'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id JOIN question_option o ON a.option_id = o.id "
				      "WHERE r.external_id = 'test:R3' AND o.code = 'satisfied'"), 1);
	/* The summary by district, named districts first. */
	ck_assert_int_eq(st.ndistricts, 2);
	ck_assert_str_eq(st.districts[0].name, "Newcastle-under-Lyme");
	ck_assert_int_eq(st.districts[0].count, 1);
	ck_assert_str_eq(st.districts[1].name, "Stoke-on-Trent");
	ck_assert_int_eq(st.districts[1].count, 2);
	import_stats_free(&st);
	/* Foreign keys are not checked during the import, so nothing may break them;
	   they are checked again afterwards. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);

	/* The same file again: recognised, nothing added. */
	ck_assert_int_eq(import(db, ex, "import/online.map.xml", "import/online.csv", &opt, &st,
				&rejects, &warnings, &e), 0);
	ck_assert_int_eq(st.already, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch"), 1);

	/* An overlapping export: only the new response is added. */
	ck_assert_int_eq(import(db, ex, "import/online.map.xml", "import/online-2.csv", &opt, &st,
				&rejects, &warnings, &e), 0);
	ck_assert_int_eq(st.accepted, 2);
	ck_assert_int_eq(st.duplicates, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 5);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id WHERE r.external_id = 'test:R11' AND "
				      "a.value = '7'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	import_stats_free(&st);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_import_strict_refuses)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;

	opt.strict = 1;
	ck_assert_int_eq(import(db, ex, "import/online.map.xml", "import/online.csv", &opt, &st,
				&rejects, &warnings, &e), -1);
	ck_assert_msg(err_contains(&e, "8 records rejected and --strict given: nothing imported"),
		      "%s", err_first(&e));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch"), 0);
	sqlite3_close(db);
}
END_TEST

/*
 * An id prefix longer than is kept (a mapping made other than by
 * mapping_load(), whose schema allows 40 bytes) refuses the file: cut, two
 * prefixes sharing their first bytes would make one response of two.
 */
START_TEST(test_import_long_prefix_refused)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;
	struct mapping *m;
	char prefix[IMPORT_MAX_ID_PREFIX + 2];

	err_init(&e);
	err_init(&rejects);
	err_init(&warnings);
	ck_assert_ptr_nonnull(m = mapping_load(FIXTURE("import/online.map.xml"), &e));
	memset(prefix, 'p', sizeof prefix - 1);
	prefix[sizeof prefix - 1] = '\0';
	free(m->id_prefix);
	ck_assert_ptr_nonnull(m->id_prefix = strdup(prefix));
	opt.src.header_rows = m->header_rows;
	opt.src.separator = m->separator;
	ck_assert_int_eq(import_file(db, ex, m, FIXTURE("import/online.csv"), &opt, &st, &rejects,
				     &warnings, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, "the response id prefix is 61 bytes, more than the 60 kept"),
		      "%s", err_first(&e));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	mapping_free(m);
	sqlite3_close(db);
}
END_TEST

/* Writes `text` to dir/name; the path in `path` (PATH_LEN). */
#define PATH_LEN 128
static void write_file(const char *dir, const char *name, const char *text, char *path)
{
	FILE *f;

	snprintf(path, PATH_LEN, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * A question with more options than an answer takes, one field each, all
 * ticked: the record is rejected with a reason (the picks once overran the
 * array they were gathered in).
 */
START_TEST(test_import_too_many_ticks)
{
	enum { N = IMPORT_MAX_PICKS + 10 };
	const char *dir = test_tmpdir();
	char xpath[PATH_LEN], mpath[PATH_LEN], cpath[PATH_LEN];
	char *x = calloc(1, 64 * N + 1024), *m = calloc(1, 64 * N + 1024), *c = calloc(1, 8 * N + 64);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;
	struct exercise_changes ch;
	struct exercise_def *d;
	struct mapping *map;
	sqlite3 *db = test_memdb();
	long long ex;

	ck_assert(x && m && c);
	strcat(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<exercise code=\"many\">\n"
		  "<title>Many options</title><opens>2019-06-03</opens><closes>2019-08-25</closes>\n"
		  "<districts><district code=\"E07000192\">Cannock Chase</district></districts>\n"
		  "<events/>\n<questionnaire variant=\"standard\" code=\"main\"><title>Main</title>\n"
		  "<question code=\"MANY\" type=\"multiple-choice\" topic=\"general\">"
		  "<text>Which?</text>\n");
	strcat(m, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mapping exercise=\"many\">\n"
		  "<response-id field=\"id\"/>\n<question code=\"MANY\">\n");
	strcat(c, "id");
	for (int k = 1; k <= N; k++) {
		sprintf(x + strlen(x), "<option code=\"o%d\">Option %d</option>\n", k, k);
		sprintf(m + strlen(m), "<option code=\"o%d\" field=\"c%d\"/>\n", k, k);
		sprintf(c + strlen(c), ",c%d", k);
	}
	strcat(x, "</question></questionnaire></exercise>\n");
	strcat(m, "</question></mapping>\n");
	strcat(c, "\nR1");
	for (int k = 1; k <= N; k++)
		strcat(c, ",1");
	strcat(c, "\n");
	write_file(dir, "many.xml", x, xpath);
	write_file(dir, "many.map.xml", m, mpath);
	write_file(dir, "many.csv", c, cpath);

	err_init(&e);
	err_init(&rejects);
	err_init(&warnings);
	ck_assert_msg((d = exercise_load(xpath, &e)) != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &ex, &ch, &e), 0);
	exercise_def_free(d);
	ck_assert_msg((map = mapping_load(mpath, &e)) != NULL, "%s", err_first(&e));
	opt.src.header_rows = map->header_rows;
	opt.src.separator = map->separator;
	ck_assert_int_eq(import_file(db, ex, map, cpath, &opt, &st, &rejects, &warnings, &e), 0);
	ck_assert_int_eq(st.rejected, 1);
	ck_assert_msg(err_contains(&rejects, "many.csv:2: question 'MANY': more than 256 options "
					     "ticked, the most one answer takes"),
		      "%s", err_first(&rejects));
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer"), 0);
	mapping_free(map);
	import_stats_free(&st);
	sqlite3_close(db);
	unlink(xpath);
	unlink(mpath);
	unlink(cpath);
	rmdir(dir);
	free(x);
	free(m);
	free(c);
}
END_TEST

START_TEST(test_import_per_option_columns)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;

	ck_assert_msg(import(db, ex, "import/two-answers.map.xml", "import/two-answers.csv", &opt,
			     &st, &rejects, &warnings, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(st.accepted, 2);
	ck_assert_int_eq(st.rejected, 3);
	ck_assert_msg(err_contains(&rejects, "two-answers.csv:3: question 'DIGI-VIDEO': 2 answers to "
					     "single-choice question 'DIGI-VIDEO', which takes one"),
		      "%s", err_first(&rejects));
	ck_assert_msg(err_contains(&rejects, "two-answers.csv:4: column 'Used: pharmacy': the value "
					     "is not a tick"), "%s", rejects.lines[1]);
	ck_assert_msg(err_contains(&rejects, "two-answers.csv:6: the paper form's serial number is "
					     "missing (column 'Serial')"), "%s", rejects.lines[2]);
	/* P-1: yes, and both services ticked with different words; P-4: the label ticks. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id WHERE r.serial = 'P-1'"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer a JOIN response r ON "
				      "a.response_id = r.id JOIN question_option o ON o.id = a.option_id "
				      "WHERE r.serial = 'P-4' AND o.code = 'maybe'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE channel = 'paper'"), 2);
	import_stats_free(&st);
	sqlite3_close(db);
}
END_TEST

/* Writes `text` to a new file in a new temporary directory; the name is static. */
static const char *temp_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_temp_file(const char *path)
{
	char dir[128];

	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	unlink(path);
	rmdir(dir);
}

#define HEADER "Respondent,Submitted,Postcode,Area,What works well in urgent care?," \
	       "How satisfied are you?,Services used,Age,Recommend,Notes\n"

static const char *const expected_twice[] = {
	"dups.csv:3: column 'How satisfied are you?': the value is not an option",
	"dups.csv:6: response 'test:R2' appears twice in this file (first at line 3)",
	"dups.csv:7: response 'test:R3' appears twice in this file (first at line 4)",
	"dups.csv:9: response 'test:R1' appears twice in this file (first at line 2)",
	"dups.csv:10: response 'test:R4' appears twice in this file (first at line 8)",
	"dups.csv:12: response 'test:R5' appears twice in this file (first at line 11)",
};

/*
 * A response id seen earlier in the same file is rejected with the place of
 * its first sighting, whether that record became a response, was rejected,
 * or was a duplicate of an earlier import.
 */
START_TEST(test_import_twice_in_file)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;
	struct mapping *m;
	const char *path;

	/* test:R1, R10 and R11 are in the database already. */
	ck_assert_int_eq(import(db, ex, "import/online.map.xml", "import/online-2.csv", &opt, &st,
				&rejects, &warnings, &e), 0);
	import_stats_free(&st);
	path = temp_file("dups.csv", HEADER
		"R1,2019-06-05,,,In an earlier import,,,,,\n"  /* line 2 */
		"R2,2019-06-05,,,Rejected,Maybe,,,,\n"         /* 3 */
		"R3,2019-06-05,,,Imported,,,,,\n"              /* 4 */
		"R10,2019-06-05,,,In an earlier import,,,,,\n" /* 5 */
		"R2,2019-06-05,,,Twice,,,,,\n"                 /* 6 */
		"R3,2019-06-05,,,Twice,,,,,\n"                 /* 7 */
		"R4,2019-06-05,,,Imported,,,,,\n"              /* 8 */
		"R1,2019-06-05,,,Twice,,,,,\n"                 /* 9 */
		"R4,2019-06-05,,,Twice,,,,,\n"                 /* 10 */
		"R5,2019-06-05,,,Imported,,,,,\n"              /* 11 */
		"R5,2019-06-05,,,Twice,,,,,\n");               /* 12 */
	err_init(&e);
	err_init(&rejects);
	err_init(&warnings);
	m = mapping_load(FIXTURE("import/online.map.xml"), &e);
	ck_assert_msg(m != NULL, "%s", err_first(&e));
	ck_assert_msg(import_file(db, ex, m, path, &opt, &st, &rejects, &warnings, &e) == 0, "%s",
		      err_first(&e));
	mapping_free(m);
	remove_temp_file(path);
	ck_assert_int_eq(st.read, 11);
	ck_assert_int_eq(st.accepted, 3);
	ck_assert_int_eq(st.rejected, 6);
	ck_assert_int_eq(st.duplicates, 2);
	ck_assert_int_eq(rejects.nlines, 6);
	for (size_t i = 0; i < sizeof expected_twice / sizeof *expected_twice; i++)
		ck_assert_msg(strstr(rejects.lines[i], expected_twice[i]), "expected '%s', got '%s'",
			      expected_twice[i], rejects.lines[i]);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE reason LIKE "
				      "'%appears twice in this file%'"), 5);
	/* Each reject keeps the identity it was read with, for erasure. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key = 'test:R2' "
				      "AND reason LIKE '%appears twice%'"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM reject WHERE response_key IS NULL"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response WHERE external_id IN "
				      "('test:R3', 'test:R4', 'test:R5') AND batch_id = 2"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	import_stats_free(&st);
	sqlite3_close(db);
}
END_TEST

static const struct {
	const char *file, *needle;
	enum exit_code code;
	const char *map; /* NULL: import/online.map.xml */
} refused[] = {
	{ "import/unbalanced.csv", "unbalanced.csv:2: quoted field starting here is never closed", EXIT_DATA, NULL },
	{ "import/empty.csv", "empty.csv is empty", EXIT_DATA, NULL },
	{ "import/missing-columns.csv", "there is no column 'Postcode' in the header, but the mapping", EXIT_DATA, NULL },
	{ "import/not-a-zip.xlsx", "is not an XLSX file", EXIT_DATA, NULL },
	{ "import/nowhere.csv", "cannot open", EXIT_USAGE, NULL },
	{ "xform/external-entity-submission.xml", "a DOCTYPE is not allowed", EXIT_DATA, NULL },
	{ "xform/billion-laughs-submission.xml", "a DOCTYPE is not allowed", EXIT_DATA, NULL },
	{ "xform/truncated-submission.xml", "malformed XML", EXIT_DATA, NULL },
	{ "limesurvey/malformed.lsr", "malformed XML", EXIT_DATA, "limesurvey/malformed.map.xml" },
	{ "xlsx/doctype.xlsx", "a DOCTYPE is not allowed", EXIT_DATA, NULL },
	{ "xlsx/truncated.xlsx", "is not an XLSX file", EXIT_DATA, NULL },
};

START_TEST(test_import_refused)
{
	long long ex;
	sqlite3 *db = exercise_db(&ex);
	struct import_options opt = { 0 };
	struct import_stats st;
	struct err e, rejects, warnings;

	if (strstr(refused[_i].file, ".xlsx"))
		opt.format = "xlsx";
	ck_assert_int_eq(import(db, ex, refused[_i].map ? refused[_i].map : "import/online.map.xml",
				refused[_i].file, &opt, &st,
				&rejects, &warnings, &e), -1);
	ck_assert_msg(err_contains(&e, refused[_i].needle), "%s: expected '%s', got '%s'",
		      refused[_i].file, refused[_i].needle, err_first(&e));
	ck_assert_int_eq(e.code, refused[_i].code);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM response"), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM import_batch"), 0);
	ck_assert_int_eq(test_int(db, "PRAGMA foreign_keys"), 1);
	sqlite3_close(db);
}
END_TEST

/* An erased id in a raw record it cannot read: a whole field, never part of one. */
static const struct {
	const char *raw, *value;
	int holds;
} fields[] = {
	{ "R7,2019-06-12,,x\"y", "R7", 1 },
	{ "R70,2019-06-12", "R7", 0 },
	{ "1,\"R7 was shut\",", "R7", 0 },
	{ "1,\"R7\",2", "R7", 1 },
	{ "a;b;R7", "R7", 1 },
	{ "<id>R7</id>", "R7", 1 },
	{ "<id>XR7</id>", "R7", 0 },
	{ "R7", "R7", 1 },
	{ "R", "R7", 0 },
	{ "P-0001\tx", "P-0001", 1 },
};

START_TEST(test_holds_field)
{
	const char *raw = fields[_i].raw, *v = fields[_i].value;

	ck_assert_msg(erased_holds_field((const unsigned char *)raw, strlen(raw), v, strlen(v)) ==
		      fields[_i].holds, "'%s' in '%s'", v, raw);
}
END_TEST

/*
 * A CSV header cell is trimmed of all of trim.h's white space, as values
 * are: a quoted "Q1" with a line break after it names field Q1, and a last
 * column of only white space, with no header, is dropped from the record.
 * (Header cells were once trimmed of spaces and tabs only.)
 */
START_TEST(test_csv_header_trimmed)
{
	const char *path = temp_file("trim.csv", "\"\nQ1\r\",\"\vQ2 \f\"\r\na,b,\"\r\n\"\n");
	struct source_options opt = { .header_rows = 1, .separator = ',' };
	struct source src = { 0 };
	struct source_record rec;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(source_csv_open(path, &opt, &src, &e), 0);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_RECORD);
	ck_assert_uint_eq(rec.nfields, 2);
	ck_assert_str_eq(rec.names[0], "Q1");
	ck_assert_str_eq(rec.names[1], "Q2");
	ck_assert_str_eq(rec.values[0], "a");
	ck_assert_str_eq(rec.values[1], "b");
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_EOF);
	source_free(&src);
	remove_temp_file(path);
}
END_TEST

static Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_loop_test(tc, test_dates, 0, sizeof dates / sizeof dates[0]);
	tcase_add_test(tc, test_date_column);
	tcase_add_loop_test(tc, test_bad_mappings, 0, sizeof bad_maps / sizeof bad_maps[0]);
	tcase_add_test(tc, test_mapping_reads);
	tcase_add_test(tc, test_mapping_fixed_and_no_answer);
	tcase_add_loop_test(tc, test_holds_field, 0, sizeof fields / sizeof fields[0]);
	tcase_add_test(tc, test_import_csv);
	tcase_add_test(tc, test_import_strict_refuses);
	tcase_add_test(tc, test_import_per_option_columns);
	tcase_add_test(tc, test_import_long_prefix_refused);
	tcase_add_test(tc, test_import_too_many_ticks);
	tcase_add_test(tc, test_import_twice_in_file);
	tcase_add_test(tc, test_csv_header_trimmed);
	tcase_add_loop_test(tc, test_import_refused, 0, sizeof refused / sizeof refused[0]);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(import_suite());
}
