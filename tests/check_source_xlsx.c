/*
 * check_source_xlsx.c: unit tests for collector/source_xlsx.c, through the
 * source API, over the workbooks in tests/fixtures/xlsx/ (written by
 * make_fixtures.py there). TALLY_FIXTURES names tests/fixtures; when it is
 * not set (a run by hand from the source tree) it is found from __FILE__.
 */
#include <check.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "source.h"

#define MAXF 10

/* The path of fixture `name`; static storage, four at a time. */
static const char *fx(const char *name)
{
	static char buf[4][4096];
	static int i;
	const char *dir = getenv("TALLY_FIXTURES");

	ck_assert_msg(dir != NULL, "TALLY_FIXTURES is not set");
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/xlsx/%s", dir, name);
	return buf[i];
}

/* Opens a fixture that must open. */
static void open_ok(const char *name, const struct source_options *opt, struct source *src)
{
	struct err e;

	err_init(&e);
	ck_assert_msg(source_xlsx_open(fx(name), opt, src, &e) == 0, "%s: %s", name,
		      err_first(&e));
	ck_assert(!err_isset(&e));
	ck_assert_str_eq(src->format, "xlsx");
}

/* Opens a fixture that must fail with `code` and a message containing `needle`. */
static void open_fails(const char *name, const struct source_options *opt,
		       enum exit_code code, const char *needle)
{
	struct source src;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(source_xlsx_open(fx(name), opt, &src, &e), -1);
	ck_assert_msg(e.code == code, "%s: code %d, expected %d: %s", name, e.code, code,
		      err_first(&e));
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_msg(err_contains(&e, needle), "%s: '%s' does not contain '%s'", name,
		      err_first(&e), needle);
	ck_assert_ptr_null(src.state);
	source_free(&src);	/* an emptied source is fine */
}

