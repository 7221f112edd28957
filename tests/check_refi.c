/*
 * check_refi.c: unit tests for the REFI-QDA exchange (analyser/refi_*.c):
 * GUIDs the same on every export, the codebook and the project valid
 * against the published schemas (schema/refi-qda/), a codebook read back
 * into a rule set with the same themes, each coding pointing at the words
 * its tag matched (in characters, through redaction), and a bad codebook
 * refused at its line.
 */
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "refi.h"
#include "review.h"
#include "rules.h"
#include "testutil.h"

/* Three answers, each with multibyte characters or personal data before the words tagged. */
static const char *const texts[] = {
	"Café parking fees are too high",
	"Ring me on 07700 900123 — the parking fees at Royal Stoke",
	"Staff were kind, thank you",
};

static sqlite3 *fixture(void)
{
	sqlite3 *db = test_memdb();
	char sql[1024];

	test_exec(db,
		  "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		  "(1, 'ex', 'Exported', 'Test', '2019-06-03', '2019-06-25');"
		  "INSERT INTO district VALUES ('E07000192', 'Cannock Chase');"
		  "INSERT INTO exercise_district VALUES (1, 'E07000192', 1);"
		  "INSERT INTO questionnaire (id, exercise_id, variant, code, title) "
		  "VALUES (1, 1, 'standard', 'std', 'Survey');"
		  "INSERT INTO question (id, questionnaire_id, code, position, type, polarity, text) "
		  "VALUES (1, 1, 'BETTER', 1, 'free-text', 'could-be-better', 'What could be better?');"
		  "INSERT INTO ruleset (id, exercise_id, sha256, file_name, tagged_at) VALUES "
		  "(1, 1, 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789', "
		  "'test.rules.xml', '2019-09-01');"
		  "INSERT INTO theme (id, ruleset_id, code, label, description, parent_id, depth, "
		  "position) VALUES (1, 1, 'ACCESS', 'Getting there & back', 'Travel <and> parking.', "
		  "NULL, 1, 1), (2, 1, 'ACCESS-PARKING', 'Parking fees', NULL, 1, 2, 2),"
		  "(3, 1, 'STAFF', 'Staff', 'Kind or rude staff.', NULL, 1, 3);"
		  "INSERT INTO rule VALUES (1, 1, 'ACCESS-PARKING/1'), (1, 2, 'staff');");
	for (int i = 0; i < 3; i++) {
		const char *word = i < 2 ? "parking fees" : "Staff";
		long at = (long)(strstr(texts[i], word) - texts[i]);

		snprintf(sql, sizeof sql,
			 "INSERT INTO response (id, exercise_id, channel, form_variant, district_code, "
			 "district_source, recorded_at) VALUES (%d, 1, 'online', 'standard', 'E07000192', "
			 "'postcode', '2019-06-10');"
			 "INSERT INTO answer (id, response_id, question_id, value) VALUES (%d, %d, 1, '%s');"
			 "INSERT INTO tag (answer_id, theme_id, rule_no, match_start, match_end, "
			 "response_id, question_id) VALUES (%d, %d, %d, %ld, %ld, %d, 1);",
			 i + 1, i + 1, i + 1, texts[i], i + 1, i < 2 ? 2 : 3, i < 2 ? 1 : 2, at,
			 at + (long)strlen(word), i + 1);
		test_exec(db, sql);
	}
	return db;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s is not there", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(buf = malloc((size_t)n + 1));
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* 0 when `doc` is valid against the schema schema/refi-qda/`xsd`. */
static int validate(xmlDocPtr doc, const char *xsd)
{
	char path[4096];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;
	int rc;

	snprintf(path, sizeof path, "%s/../schema/refi-qda/%s", getenv("TALLY_SAMPLES"), xsd);
	ck_assert_ptr_nonnull(pc = xmlSchemaNewParserCtxt(path));
	ck_assert_msg((schema = xmlSchemaParse(pc)) != NULL, "%s does not load", path);
	ck_assert_ptr_nonnull(vc = xmlSchemaNewValidCtxt(schema));
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

START_TEST(test_guid)
{
	char a[REFI_GUID_LEN + 1], b[REFI_GUID_LEN + 1], c[REFI_GUID_LEN + 1];

	refi_guid("ex", "theme\nA", a);
	refi_guid("ex", "theme\nA", b);
	refi_guid("ex2", "theme\nA", c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_uint_eq(strlen(a), 36);
	ck_assert_int_eq(a[14], '5'); /* a version 5 (name-based) UUID */
	ck_assert(strchr("89AB", a[19]) != NULL);
	ck_assert_uint_eq(strspn(a, "0123456789ABCDEF-"), 36);
}
END_TEST

START_TEST(test_codebook_valid_and_stable)
{
	sqlite3 *db = fixture();
	const char *dir = test_tmpdir();
	char p1[128], p2[128];
	char *a, *b;
	struct err e;
	xmlDocPtr doc;

	snprintf(p1, sizeof p1, "%s/a.qdc", dir);
	snprintf(p2, sizeof p2, "%s/b.qdc", dir);
	err_init(&e);
	ck_assert_msg(refi_codebook_export(db, 1, p1, &e) == 0, "%s", err_first(&e));
	ck_assert_msg(refi_codebook_export(db, 1, p2, &e) == 0, "%s", err_first(&e));
	a = slurp(p1, NULL);
	b = slurp(p2, NULL);
	ck_assert_str_eq(a, b); /* same GUIDs, same bytes */
	ck_assert_ptr_nonnull(strstr(a, "xmlns=\"urn:QDA-XML:codebook:1.0\""));
	ck_assert_ptr_nonnull(strstr(a, "Getting there &amp; back"));
	ck_assert_ptr_nonnull(strstr(a, "ACCESS-PARKING/1 (2 answers)"));
	ck_assert_ptr_nonnull(doc = xmlReadFile(p1, NULL, XML_PARSE_NONET));
	ck_assert_int_eq(validate(doc, "Codebook.xsd"), 0);
	/* The sub-theme is inside its parent. */
	{
		xmlNodePtr codes = xmlFirstElementChild(xmlDocGetRootElement(doc));
		xmlNodePtr access = xmlFirstElementChild(codes), kid;

		ck_assert_str_eq((const char *)codes->name, "Codes");
		xmlChar *n = xmlGetProp(access, BAD_CAST "name");

		ck_assert_str_eq((const char *)n, "Getting there & back");
		xmlFree(n);
		kid = xmlLastElementChild(access);
		ck_assert_str_eq((const char *)kid->name, "Code");
		n = xmlGetProp(kid, BAD_CAST "name");
		ck_assert_str_eq((const char *)n, "Parking fees");
		xmlFree(n);
	}
	xmlFreeDoc(doc);
	free(a);
	free(b);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_round_trip)
{
	sqlite3 *db = fixture();
	const char *dir = test_tmpdir();
	char qdc[128], rules[128];
	struct ruleset *rs;
	sqlite3_stmt *st;
	struct err e;
	size_t n = 0, k = 0;

	snprintf(qdc, sizeof qdc, "%s/t.qdc", dir);
	snprintf(rules, sizeof rules, "%s/t.rules.xml", dir);
	err_init(&e);
	ck_assert_msg(refi_codebook_export(db, 1, qdc, &e) == 0, "%s", err_first(&e));
	ck_assert_msg(refi_codebook_to_rules(qdc, rules, "ex", &n, &e) == 0, "%s", err_first(&e));
	ck_assert_uint_eq(n, 3);
	/* Without patterns the set is a draft: checked, not yet for tagging. */
	ck_assert_ptr_null(rules_load(rules, &e));
	ck_assert_ptr_nonnull(strstr(err_first(&e), "can never be found"));
	err_init(&e);
	ck_assert_msg((rs = rules_load_draft(rules, &e)) != NULL, "%s", err_first(&e));
	ck_assert_uint_eq(rs->nthemes, 3);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT h.code, h.label, coalesce(h.description, ''), "
					    "coalesce(p.code, '') FROM theme h LEFT JOIN theme p ON "
					    "p.id = h.parent_id ORDER BY h.position", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct rule_theme *t = &rs->themes[k++];

		ck_assert_str_eq(t->code, (const char *)sqlite3_column_text(st, 0));
		ck_assert_str_eq(t->label, (const char *)sqlite3_column_text(st, 1));
		ck_assert_str_eq(t->description ? t->description : "",
				 (const char *)sqlite3_column_text(st, 2));
		ck_assert_str_eq(t->parent_code ? t->parent_code : "",
				 (const char *)sqlite3_column_text(st, 3));
		ck_assert_uint_eq(t->nincludes, 0);
	}
	ck_assert_uint_eq(k, 3);
	sqlite3_finalize(st);
	ruleset_free(rs);
	unlink(qdc);
	unlink(rules);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

/* A codebook from another tool: names only, duplicates, no Tally codes. */
START_TEST(test_foreign_codebook)
{
	static const char qdc[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"NVivo\">\n"
		" <Codes>\n"
		"  <Code guid=\"1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294\" name=\" Access &amp;\n travel \" isCodable=\"true\">\n"
		"   <Description>How people get there</Description>\n"
		"   <Code guid=\"1FF58B12-6F6F-4B0C-8BE5-BBDC91F55295\" name=\"Access: travel\" isCodable=\"true\"/>\n"
		"  </Code>\n"
		"  <Code guid=\"1FF58B12-6F6F-4B0C-8BE5-BBDC91F55296\" name=\"??\" isCodable=\"false\"/>\n"
		" </Codes>\n"
		"</CodeBook>\n";
	char *rules = NULL;
	size_t n = 0;
	struct err e;

	err_init(&e);
	ck_assert_msg(refi_codebook_parse(qdc, sizeof qdc - 1, "nvivo.qdc", NULL, &rules, &n, &e) == 0,
		      "%s", err_first(&e));
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_nonnull(strstr(rules, "code=\"ACCESS-TRAVEL\" label=\"Access &amp; travel\""));
	ck_assert_ptr_nonnull(strstr(rules, "code=\"ACCESS-TRAVEL-2\" label=\"Access: travel\" "
				     "parent=\"ACCESS-TRAVEL\""));
	ck_assert_ptr_nonnull(strstr(rules, "code=\"CODE\" label=\"??\""));
	ck_assert_ptr_nonnull(strstr(rules, "<description>How people get there</description>"));
	free(rules);
}
END_TEST

START_TEST(test_bad_codebooks)
{
	static const struct {
		const char *xml, *want;
	} bad[] = {
		{ "<CodeBook><Codes/></CodeBook>", "bad.qdc:1: not a REFI-QDA codebook" },
		{ "<rules xmlns=\"urn:QDA-XML:codebook:1.0\"/>", "root element is <rules>" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">\n</CodeBook>",
		  "bad.qdc:1: <CodeBook> has no <Codes>" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">\n<Codes>\n</Codes></CodeBook>",
		  "bad.qdc:2: the codebook has no codes" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\n<Code guid=\"x\" "
		  "isCodable=\"true\"/></Codes></CodeBook>", "bad.qdc:2: <Code> has no name" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\n\n<Set/></Codes></CodeBook>",
		  "bad.qdc:3: <Set> inside <Codes>" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code name=\"a\">\n<Memo/>"
		  "</Code></Codes></CodeBook>", "bad.qdc:2: <Memo> inside <Code>" },
		{ "<!DOCTYPE x [<!ENTITY a \"b\">]><CodeBook/>", "bad.qdc" },
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>", "bad.qdc:1" },
		/* libxml2 recovers from this one and gives a document: still refused. */
		{ "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" p:q=\"1\"><Codes><Code name=\"a\"/>"
		  "</Codes></CodeBook>", "bad.qdc:1: malformed XML: namespace prefix p" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *rules = (char *)"unset";
		struct err e;

		err_init(&e);
		ck_assert_int_eq(refi_codebook_parse(bad[i].xml, strlen(bad[i].xml), "bad.qdc", NULL,
						     &rules, NULL, &e), -1);
		ck_assert_ptr_null(rules);
		ck_assert_int_eq(e.code, EXIT_DATA);
		ck_assert_msg(strstr(err_first(&e), bad[i].want) != NULL, "case %zu: '%s' lacks '%s'",
			      i, err_first(&e), bad[i].want);
	}
}
END_TEST

/* The zip's entry `name`, NUL-terminated. */
static char *zip_entry(zip_t *z, const char *name)
{
	zip_stat_t s;
	zip_file_t *f;
	char *buf;

	ck_assert_msg(zip_stat(z, name, 0, &s) == 0, "%s is not in the project", name);
	ck_assert_ptr_nonnull(buf = malloc(s.size + 1));
	ck_assert_ptr_nonnull(f = zip_fopen(z, name, 0));
	ck_assert_int_eq(zip_fread(f, buf, s.size), (zip_int64_t)s.size);
	zip_fclose(f);
	buf[s.size] = '\0';
	return buf;
}

/* The characters [from, to) of UTF-8 `s`, as a new string. */
static char *chars(const char *s, long from, long to)
{
	long c = 0;
	const char *a = NULL, *b = NULL, *p;

	for (p = s;; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80) {
			if (c == from)
				a = p;
			if (c == to) {
				b = p;
				break;
			}
			c++;
		}
		if (!*p)
			break;
	}
	ck_assert_msg(a && b, "positions %ld-%ld are outside the text", from, to);
	return strndup(a, (size_t)(b - a));
}

/* Every selection's characters, checked against the words its tag matched. */
static void check_project(const char *path, int raw)
{
	zip_t *z;
	int zerr;
	char *qde;
	xmlDocPtr doc;
	long found = 0;

	ck_assert_ptr_nonnull(z = zip_open(path, ZIP_RDONLY, &zerr));
	qde = zip_entry(z, "project.qde");
	ck_assert_ptr_nonnull(doc = xmlReadMemory(qde, (int)strlen(qde), "project.qde", NULL,
						  XML_PARSE_NONET));
	ck_assert_int_eq(validate(doc, "Project.xsd"), 0);
	for (xmlNodePtr n = xmlFirstElementChild(xmlDocGetRootElement(doc)); n;
	     n = xmlNextElementSibling(n)) {
		if (strcmp((const char *)n->name, "Sources"))
			continue;
		for (xmlNodePtr s = xmlFirstElementChild(n); s; s = xmlNextElementSibling(s)) {
			xmlChar *tp = xmlGetProp(s, BAD_CAST "plainTextPath");
			char file[128], *text;
			xmlNodePtr sel = xmlFirstElementChild(s);

			ck_assert_ptr_nonnull(tp);
			ck_assert(!strncmp((const char *)tp, "internal://", 11));
			snprintf(file, sizeof file, "sources/%s", (const char *)tp + 11);
			xmlFree(tp);
			text = zip_entry(z, file);
			ck_assert_ptr_nonnull(sel);
			{
				xmlChar *a = xmlGetProp(sel, BAD_CAST "startPosition");
				xmlChar *b = xmlGetProp(sel, BAD_CAST "endPosition");
				xmlChar *nm = xmlGetProp(sel, BAD_CAST "name");
				char *words = chars(text, atol((char *)a), atol((char *)b));

				ck_assert_str_eq(words, !strcmp((char *)nm, "STAFF") ? "Staff" :
							"parking fees");
				free(words);
				xmlFree(a);
				xmlFree(b);
				xmlFree(nm);
			}
			if (strstr(text, "Ring me"))
				ck_assert_ptr_nonnull(strstr(text, raw ? "07700 900123" : "[phone]"));
			if (!raw)
				ck_assert_ptr_null(strstr(text, "07700"));
			free(text);
			found++;
		}
	}
	ck_assert_int_eq(found, 3);
	xmlFreeDoc(doc);
	free(qde);
	zip_close(z);
}

START_TEST(test_project)
{
	sqlite3 *db = fixture();
	const char *dir = test_tmpdir();
	char p[128], q[128];
	struct refi_project_stats st;
	struct err e;
	char *a, *b;
	size_t na, nb;

	snprintf(p, sizeof p, "%s/t.qdpx", dir);
	snprintf(q, sizeof q, "%s/raw.qdpx", dir);
	err_init(&e);
	ck_assert_msg(refi_project_export(db, 1, p, 0, 0, &st, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(st.sources, 3);
	ck_assert_int_eq(st.codings, 3);
	ck_assert_int_eq(st.decisions, 0);
	check_project(p, 0);
	ck_assert_msg(refi_project_export(db, 1, q, 1, 0, &st, &e) == 0, "%s", err_first(&e));
	check_project(q, 1);
	/* Exported again: the same bytes. */
	a = slurp(p, &na);
	ck_assert_msg(refi_project_export(db, 1, q, 0, 0, &st, &e) == 0, "%s", err_first(&e));
	b = slurp(q, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert(!memcmp(a, b, na));
	free(a);
	free(b);
	/* A reviewer removes answer 1's tag and adds STAFF to answer 2: the
	   codings are the tags as counted, the added theme over the whole answer. */
	ck_assert_msg(review_decide(db, 1, "ACCESS-PARKING", "remove", "Reviewer", NULL, &e) == 0,
		      "%s", err_first(&e));
	ck_assert_msg(review_decide(db, 2, "STAFF", "add", "Reviewer", NULL, &e) == 0, "%s",
		      err_first(&e));
	ck_assert_msg(refi_project_export(db, 1, q, 1, 0, &st, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(st.decisions, 1);
	ck_assert_int_eq(st.codings, 3);
	ck_assert_int_eq(st.added, 1);
	{
		zip_t *z;
		int zerr;
		char *qde;
		xmlDocPtr doc;

		ck_assert_ptr_nonnull(z = zip_open(q, ZIP_RDONLY, &zerr));
		qde = zip_entry(z, "project.qde");
		ck_assert_ptr_nonnull(doc = xmlReadMemory(qde, (int)strlen(qde), "project.qde", NULL,
							  XML_PARSE_NONET));
		ck_assert_int_eq(validate(doc, "Project.xsd"), 0);
		/* Answer 2's 57 characters, coded STAFF as a whole. */
		ck_assert_ptr_nonnull(strstr(qde, "name=\"STAFF\" startPosition=\"0\" endPosition=\"57\""));
		xmlFreeDoc(doc);
		free(qde);
		zip_close(z);
	}
	/* The rules alone, as --rules-only asks. */
	ck_assert_msg(refi_project_export(db, 1, q, 1, 1, &st, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(st.decisions, 0);
	ck_assert_int_eq(st.codings, 3);
	ck_assert_int_eq(st.added, 0);
	unlink(p);
	unlink(q);
	rmdir(dir);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_nothing_tagged)
{
	sqlite3 *db = test_memdb();
	struct refi_project_stats st;
	struct err e;

	test_exec(db, "INSERT INTO exercise (id, code, title, organisation, opens, closes) VALUES "
		      "(1, 'ex', 'Exported', 'Test', '2019-06-03', '2019-06-25');");
	err_init(&e);
	ck_assert_int_eq(refi_codebook_export(db, 1, "/tmp/never-written.qdc", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_ptr_nonnull(strstr(err_first(&e), "no themes yet"));
	err_init(&e);
	ck_assert_int_eq(refi_project_export(db, 1, "/tmp/never-written.qdpx", 0, 0, &st, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_int_ne(access("/tmp/never-written.qdc", F_OK), 0);
	sqlite3_close(db);
}
END_TEST

static Suite *refi_suite(void)
{
	Suite *s = suite_create("refi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_guid);
	tcase_add_test(tc, test_codebook_valid_and_stable);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_foreign_codebook);
	tcase_add_test(tc, test_bad_codebooks);
	tcase_add_test(tc, test_project);
	tcase_add_test(tc, test_nothing_tagged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(refi_suite());
}