/* The first record's field names must be `names` (NULL-terminated). */
static void expect_names(const struct source_record *rec, const char *const *names)
{
	size_t n = 0;

	while (names[n])
		n++;
	ck_assert_uint_eq(rec->nfields, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(rec->names[i], names[i]);
}

/* Reads a record that must be at row `place` with `values` (NULL-terminated). */
static void expect_record(struct source *src, struct source_record *rec, long place,
			  const char *raw, const char *const *values)
{
	struct err e;
	size_t n = 0;
	int st;

	err_init(&e);
	st = source_next(src, rec, &e);
	ck_assert_msg(st == SOURCE_RECORD, "row %ld: status %d: %s", place, st, err_first(&e));
	ck_assert(!err_isset(&e));
	ck_assert_int_eq(rec->place, place);
	ck_assert_str_eq(rec->place_word, "row");
	while (values[n])
		n++;
	ck_assert_uint_eq(rec->nfields, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(rec->values[i], values[i]) == 0,
			      "row %ld column %zu: '%s', expected '%s'", place, i + 1,
			      rec->values[i], values[i]);
	if (raw) {
		ck_assert_str_eq(rec->raw, raw);
		ck_assert_uint_eq(rec->raw_len, strlen(raw));
	}
}

static void expect_eof(struct source *src)
{
	struct source_record rec;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(source_next(src, &rec, &e), SOURCE_EOF);
	ck_assert(!err_isset(&e));
}

#define V(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_normal_records)
{
	struct source src;
	struct source_record rec;
	const char *const *names;

	open_ok("normal.xlsx", &(struct source_options){ .header_rows = 1 }, &src);
	expect_record(&src, &rec, 2,
		      "1,Caf\u00e9,43621.5416666667,42,TRUE,na\u00efve \U0001F600,3.5",
		      V("1", "Caf\u00e9", "43621.5416666667", "42", "TRUE",
			"na\u00efve \U0001F600", "3.5"));
	/* Trimmed header text; empty trailing header cells (H1, I1) dropped. */
	expect_names(&rec, V("ID", "Name", "Submitted", "Age", "Consent", "Comment", "Score"));
	ck_assert_str_eq(rec.file, fx("normal.xlsx"));
	names = rec.names;

	/* B3 missing; H3 lies beyond the header: not a field, but in raw. */
	expect_record(&src, &rec, 3,
		      "2,,43622,-0.25,FALSE,line one\nline two,#N/A,extra",
		      V("2", "", "43622", "-0.25", "FALSE", "line one\nline two", "#N/A"));
	ck_assert_ptr_eq(rec.names, names);

	/* Rows 4 and 5 are blank; cells without r follow the one before; the
	 * phonetic run of B6 is left out; _x000D_ is a carriage return. */
	expect_record(&src, &rec, 6,
		      "3,\u6771\u4eac,formula text,,  padded  ,carriage\r\nreturn",
		      V("3", "\u6771\u4eac", "formula text", "", "  padded  ",
			"carriage\r\nreturn", ""));
	ck_assert_ptr_eq(rec.names, names);

	/* Row 7 is not in the sheet at all. */
	expect_record(&src, &rec, 8, "4,,,,,,rich inline",
		      V("4", "", "", "", "", "", "rich inline"));
	expect_eof(&src);
	expect_eof(&src);
	source_free(&src);
	ck_assert_ptr_null(src.state);
}
END_TEST

START_TEST(test_default_options)
{
	struct source src;
	struct source_record rec;

	/* NULL options and header_rows 0 both mean one header row, first sheet. */
	open_ok("normal.xlsx", NULL, &src);
	expect_record(&src, &rec, 2, NULL,
		      V("1", "Caf\u00e9", "43621.5416666667", "42", "TRUE",
			"na\u00efve \U0001F600", "3.5"));
	source_free(&src);
	open_ok("normal.xlsx", &(struct source_options){ 0 }, &src);
	expect_record(&src, &rec, 2, NULL,
		      V("1", "Caf\u00e9", "43621.5416666667", "42", "TRUE",
			"na\u00efve \U0001F600", "3.5"));
	expect_names(&rec, V("ID", "Name", "Submitted", "Age", "Consent", "Comment", "Score"));
	source_free(&src);
}
END_TEST

START_TEST(test_two_header_rows)
{
	struct source src;
	struct source_record rec;

	open_ok("twoheader.xlsx", &(struct source_options){ .header_rows = 2 }, &src);
	expect_record(&src, &rec, 3, "114001,45292.375,GP,,Dentist,Very,Fine,9",
		      V("114001", "45292.375", "GP", "", "Dentist", "Very", "Fine", "9"));
	expect_names(&rec, V("Respondent ID", "Start Date",
			     "Which services have you used? / GP",
			     "Which services have you used? / Pharmacy",
			     "Which services have you used? / Other (please specify)",
			     "How satisfied were you?", "Tell us more", "Tell us more / Extra"));
	expect_record(&src, &rec, 4, "114002,,,Pharmacy",
		      V("114002", "", "", "Pharmacy", "", "", "", ""));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_two_header_rows_read_as_one)
{
	struct source src;
	struct source_record rec;

	/* With one header row, the answer row is data, and H2 is not a field. */
	open_ok("twoheader.xlsx", &(struct source_options){ .header_rows = 1 }, &src);
	expect_record(&src, &rec, 2,
		      ",,GP, Pharmacy ,Other (please specify),Response,Open-Ended Response,Extra",
		      V("", "", "GP", " Pharmacy ", "Other (please specify)", "Response",
			"Open-Ended Response"));
	expect_names(&rec, V("Respondent ID", "Start Date", "Which services have you used?", "",
			     "", "How satisfied were you?", "Tell us more"));
	expect_record(&src, &rec, 3, NULL,
		      V("114001", "45292.375", "GP", "", "Dentist", "Very", "Fine"));
	expect_record(&src, &rec, 4, NULL, V("114002", "", "", "Pharmacy", "", "", ""));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_first_sheet_in_workbook_order)
{
	struct source src;
	struct source_record rec;

	/* "Notes" comes first in the workbook, though its part is sheet2.xml. */
	open_ok("twosheets.xlsx", &(struct source_options){ .header_rows = 1 }, &src);
	expect_record(&src, &rec, 2, "Exported from Microsoft Forms",
		      V("Exported from Microsoft Forms"));
	expect_names(&rec, V("Note"));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_sheet_by_name)
{
	struct source src;
	struct source_record rec;

	/* Headers on row 3, from column B: column A's name is empty. */
	open_ok("twosheets.xlsx", &(struct source_options){ .sheet = "Responses" }, &src);
	expect_record(&src, &rec, 4, ",a@example.org,ST5 1AA",
		      V("", "a@example.org", "ST5 1AA"));
	expect_names(&rec, V("", "Email", "Postcode"));
	expect_eof(&src);
	source_free(&src);

	/* A name differing only in case finds the sheet too. */
	open_ok("twosheets.xlsx", &(struct source_options){ .sheet = "responses" }, &src);
	expect_record(&src, &rec, 4, NULL, V("", "a@example.org", "ST5 1AA"));
	source_free(&src);
}
END_TEST

START_TEST(test_unknown_sheet)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s has no sheet called 'Summary': its sheets are 'Notes', 'Responses'",
		 fx("twosheets.xlsx"));
	open_fails("twosheets.xlsx", &(struct source_options){ .sheet = "Summary" }, EXIT_USAGE,
		   want);
}
END_TEST

START_TEST(test_absolute_target)
{
	struct source src;
	struct source_record rec;

	/* "/xl/worksheets/data.xml", shared strings in "/xl/strings.xml", x: prefixes. */
	open_ok("abspath.xlsx", NULL, &src);
	expect_record(&src, &rec, 2, "yes,7", V("yes", "7"));
	expect_names(&rec, V("Q1", "Q2"));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_not_a_zip)
{
	char want[512];

	snprintf(want, sizeof want, "%s is not an XLSX file (not a zip archive: ",
		 fx("notzip.xlsx"));
	open_fails("notzip.xlsx", NULL, EXIT_DATA, want);
	open_fails("notzip.xlsx", NULL, EXIT_DATA,
		   "(not a zip archive: it looks like a text file, perhaps CSV)");
	snprintf(want, sizeof want,
		 "%s is not an XLSX file (not a zip archive: no zip directory found)",
		 fx("random.xlsx"));
	open_fails("random.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_password_protected)
{
	char want[512];

	/* Excel saves a workbook with a password as an OLE compound file. */
	snprintf(want, sizeof want,
		 "%s is not an XLSX file (not a zip archive: it is a password-protected workbook or an old .xls file: save it as .xlsx without a password)",
		 fx("encrypted.xlsx"));
	open_fails("encrypted.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_truncated_zip)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s is not an XLSX file (not a zip archive: it starts like one but is truncated or damaged)",
		 fx("truncated.xlsx"));
	open_fails("truncated.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_zip_without_workbook)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s is a zip file but not an XLSX workbook (it has no xl/workbook.xml)",
		 fx("noworkbook.xlsx"));
	open_fails("noworkbook.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_missing_file)
{
	char want[512];

	snprintf(want, sizeof want, "cannot open %s: No such file or directory",
		 fx("nothere.xlsx"));
	open_fails("nothere.xlsx", NULL, EXIT_USAGE, want);
}
END_TEST

START_TEST(test_folder)
{
	struct source src;
	struct err e;
	char want[4200];
	const char *dir = fx("");

	err_init(&e);
	ck_assert_int_eq(source_xlsx_open(dir, NULL, &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	snprintf(want, sizeof want, "%s is a folder, not a file", dir);
	ck_assert_str_eq(err_first(&e), want);
}
END_TEST

START_TEST(test_bad_header_rows_option)
{
	open_fails("normal.xlsx", &(struct source_options){ .header_rows = 3 }, EXIT_USAGE,
		   "header rows must be 1 or 2, not 3");
	open_fails("normal.xlsx", &(struct source_options){ .header_rows = -1 }, EXIT_USAGE,
		   "header rows must be 1 or 2, not -1");
}
END_TEST

START_TEST(test_doctype_refused)
{
	struct source src;
	struct err e;
	char want[512];

	snprintf(want, sizeof want,
		 "%s: sheet 'Sheet1': a DOCTYPE is not allowed (line 2): DTDs and entities are refused for safety",
		 fx("doctype.xlsx"));
	err_init(&e);
	ck_assert_int_eq(source_xlsx_open(fx("doctype.xlsx"), NULL, &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_str_eq(err_first(&e), want);
	ck_assert(!err_contains(&e, "root:"));
}
END_TEST

START_TEST(test_doctype_in_utf16_refused)
{
	struct source src;
	struct err e;

	/* The byte scan cannot see a UTF-16 DOCTYPE; the reader's node type does. */
	err_init(&e);
	ck_assert_int_eq(source_xlsx_open(fx("doctype16.xlsx"), NULL, &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_msg(err_contains(&e, ": sheet 'Sheet1': a DOCTYPE is not allowed (line "),
		      "%s", err_first(&e));
	ck_assert(err_contains(&e, "DTDs and entities are refused for safety"));
	ck_assert(!err_contains(&e, "root:"));
}
END_TEST

START_TEST(test_entity_bomb_in_shared_strings)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s: xl/sharedStrings.xml: a DOCTYPE is not allowed (line 2)",
		 fx("laughs.xlsx"));
	open_fails("laughs.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_bad_shared_string_index)
{
	struct source src;
	struct source_record rec;
	struct err e;
	char want[512];

	open_ok("badsst.xlsx", NULL, &src);
	expect_record(&src, &rec, 2, "Ann,1", V("Ann", "1"));
	expect_names(&rec, V("Name", "Count"));

	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	snprintf(want, sizeof want,
		 "%s:row 3: column C refers to shared string 999, but there are only 4",
		 fx("badsst.xlsx"));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_str_eq(err_first(&e), want);
	ck_assert_int_eq(rec.place, 3);
	ck_assert_str_eq(rec.raw, "Bob,,999");

	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	snprintf(want, sizeof want,
		 "%s:row 4: column A has a shared string index that is not a number",
		 fx("badsst.xlsx"));
	ck_assert_str_eq(err_first(&e), want);
	ck_assert_int_eq(rec.place, 4);

	/* Reading goes on at the next row. */
	expect_record(&src, &rec, 5, "Bob,5", V("Bob", "5"));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_malformed_sheet)
{
	struct source src;
	struct source_record rec;
	struct err e;
	char want[512], name[32];
	long row = 2;
	int st;

	open_ok("malformed.xlsx", NULL, &src);
	for (;;) {
		err_init(&e);
		st = source_next(&src, &rec, &e);
		if (st != SOURCE_RECORD)
			break;
		ck_assert_int_eq(rec.place, row);
		snprintf(name, sizeof name, "person %ld", row);
		ck_assert_str_eq(rec.values[0], name);
		row++;
	}
	/* libxml2 reads ahead, but not by much. */
	ck_assert_int_ge(row, 30);
	ck_assert_int_le(row, 42);
	ck_assert_int_eq(st, SOURCE_FATAL);
	ck_assert_int_eq(e.code, EXIT_DATA);
	snprintf(want, sizeof want,
		 "%s: sheet 'Data': malformed XML at line 46: opening and ending tag mismatch: c line 46 and row",
		 fx("malformed.xlsx"));
	ck_assert_str_eq(err_first(&e), want);

	/* It stays fatal. */
	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_FATAL);
	ck_assert_str_eq(err_first(&e), want);
	source_free(&src);
}
END_TEST

START_TEST(test_empty_sheet)
{
	char want[512];

	snprintf(want, sizeof want, "%s: sheet 'Sheet1' is empty: it has no header row",
		 fx("empty.xlsx"));
	open_fails("empty.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_only_one_of_two_header_rows)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s: sheet 'Sheet1' has only one row, but 2 header rows were asked for",
		 fx("header-only.xlsx"));
	open_fails("header-only.xlsx", &(struct source_options){ .header_rows = 2 }, EXIT_DATA,
		   want);
}
END_TEST

START_TEST(test_blank_header)
{
	char want[512];

	/* Row 2 has cells, but only white space in them. */
	snprintf(want, sizeof want, "%s:row 2: the header row is empty", fx("blank-header.xlsx"));
	open_fails("blank-header.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_header_only)
{
	struct source src;

	/* An export with no responses yet: no records, not an error. */
	open_ok("header-only.xlsx", NULL, &src);
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(test_size_limit)
{
	struct source_options opt = { .xlsx_entry_limit = 1 << 20 };
	char want[512];

	snprintf(want, sizeof want,
		 "%s: xl/worksheets/sheet1.xml would expand to 4194472 bytes, over the limit of 1048576: refused as a possible zip bomb",
		 fx("bomb.xlsx"));
	open_fails("bomb.xlsx", &opt, EXIT_DATA, want);
	/* Smaller parts are still fine under that limit. */
	{
		struct source src;
		struct source_record rec;

		open_ok("normal.xlsx", &opt, &src);
		expect_record(&src, &rec, 2, NULL,
			      V("1", "Caf\u00e9", "43621.5416666667", "42", "TRUE",
				"na\u00efve \U0001F600", "3.5"));
		source_free(&src);
	}
}
END_TEST

START_TEST(test_under_the_limit_read_in_full)
{
	char want[512];

	/* At the default limit the 4 MiB of blanks are read through (989:1). */
	snprintf(want, sizeof want, "%s: sheet 'Sheet1' is empty: it has no header row",
		 fx("bomb.xlsx"));
	open_fails("bomb.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_ratio_limit)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s: xl/worksheets/sheet1.xml would expand from 198 to 4194472 bytes, over 1000:1: refused as a possible zip bomb",
		 fx("ratio.xlsx"));
	open_fails("ratio.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_entry_bigger_than_it_says)
{
	char want[512];

	snprintf(want, sizeof want,
		 "%s: xl/worksheets/sheet1.xml holds more than the 200 bytes the zip directory says: refused as a possible zip bomb",
		 fx("lie.xlsx"));
	open_fails("lie.xlsx", NULL, EXIT_DATA, want);
}
END_TEST

START_TEST(test_many_rows)
{
	struct source src;
	struct source_record rec;
	struct err e;
	char v0[32], v1[128];
	long row = 2;

	open_ok("many.xlsx", NULL, &src);
	for (;;) {
		int st;

		err_init(&e);
		st = source_next(&src, &rec, &e);
		if (st == SOURCE_EOF)
			break;
		ck_assert_msg(st == SOURCE_RECORD, "row %ld: %s", row, err_first(&e));
		if (row == 2)
			expect_names(&rec, V("n", "text"));
		ck_assert_int_eq(rec.place, row);
		snprintf(v0, sizeof v0, "%ld", row * 7);
		snprintf(v1, sizeof v1, "response %ld: %.*s", row, (int)(row % 50),
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		ck_assert_uint_eq(rec.nfields, 2);
		ck_assert_str_eq(rec.values[0], v0);
		ck_assert_str_eq(rec.values[1], v1);
		row++;
	}
	ck_assert_int_eq(row, 3002);
	source_free(&src);
}
END_TEST

START_TEST(test_raw_cut_on_a_character)
{
	struct source src;
	struct source_record rec;
	struct err e;
	const char *a;

	open_ok("long.xlsx", NULL, &src);
	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_RECORD);
	/* Duplicate names are the importer's business. */
	ck_assert_uint_eq(rec.nfields, 2);
	ck_assert_str_eq(rec.names[0], "text");
	ck_assert_str_eq(rec.names[1], "text");
	a = rec.values[0];
	ck_assert_uint_eq(strlen(a), 6001);
	ck_assert_str_eq(rec.values[1], "b");
	/* "a" and 2047 two-byte characters: 4096 would cut the next one in two. */
	ck_assert_uint_eq(rec.raw_len, 4095);
	ck_assert_uint_eq(strlen(rec.raw), 4095);
	ck_assert(memcmp(rec.raw, a, 4095) == 0);
	expect_eof(&src);
	source_free(&src);
}
END_TEST

static Suite *source_xlsx_suite(void)
{
	Suite *s = suite_create("source_xlsx");
	TCase *tc = tcase_create("read");
	TCase *bad = tcase_create("refuse");

	tcase_add_test(tc, test_normal_records);
	tcase_add_test(tc, test_default_options);
	tcase_add_test(tc, test_two_header_rows);
	tcase_add_test(tc, test_two_header_rows_read_as_one);
	tcase_add_test(tc, test_first_sheet_in_workbook_order);
	tcase_add_test(tc, test_sheet_by_name);
	tcase_add_test(tc, test_absolute_target);
	tcase_add_test(tc, test_bad_shared_string_index);
	tcase_add_test(tc, test_malformed_sheet);
	tcase_add_test(tc, test_many_rows);
	tcase_add_test(tc, test_raw_cut_on_a_character);
	tcase_add_test(tc, test_header_only);
	suite_add_tcase(s, tc);

	tcase_set_timeout(bad, 60);
	tcase_add_test(bad, test_unknown_sheet);
	tcase_add_test(bad, test_not_a_zip);
	tcase_add_test(bad, test_truncated_zip);
	tcase_add_test(bad, test_password_protected);
	tcase_add_test(bad, test_zip_without_workbook);
	tcase_add_test(bad, test_missing_file);
	tcase_add_test(bad, test_folder);
	tcase_add_test(bad, test_bad_header_rows_option);
	tcase_add_test(bad, test_doctype_refused);
	tcase_add_test(bad, test_doctype_in_utf16_refused);
	tcase_add_test(bad, test_entity_bomb_in_shared_strings);
	tcase_add_test(bad, test_empty_sheet);
	tcase_add_test(bad, test_blank_header);
	tcase_add_test(bad, test_only_one_of_two_header_rows);
	tcase_add_test(bad, test_size_limit);
	tcase_add_test(bad, test_under_the_limit_read_in_full);
	tcase_add_test(bad, test_ratio_limit);
	tcase_add_test(bad, test_entry_bigger_than_it_says);
	suite_add_tcase(s, bad);
	return s;
}

/* Run by hand, the fixtures are found next to this file. */
static void find_fixtures(void)
{
	char dir[4096];
	const char *slash = strrchr(__FILE__, '/');
	struct stat sb;

	if (getenv("TALLY_FIXTURES"))
		return;
	snprintf(dir, sizeof dir, "%.*sfixtures", slash ? (int)(slash - __FILE__ + 1) : 0,
		 __FILE__);
	if (stat(dir, &sb) != 0) {
		fprintf(stderr, "check_source_xlsx: set TALLY_FIXTURES to tests/fixtures\n");
		exit(EXIT_FAILURE);
	}
	setenv("TALLY_FIXTURES", dir, 1);
}

int main(void)
{
	SRunner *sr;
	int failed;

	find_fixtures();
	sr = srunner_create(source_xlsx_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	xmlCleanupParser();
	return failed != 0;
}
